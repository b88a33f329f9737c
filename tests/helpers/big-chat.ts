import { Types } from '../../src/lib/db/mongoose.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { ChatSlot } from '../../src/modules/chats/chat-slot.model.js';
import { insertMessages, type NewMessageDoc } from '../../src/modules/chats/message.model.js';
import { searchKeys } from '../../src/modules/chats/search-terms.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** `n` chats of the user, straight in (as the fixtures of older documents are), with slots. */
export async function insertChats(
  userId: string,
  n: number,
  shape: (i: number) => { pinned?: boolean; archived?: boolean; at: Date; title?: string },
) {
  const owner = new Types.ObjectId(userId);
  const docs = [];
  const slots = [];
  for (let i = 0; i < n; i += 1) {
    const s = shape(i);
    const title = s.title ?? `Chat number ${i}`;
    const _id = new Types.ObjectId();
    docs.push({
      _id,
      userId: owner,
      title,
      pinned: s.pinned ?? false,
      archived: s.archived ?? false,
      model: 'test-model',
      systemPrompt: '',
      titleBytes: bytes(title),
      promptBytes: 0,
      ...searchKeys(title),
      lastMessageAt: s.at,
      createdAt: s.at,
      updatedAt: s.at,
    });
    slots.push({
      _id: `${userId}#${i + 1}`,
      userId: owner,
      n: i + 1,
      chatId: _id,
      createdAt: s.at,
    });
  }
  for (let i = 0; i < docs.length; i += 500) {
    await Chat.collection.insertMany(docs.slice(i, i + 500));
    await ChatSlot.collection.insertMany(slots.slice(i, i + 500) as never[]);
  }
  return docs;
}

export interface BigChat {
  chatId: Types.ObjectId;
  /** The active branch, root to leaf. */
  active: NewMessageDoc[];
  all: NewMessageDoc[];
}

/**
 * A chat with `depth` messages on its active branch (question/answer pairs), and `edits` edits
 * (a sibling question with its answer) and `regens` regenerates (a sibling answer) hanging off
 * points along it. `content(i, role)` gives each message's text.
 */
export async function insertBigChat(
  userId: string,
  opts: {
    depth: number;
    edits: number;
    regens: number;
    content?: (i: number, role: 'user' | 'assistant') => string;
    start?: Date;
  },
): Promise<BigChat> {
  const owner = new Types.ObjectId(userId);
  const chatId = new Types.ObjectId();
  const t0 = (opts.start ?? new Date(Date.now() - 86_400_000)).getTime();
  const content = opts.content ?? ((i, role) => `${role} message ${i} about holiday plans`);
  let clock = 0;
  const msg = (
    parentId: Types.ObjectId | null,
    role: 'user' | 'assistant',
    i: number,
  ): NewMessageDoc => {
    const text = content(i, role);
    clock += 1;
    return {
      _id: new Types.ObjectId(),
      chatId,
      userId: owner,
      parentId,
      role,
      content: text,
      bytes: bytes(text),
      status: 'complete',
      model: role === 'assistant' ? 'test-model' : null,
      finishReason: role === 'assistant' ? 'stop' : null,
      usage: null,
      error: null,
      ttftMs: null,
      durationMs: null,
      createdAt: new Date(t0 + clock * 10),
    };
  };
  const active: NewMessageDoc[] = [];
  let parent: Types.ObjectId | null = null;
  for (let i = 0; i < opts.depth; i += 1) {
    const m = msg(parent, i % 2 === 0 ? 'user' : 'assistant', i);
    active.push(m);
    parent = m._id!;
  }
  const extra: NewMessageDoc[] = [];
  let k = opts.depth;
  // Edits: a new question beside question 2j (below the answer before it), with its answer.
  for (let e = 0; e < opts.edits; e += 1) {
    const qIndex = 2 * ((e * 7) % (opts.depth / 2));
    const q = msg(active[qIndex]!.parentId ?? null, 'user', (k += 1));
    const a = msg(q._id, 'assistant', (k += 1));
    extra.push(q, a);
  }
  // Regenerates: another answer to question 2j.
  for (let r = 0; r < opts.regens; r += 1) {
    const qIndex = 2 * ((r * 13) % (opts.depth / 2));
    extra.push(msg(active[qIndex]!._id, 'assistant', (k += 1)));
  }
  const all = [...active, ...extra];
  for (let i = 0; i < all.length; i += 500) await insertMessages(all.slice(i, i + 500));
  const leaf = active.at(-1)!;
  const at = new Date(t0 + clock * 10);
  const title = 'The big chat';
  await Chat.collection.insertOne({
    _id: chatId,
    userId: owner,
    title,
    pinned: false,
    archived: false,
    model: 'test-model',
    systemPrompt: '',
    titleBytes: bytes(title),
    promptBytes: 0,
    ...searchKeys(title),
    lastMessageAt: at,
    createdAt: new Date(t0),
    updatedAt: at,
    activeLeafId: leaf._id,
  });
  return { chatId, active, all };
}
