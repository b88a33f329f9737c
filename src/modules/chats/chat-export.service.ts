import { config } from '../../lib/config.js';
import type { ChatDoc } from './chat.model.js';
import { toChatJson, toMessageJson } from './chats.mapper.js';
import type { ChatExportJson } from './chats.schemas.js';
import { settleStreaming } from './interrupted-replies.js';
import { Message, type MessageDoc } from './message.model.js';

/**
 * A chat exported whole. A chat may hold tens of thousands of messages and tens of megabytes of
 * text, so an export is never built in memory: it is read a batch at a time from one cursor and
 * handed on in parts as it is read (lib/http/download.ts writes each once the client has taken
 * the last). One cursor, not a page per query: the embedded FerretDB serves a filter on `chatId`
 * by reading the whole collection, once per query, as it does for every tree read.
 */

/** Messages per batch read: the count a page of messages holds. */
const batchSize = () => config().PAGE_SIZE_MAX;

/**
 * A part is handed on once it holds this much (UTF-16 units): a batch of long replies is not
 * copied into one more string of its own size, and short messages still go out in few writes.
 */
const PART_CHARS = 64 * 1024;

/** The chat's messages, oldest first, in the order every tree read sorts them (branch.tree.ts). */
const OLDEST_FIRST = { createdAt: 1, _id: 1 } as const;

/**
 * `{ chat, exportedAt, messages }`: the chat as every chat route shows it, and every message of
 * every branch, oldest first, as the message routes show them. `parentId` is the tree (siblings
 * are the messages of one parent), and the chat's `activeLeafId` the end of its active branch
 * (absent: its newest message), so no message carries `siblingIds`. A reply still streaming is
 * there as stored so far, `streaming`; one whose server died is finished as interrupted on the
 * way, as every read does. Nothing goes out before the first batch is read, so a database that
 * fails at once is an error answer, not a cut file.
 */
export function chatExportJson(chat: ChatDoc, exportedAt: Date): AsyncGenerator<string> {
  return inParts(jsonPieces(chat, exportedAt));
}

async function* jsonPieces(chat: ChatDoc, exportedAt: Date): AsyncGenerator<string> {
  const head = {
    chat: toChatJson(chat),
    exportedAt: exportedAt.toISOString(),
  } satisfies Omit<ChatExportJson, 'messages'>;
  // The head's object without its closing brace, then the messages as they are read.
  yield `${JSON.stringify(head).slice(0, -1)},"messages":[`;
  let first = true;
  for await (const batch of messageBatches(chat)) {
    for (const message of await settleStreaming(batch)) {
      yield `${first ? '' : ','}${JSON.stringify(toMessageJson(message))}`;
      first = false;
    }
  }
  yield ']}';
}

/**
 * The chat's messages with their text, oldest first, a cursor batch at a time: read only as the
 * caller asks for the next, and the cursor closed when it stops (also early: a client gone).
 */
async function* messageBatches(chat: ChatDoc): AsyncGenerator<MessageDoc[]> {
  const cursor = Message.collection.find<MessageDoc>(
    { chatId: chat._id },
    { projection: { terms: 0 }, sort: OLDEST_FIRST, batchSize: batchSize() },
  );
  try {
    while (await cursor.hasNext())
      yield [(await cursor.next())!, ...cursor.readBufferedDocuments()];
  } finally {
    await cursor.close();
  }
}

/** Pieces of a file joined into parts of about PART_CHARS, each handed on once it is full. */
async function* inParts(pieces: AsyncIterable<string>): AsyncGenerator<string> {
  let part = '';
  for await (const piece of pieces) {
    part += piece;
    if (part.length >= PART_CHARS) {
      yield part;
      part = '';
    }
  }
  if (part) yield part;
}

/**
 * The active branch of the chat, whole (root first): as `Tree.activeLeaf` finds it, but over
 * every message of the chat rather than the newest MAX_TREE_MESSAGES, so a branch older than
 * them is not cut. Only each message's id and parent are kept (no text), read a batch at a time.
 */
async function activeBranchIds(chat: ChatDoc): Promise<string[]> {
  /** Every message's parent ('' for a first message), oldest first. */
  const parents = new Map<string, string>();
  const cursor = Message.collection.find<Pick<MessageDoc, '_id' | 'parentId'>>(
    { chatId: chat._id },
    { projection: { parentId: 1 }, sort: OLDEST_FIRST, batchSize: batchSize() * 10 },
  );
  try {
    for await (const m of cursor) parents.set(String(m._id), m.parentId ? String(m.parentId) : '');
  } finally {
    await cursor.close();
  }
  if (parents.size === 0) return [];
  const stored = [chat.activeLeafId, chat.context?.leafId]
    .map((id) => (id ? String(id) : ''))
    .find((id) => parents.has(id));
  const leaf = stored ? newestAtOrBelow(parents, stored) : [...parents.keys()].at(-1)!;
  const path: string[] = [];
  // A parent not in the chat (never so, but for a damaged tree) ends the branch; a cycle too.
  for (let id = leaf; parents.has(id) && path.length < parents.size; id = parents.get(id)!)
    path.push(id);
  return path.reverse();
}

/**
 * The newest message at or below `top` (`parents` oldest first): where a branch through it ends.
 * Whether a message is below it is known once per message, so the walk up stays linear.
 */
function newestAtOrBelow(parents: Map<string, string>, top: string): string {
  const below = new Map<string, boolean>([[top, true]]);
  const isBelow = (id: string): boolean => {
    const walked: string[] = [];
    let at = id;
    let known = below.get(at);
    while (known === undefined) {
      walked.push(at);
      at = parents.get(at) ?? '';
      known = at === '' || walked.length > parents.size ? false : below.get(at);
    }
    for (const w of walked) below.set(w, known);
    return known;
  };
  let newest = top;
  for (const id of parents.keys()) if (isBelow(id)) newest = id;
  return newest;
}

/** Why a reply that did not finish stopped, as a reader of the document is told. */
const STOPPED: Record<string, string> = {
  stop: 'it was stopped',
  detached: 'nobody was reading it',
  superseded: 'a newer message needed its place',
  shutdown: 'the server was restarting',
};

/** A line under a reply that did not end as written: failed, stopped or still being written. */
function noteOf(message: MessageDoc): string | null {
  switch (message.status) {
    case 'streaming':
      return 'This reply was still being written when the chat was exported.';
    case 'error':
      return `This reply failed: ${message.error?.message ?? 'unknown error'}`;
    case 'incomplete':
      return message.error
        ? `This reply was cut off: ${message.error.message}`
        : `This reply was cut off before it finished${message.stopReason ? ` (${STOPPED[message.stopReason] ?? message.stopReason})` : ''}.`;
    default:
      return message.finishReason === 'length'
        ? 'This reply was cut off at its length limit.'
        : null;
  }
}

/** A title as one heading line. */
const headingOf = (title: string) => title.replace(/\s+/g, ' ').trim();

/**
 * The fence a text leaves open (CommonMark: 3+ backticks or tildes after at most 3 spaces, closed
 * by the same character, as many or more, alone on its line), or null. A reply stopped or cut off
 * inside a code block would otherwise turn its note and every turn after it into code.
 */
function openFence(text: string): string | null {
  let open: string | null = null;
  for (const line of text.split('\n')) {
    const m = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (!m) continue;
    const [, fence, rest] = m as unknown as [string, string, string];
    if (open) {
      if (fence[0] === open[0] && fence.length >= open.length && rest.trim() === '') open = null;
    } else if (!(fence[0] === '`' && rest.includes('`'))) open = fence;
  }
  return open;
}

/** One turn: its author as a heading, its text as written, and the note of a reply that did not end. */
function turnMarkdown(message: MessageDoc): string {
  const note = noteOf(message);
  let text = message.content.replace(/\s+$/, '');
  const fence = openFence(text);
  if (fence) text += `\n${fence}`;
  return [
    `## ${message.role === 'user' ? 'User' : 'Assistant'}\n\n`,
    text ? `${text}\n\n` : '',
    note ? `> _${note}_\n\n` : '',
  ].join('');
}

/**
 * The active branch as a document to read: the title as a heading, then each turn under "User"
 * or "Assistant" with its text as written (Markdown as the model wrote it is Markdown here), a
 * failed, stopped or unfinished reply marked below its text. The branch's ids first, then its text
 * from one cursor over the chat, oldest first as JSON reads it, keeping the branch's messages: one
 * scan on the embedded FerretDB, which serves a query by `_id`s (`$in`) by reading the whole
 * collection too, so a query per batch of the branch made an export quadratic in its length.
 */
export function chatExportMarkdown(chat: ChatDoc): AsyncGenerator<string> {
  return inParts(markdownPieces(chat));
}

async function* markdownPieces(chat: ChatDoc): AsyncGenerator<string> {
  const path = await activeBranchIds(chat);
  const onPath = new Set(path);
  /** Messages of the branch read before their turn (never so while parents are older). */
  const early = new Map<string, MessageDoc>();
  let next = 0;
  yield `# ${headingOf(chat.title)}\n\n`;
  for await (const batch of messageBatches(chat)) {
    if (next >= path.length) break;
    for (const message of await settleStreaming(batch.filter((m) => onPath.has(String(m._id))))) {
      early.set(String(message._id), message);
      for (let turn = early.get(path[next]!); turn; turn = early.get(path[next]!)) {
        early.delete(path[next]!);
        next += 1;
        yield turnMarkdown(turn);
      }
    }
  }
  // A message of the branch gone since its ids were read (the chat or the branch deleted
  // meanwhile): the document would end early, or skip turns, and still end cleanly. Thrown, it
  // cuts the connection (sendDownload), so the client sees a failed download instead.
  if (next < path.length) throw new Error('The chat changed while it was exported');
}
