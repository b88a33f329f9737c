import { config } from '../../lib/config.js';
import type { Types } from '../../lib/db/mongoose.js';
import type { ChatDoc } from './chat.model.js';
import { Message, type MessageDoc } from './message.model.js';

/**
 * What a branch read needs of each message: the tree's shape without the text, and the size of
 * that text (UTF-8 bytes; a page ends by it: branch.service.ts).
 */
export type Node = Pick<MessageDoc, '_id' | 'parentId' | 'role' | 'status' | 'createdAt' | 'bytes'>;

/**
 * A chat's messages as a tree, read in one round trip whatever its depth (FerretDB has no
 * $graphLookup, and walking parents one query at a time costs a trip per message). Only the shape
 * is read, no text; at most MAX_TREE_MESSAGES of the newest messages, so a huge chat stays bounded
 * (a branch reaching past them is cut there, far beyond any history budget).
 */
export class Tree {
  readonly byId = new Map<string, Node>();
  /** Children of each message ('' for the roots), oldest first; also of a parent past the window. */
  private readonly children = new Map<string, Node[]>();
  /** Every message, oldest first. */
  readonly nodes: Node[];

  constructor(nodes: Node[]) {
    this.nodes = [...nodes].sort(
      (a, b) =>
        a.createdAt.getTime() - b.createdAt.getTime() || String(a._id).localeCompare(String(b._id)),
    );
    for (const node of this.nodes) this.byId.set(String(node._id), node);
    for (const node of this.nodes) {
      // By the parent it names, also one older than the window: messages whose parents are past
      // the window are not each other's siblings (nor roots).
      const key = node.parentId ? String(node.parentId) : '';
      const list = this.children.get(key) ?? [];
      list.push(node);
      this.children.set(key, list);
    }
  }

  static async load(chatId: Types.ObjectId): Promise<Tree> {
    const rows = await Message.find(
      { chatId },
      { parentId: 1, role: 1, status: 1, createdAt: 1, bytes: 1 },
    )
      .sort({ createdAt: -1, _id: -1 })
      .limit(config().MAX_TREE_MESSAGES)
      .lean<Node[]>();
    return new Tree(rows);
  }

  get(id: string | Types.ObjectId | null | undefined): Node | undefined {
    return id ? this.byId.get(String(id)) : undefined;
  }

  childrenOf(id: string | null): Node[] {
    return this.children.get(id ?? '') ?? [];
  }

  /** The message and its siblings (the other answers of its parent), oldest first. */
  siblingIds(node: Node): string[] {
    return this.childrenOf(node.parentId ? String(node.parentId) : null).map((n) => String(n._id));
  }

  /** Root to `leafId`, oldest first (empty when it is not in the tree). */
  pathTo(leafId: string | Types.ObjectId | null | undefined): Node[] {
    const path: Node[] = [];
    let node = this.get(leafId);
    while (node) {
      path.push(node);
      node = this.get(node.parentId);
    }
    return path.reverse();
  }

  /** The newest message at or below `id`: where a branch through it ends. */
  newestLeafBelow(id: string | Types.ObjectId): Node | undefined {
    const start = this.get(id);
    if (!start) return undefined;
    let best = start;
    const stack = [start];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.createdAt > best.createdAt) best = node;
      stack.push(...this.childrenOf(String(node._id)));
    }
    return best;
  }

  /** The message and everything below it. */
  subtreeIds(id: string | Types.ObjectId): Types.ObjectId[] {
    const start = this.get(id);
    if (!start) return [];
    const ids: Types.ObjectId[] = [];
    const stack = [start];
    while (stack.length > 0) {
      const node = stack.pop()!;
      ids.push(node._id);
      stack.push(...this.childrenOf(String(node._id)));
    }
    return ids;
  }

  /**
   * The end of the chat's active branch: its stored leaf; without one, where the turns the chat
   * keeps for its next send end (chat-context.ts), so what the chat shows is what a send gives
   * the model even after two sends raced on FerretDB and the one written last is not the newest;
   * without either (or gone), its newest message.
   */
  activeLeaf(chat: Pick<ChatDoc, 'activeLeafId' | 'context'>): Node | undefined {
    const stored = this.get(chat.activeLeafId) ?? this.get(chat.context?.leafId);
    if (stored) return this.newestLeafBelowIfNoChildren(stored);
    return this.nodes.at(-1);
  }

  /**
   * A stored leaf that has gained children (a reply sent through another protocol that did not
   * move it) still names the branch: its newest descendant ends it.
   */
  private newestLeafBelowIfNoChildren(node: Node): Node {
    return this.childrenOf(String(node._id)).length === 0 ? node : this.newestLeafBelow(node._id)!;
  }
}

/** The text of the given messages in one round trip, in their order. */
export async function withContent(nodes: Pick<Node, '_id'>[]): Promise<MessageDoc[]> {
  if (nodes.length === 0) return [];
  // Search keys stay in the database: nothing read here needs them.
  const rows = await Message.find({ _id: { $in: nodes.map((n) => n._id) } }, { terms: 0 }).lean<
    MessageDoc[]
  >();
  const byId = new Map(rows.map((m) => [String(m._id), m]));
  return nodes.flatMap((n) => byId.get(String(n._id)) ?? []);
}
