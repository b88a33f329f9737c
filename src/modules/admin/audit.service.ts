import { insertThroughSchema } from '../../lib/db/insert.js';
import { logger } from '../../lib/logger.js';
import { Types } from '../../lib/db/mongoose.js';
import { decodeCursor, encodeCursor } from '../../lib/http/cursor.js';
import type { Page } from '../../lib/http/pagination.js';
import { currentRequestId } from '../../lib/request-context.js';
import { emailsOf, type AccountFields } from '../users/index.js';
import { AuditEntry, type ActorKind, type AuditDoc } from './audit.model.js';

/** Stores an audit entry; returns its id. */
export async function recordAudit(entry: {
  actorKind: ActorKind;
  actorId?: string | Types.ObjectId | null;
  action: AuditDoc['action'];
  targetId: Types.ObjectId;
  before: AccountFields;
  after: AccountFields;
}): Promise<Types.ObjectId> {
  const _id = new Types.ObjectId();
  await insertThroughSchema(AuditEntry, {
    _id,
    actorKind: entry.actorKind,
    actorId: entry.actorId ? new Types.ObjectId(String(entry.actorId)) : null,
    action: entry.action,
    targetId: entry.targetId,
    before: entry.before,
    after: entry.after,
    requestId: currentRequestId() ?? null,
    createdAt: new Date(),
  });
  return _id;
}

/**
 * Takes back the entry of a change that then could not be stored (recorded first, so that no
 * change is ever stored without one). A failure here leaves the entry, logged.
 */
export async function withdrawAudit(id: Types.ObjectId): Promise<void> {
  await AuditEntry.deleteOne({ _id: id }).catch((error: unknown) =>
    logger.error(
      { err: error, auditId: String(id) },
      'audit entry of a failed change not withdrawn',
    ),
  );
}

/**
 * recordAudit for a change already stored (an account created, a role given up): an entry that
 * cannot be written is logged at error, with the account, rather than failing a request whose
 * retry could not make the change again.
 */
export async function recordAuditOfDone(entry: Parameters<typeof recordAudit>[0]): Promise<void> {
  await recordAudit(entry).catch((error: unknown) =>
    logger.error(
      { err: error, userId: String(entry.targetId), action: entry.action },
      'audit entry not written',
    ),
  );
}

export interface AuditJson {
  id: string;
  action: AuditDoc['action'];
  actor: { kind: ActorKind; id: string | null; email: string | null };
  target: { id: string; email: string | null };
  before: AccountFields;
  after: AccountFields;
  requestId: string | null;
  createdAt: string;
}

/** Newest first; emails are read from the accounts (null once an account is deleted). */
export async function listAudit(options: {
  limit: number;
  cursor?: string;
  userId?: string;
}): Promise<Page<AuditJson>> {
  const filter: Record<string, unknown> = {};
  // Another account's (or the whole log's) cursor would answer a page that skips entries.
  const scope = [options.userId ? String(new Types.ObjectId(options.userId)) : null];
  if (options.userId) {
    const id = new Types.ObjectId(options.userId);
    filter.$or = [{ targetId: id }, { actorId: id }];
  }
  if (options.cursor) {
    const { i } = decodeCursor(options.cursor, 'audit', { i: 'id' }, scope);
    filter._id = { $lt: new Types.ObjectId(i) };
  }
  const rows = await AuditEntry.find(filter)
    .sort({ _id: -1 })
    .limit(options.limit + 1)
    .lean<AuditDoc[]>();
  const page = rows.slice(0, options.limit);
  const ids = new Set<string>();
  for (const row of page) {
    ids.add(String(row.targetId));
    if (row.actorId) ids.add(String(row.actorId));
  }
  const emailOf = await emailsOf([...ids]);
  const items = page.map((row) => ({
    id: String(row._id),
    action: row.action,
    actor: {
      kind: row.actorKind,
      id: row.actorId ? String(row.actorId) : null,
      email: row.actorId ? (emailOf.get(String(row.actorId)) ?? null) : null,
    },
    target: { id: String(row.targetId), email: emailOf.get(String(row.targetId)) ?? null },
    before: row.before,
    after: row.after,
    requestId: row.requestId,
    createdAt: row.createdAt.toISOString(),
  }));
  const last = page.at(-1);
  return {
    items,
    nextCursor:
      rows.length > options.limit && last
        ? encodeCursor('audit', { i: String(last._id) }, scope)
        : null,
  };
}
