import { z } from 'zod';
import type { Config } from '../../lib/config.js';
import { characterCount, NOT_BLANK } from '../../lib/text.js';
import { REPLY_ERROR_CODES, STOP_REASONS } from './message.model.js';

/**
 * The body of POST /api/chats/import: a `ChatExport` as GET /api/chats/:id/export writes it, held
 * to this server's limits. Its fields are checked one by one, then its tree as a whole
 * (treeIssues): every refusal is a 400 naming the field, before anything is stored.
 */

/** Longer than any model id a provider uses (as chats.schemas.ts bounds it). */
const MODEL_ID_MAX = 200;
/** An id of the exported chat or message: any string, only used to link the tree. */
const ID_MAX = 64;
/** A finish reason or an error's message, as a provider or this server writes them. */
const NOTE_MAX = 2000;

const exportedId = z.string().min(1).max(ID_MAX);
/** 0000-01-01T00:00:00Z: the first instant the API writes as an RFC 3339 time (toISOString). */
const FIRST_WRITABLE = Date.parse('0000-01-01T00:00:00Z');
/**
 * A time of the export. An offset can take a time written in year 0 to before year 0 in UTC, which
 * the API would write back as `-000001-…`: no RFC 3339 time, which an export of the chat could not
 * be imported with. Refused as any other time that is none (a time in the future is clamped to
 * the import's instead, chat-import.service.ts).
 */
const time = z.iso
  .datetime({ offset: true })
  .refine((t) => Date.parse(t) >= FIRST_WRITABLE, 'A time from 0000-01-01T00:00:00Z on');

const count = z.number().int().nonnegative();

/** A message of the export, as MessageSchema publishes it; each role's limits are checked below. */
const importedMessage = (c: Config) =>
  z.strictObject({
    id: exportedId,
    chatId: exportedId,
    parentId: exportedId.nullable(),
    role: z.enum(['user', 'assistant']),
    // The larger of the two roles' limits (a user message's counted in characters, up to two
    // UTF-16 units each); each role's own is checked in treeIssues.
    content: z.string().max(Math.max(c.MAX_REPLY_CHARS, 2 * c.MAX_MESSAGE_CHARS)),
    status: z.enum(['complete', 'streaming', 'incomplete', 'error']),
    model: z.string().max(MODEL_ID_MAX).nullable(),
    finishReason: z.string().max(NOTE_MAX).nullable(),
    usage: z
      .strictObject({ promptTokens: count, completionTokens: count, totalTokens: count })
      .nullable(),
    error: z
      .strictObject({ code: z.enum(REPLY_ERROR_CODES), message: z.string().max(NOTE_MAX) })
      .nullable(),
    stopReason: z.enum(STOP_REASONS).nullable(),
    createdAt: time,
  });

export function importChatBody(c: Config) {
  return z
    .strictObject({
      chat: z.strictObject({
        id: exportedId,
        // As POST /api/chats and PATCH take a title (chats.schemas.ts): its length checked as
        // sent, stored trimmed.
        title: z.string().max(c.MAX_TITLE_CHARS).regex(NOT_BLANK, 'Title must not be empty').trim(),
        pinned: z.boolean(),
        archived: z.boolean(),
        model: z
          .string()
          .max(MODEL_ID_MAX)
          .describe(
            "The chat's model: kept when this server offers it (`GET /api/models`), else its default model",
          ),
        systemPrompt: z.string().max(c.MAX_SYSTEM_PROMPT_CHARS),
        createdAt: time,
        updatedAt: time,
        lastMessageAt: time,
        activeLeafId: exportedId
          .optional()
          .describe(
            'Must name a message of `messages` (absent: the newest message ends the branch)',
          ),
      }),
      exportedAt: time,
      messages: z
        .array(importedMessage(c))
        .max(
          c.MAX_TREE_MESSAGES,
          `A chat imports at most ${c.MAX_TREE_MESSAGES} messages (MAX_TREE_MESSAGES)`,
        )
        .describe(
          "Every message of every branch. Ids are the export's: each `parentId` names a message of the list (null: a first message), with no cycle; a first message and a message below an answer are `user` messages, `complete`; the answers are `assistant` messages below a question",
        ),
    })
    .superRefine((body, ctx) => {
      for (const issue of treeIssues(body, c)) ctx.addIssue({ code: 'custom', ...issue });
    })
    .meta({ id: 'ChatImport' });
}

export type ChatImport = z.infer<ReturnType<typeof importChatBody>>;
type ImportedMessage = ChatImport['messages'][number];

interface Issue {
  path: (string | number)[];
  message: string;
}

/** At most this many tree issues are named: a broken file of thousands of messages is one 400. */
const MAX_ISSUES = 20;

/**
 * What makes the messages no tree this server could have stored: duplicate ids, a message of
 * another chat, a parent that is not in the list, a cycle, roles out of turn (a question starts
 * the chat or follows an answer; an answer follows a question), a question not `complete` or
 * over MAX_MESSAGE_CHARS, an answer over MAX_REPLY_CHARS, an active leaf that is not in the list.
 * Several first messages are a tree too (an edit of the first question is a sibling root).
 */
export function treeIssues(body: Pick<ChatImport, 'chat' | 'messages'>, c: Config): Issue[] {
  const issues: Issue[] = [];
  const at = (i: number, field: keyof ImportedMessage, message: string) =>
    issues.push({ path: ['messages', i, field], message });
  const byId = new Map<string, number>();
  body.messages.forEach((m, i) => {
    if (byId.has(m.id)) at(i, 'id', `Duplicate id: messages.${byId.get(m.id)} has it too`);
    else byId.set(m.id, i);
    if (m.chatId !== body.chat.id) at(i, 'chatId', 'Not the chat being imported (`chat.id`)');
  });
  body.messages.forEach((m, i) => {
    const parent = m.parentId === null ? undefined : body.messages[byId.get(m.parentId) ?? -1];
    if (m.parentId !== null && !parent) return at(i, 'parentId', 'Names no message of `messages`');
    if (m.role === 'user') {
      if (parent && parent.role !== 'assistant')
        at(i, 'role', 'A `user` message follows an `assistant` one, or starts the chat');
      if (m.status !== 'complete') at(i, 'status', 'A `user` message is `complete`');
      if (!NOT_BLANK.test(m.content)) at(i, 'content', 'Message must not be empty');
      else if (characterCount(m.content) > c.MAX_MESSAGE_CHARS)
        at(i, 'content', `A user message holds at most ${c.MAX_MESSAGE_CHARS} characters`);
    } else {
      if (!parent) at(i, 'role', 'An `assistant` message answers a `user` one: it has a parent');
      else if (parent.role !== 'user') at(i, 'role', 'An `assistant` message follows a `user` one');
      if (m.content.length > c.MAX_REPLY_CHARS)
        at(i, 'content', `A reply holds at most ${c.MAX_REPLY_CHARS} characters`);
    }
  });
  // Only once every parent is known: a walk up from each message ends at a first message, or
  // comes back to where it started.
  if (issues.length === 0)
    for (const i of inCycles(body.messages, byId)) at(i, 'parentId', 'The parents make a cycle');
  const leaf = body.chat.activeLeafId;
  if (leaf !== undefined && !byId.has(leaf))
    issues.push({ path: ['chat', 'activeLeafId'], message: 'Names no message of `messages`' });
  return issues.slice(0, MAX_ISSUES);
}

/** The messages on a cycle of parents, each once; each message is walked at most once. */
function inCycles(messages: ImportedMessage[], byId: Map<string, number>): number[] {
  /** 0: not walked; a walk's number while it runs; -1: leads to a first message or a cycle. */
  const walkOf = new Int32Array(messages.length);
  const cycles: number[] = [];
  messages.forEach((_, start) => {
    if (walkOf[start] !== 0) return;
    const walk = start + 1;
    const path: number[] = [];
    let i: number | undefined = start;
    while (i !== undefined && walkOf[i] === 0) {
      walkOf[i] = walk;
      path.push(i);
      const parentId: string | null = messages[i]!.parentId;
      i = parentId === null ? undefined : byId.get(parentId);
    }
    // Back on this walk: the messages from there on are a cycle.
    if (i !== undefined && walkOf[i] === walk) cycles.push(...path.slice(path.indexOf(i)));
    for (const p of path) walkOf[p] = -1;
  });
  return cycles;
}
