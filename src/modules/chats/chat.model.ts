import { insertThroughSchema, type Insertable } from '../../lib/db/insert.js';
import { documentKey, writeInTurn } from '../../lib/db/writes-in-turn.js';
import mongoose, { Schema, type Types } from '../../lib/db/mongoose.js';
import { searchKeys } from './search-terms.js';

/**
 * Internal: the newest turns of the chat's active branch within the history budget, kept on the
 * chat so a plain send needs no read of the messages (chat-context.ts). `leafId` is the reply the
 * turns end at; `pending` until that reply's text is in them; `budget` the HISTORY_TOKEN_BUDGET
 * they were cut to.
 */
export interface ChatContext {
  leafId: Types.ObjectId;
  budget: number;
  pending: boolean;
  turns: { role: 'user' | 'assistant'; content: string }[];
}

/**
 * Internal: the chat's branch deletions begun and ended (branch-deletions.ts): what tells a plain
 * send whether it must check that the message it answers is still there.
 */
export interface BranchDeletions {
  begun: number;
  ended?: number;
}

export interface ChatDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  title: string;
  pinned: boolean;
  archived: boolean;
  model: string;
  systemPrompt: string;
  /** UTF-8 sizes of the title and the system prompt, for the user's storage cap (chats.quota.ts). */
  titleBytes?: number;
  promptBytes?: number;
  /**
   * Internal: the title's search keys (search-terms.ts), written with every title; absent only on
   * chats stored before search keys existed, until the backfill (search-backfill.ts) reaches them.
   */
  terms?: string[];
  /**
   * Internal: the form `terms` were made in (TERMS_VERSION), written with them; absent or older on
   * chats whose terms the backfill has still to make again.
   */
  termsVersion?: number;
  /** Time of the latest user message (creation time until then): the "most recently active" order. */
  lastMessageAt: Date;
  /** The message the chat's current branch ends at; absent: its newest message (branch.tree.ts). */
  activeLeafId?: Types.ObjectId | null;
  /** Absent: the next send rebuilds it from the messages. Never leaves the server. */
  context?: ChatContext | null;
  branchDeletions?: BranchDeletions;
  createdAt: Date;
  updatedAt: Date;
}

const chatSchema = new Schema<ChatDoc>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, required: true },
    pinned: { type: Boolean, default: false },
    archived: { type: Boolean, default: false },
    model: { type: String, required: true },
    systemPrompt: { type: String, default: '' },
    titleBytes: { type: Number, default: 0 },
    promptBytes: { type: Number, default: 0 },
    // No default: a chat without terms is one the backfill has still to reach.
    terms: { type: [String], default: undefined },
    termsVersion: { type: Number, default: undefined },
    lastMessageAt: { type: Date, required: true },
    activeLeafId: { type: Schema.Types.ObjectId, default: undefined },
    context: {
      type: new Schema(
        {
          leafId: { type: Schema.Types.ObjectId, required: true },
          budget: { type: Number, required: true },
          pending: { type: Boolean, required: true },
          turns: [
            new Schema(
              { role: { type: String, enum: ['user', 'assistant'] }, content: String },
              { _id: false },
            ),
          ],
        },
        { _id: false },
      ),
      default: undefined,
    },
    branchDeletions: {
      type: new Schema({ begun: Number, ended: Number }, { _id: false }),
      default: undefined,
    },
  },
  { timestamps: true, versionKey: false },
);
// Every list filters on the owner and the archived flag, then sorts in this order.
chatSchema.index({ userId: 1, archived: 1, pinned: -1, lastMessageAt: -1, _id: -1 });

// Word search in titles: one range of this multikey index per searched word prefix (chats.search.ts).
chatSchema.index({ userId: 1, terms: 1 });
// The backfill's look for terms of an older form, at every start (search-backfill.ts).
chatSchema.index({ termsVersion: 1 });

export const Chat = mongoose.model<ChatDoc>('Chat', chatSchema);

/** A new chat: the flags and the system prompt may be left to the schema's defaults. */
export type NewChatDoc = Insertable<ChatDoc, 'pinned' | 'archived' | 'systemPrompt'>;

/** The one write path of a new chat (see insertThroughSchema), with its title's search keys. */
export const insertChat = (chat: NewChatDoc): Promise<ChatDoc> =>
  insertThroughSchema(Chat, { ...chat, ...searchKeys(chat.title) });

/** What a read of a chat for its JSON leaves out: what only sends and searches read. */
export const SHOWN_FIELDS = { context: 0, terms: 0, branchDeletions: 0 } as const;

/** The chat as stored, without what never leaves the server (SHOWN_FIELDS); null: it is gone. */
export const findShownChat = (chatId: Types.ObjectId): Promise<ChatDoc | null> =>
  Chat.collection.findOne<ChatDoc>({ _id: chatId }, { projection: SHOWN_FIELDS });

/**
 * Every update of a chat goes through here: on the embedded database, this process's updates of
 * one chat go one after another (writeInTurn), so a rename and a send's write of the chat at the
 * same moment both land. A turn may read the chat first and then write it.
 */
export const inChatTurn = <T>(chatId: unknown, write: () => PromiseLike<T>): Promise<T> =>
  writeInTurn(documentKey('chats', chatId), write);
