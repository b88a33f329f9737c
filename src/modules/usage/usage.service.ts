import { Types, type PipelineStage } from '../../lib/db/mongoose.js';
import { duplicateKeyPositions } from '../../lib/db/duplicate-key.js';
import type { ChatTurn, Usage } from '../../lib/llm/index.js';
import { retryInBackground } from '../../lib/background-retry.js';
import { logger } from '../../lib/logger.js';
import * as metrics from '../../lib/metrics.js';
import { userExists } from '../users/index.js';
import { dayOf } from './days.js';
import { countTokens } from './tokenizer.js';
import { UsageEntry, type Charge, type UsageEntryDoc } from './usage.model.js';

/** One call to the model, as the code that made it knows it once it has ended. */
export interface ModelCall {
  /** The call's own id (a reply's assistant message id): a second record of it is ignored. */
  id: Types.ObjectId;
  userId: string | Types.ObjectId;
  chatId: string | Types.ObjectId | null;
  model: string;
  kind?: string;
  /** What was sent and what came back, counted when the provider reported no usage. */
  prompt: ChatTurn[];
  completion: string;
  usage: Usage | null;
  /** The call failed: without any reply text or usage, the provider charged nothing. */
  failed?: boolean;
  at?: Date;
}

const RETRY_MS = 1000;
const RETRY_FOR_MS = 5 * 60_000;

/**
 * The tokens of a charge in the metrics: once per call, wherever its charge is kept. Never throws:
 * it runs once the charge is stored (after a reply's final write, after a ledger insert), where a
 * failure would answer an error for a reply that is complete, or retry an entry already in.
 */
export function countCharge(charge: Charge): void {
  const source = charge.estimated ? 'estimated' : 'reported';
  try {
    metrics.tokens.inc({ model: charge.model, type: 'prompt', source }, charge.promptTokens);
    metrics.tokens.inc(
      { model: charge.model, type: 'completion', source },
      charge.completionTokens,
    );
  } catch (error) {
    logger.warn({ err: error, charge }, 'could not count a call in the token metrics');
  }
}

/**
 * Inserts ledger entries; one already there (a retry, a repeat) is left as it is. `counted`: the
 * entries are new calls, whose tokens the metrics count once they are in.
 */
async function insertOnce(entries: UsageEntryDoc[], counted: boolean): Promise<void> {
  let added = entries;
  try {
    // Straight through the driver: the entries are built whole and typed (entryOf).
    await UsageEntry.collection.insertMany(entries, { ordered: false });
  } catch (error) {
    const refused = duplicateKeyPositions(error);
    if (!refused) throw error;
    added = entries.filter((_, i) => !refused.has(i));
  }
  if (counted) added.forEach(countCharge);
}

/**
 * What a call cost, or null when there is nothing to charge (it failed before any text or usage).
 * Counted with the tokenizer when the provider reported no usage; never fails (a count that cannot
 * be made is logged, and the call is then not charged).
 */
export async function chargeOf(call: ModelCall): Promise<Charge | null> {
  if (call.failed && !call.usage && call.completion.length === 0) return null;
  try {
    const counted = call.usage ?? (await countTokens(call.prompt, call.completion));
    return {
      model: call.model,
      day: dayOf(call.at ?? new Date()),
      promptTokens: counted.promptTokens,
      completionTokens: counted.completionTokens,
      totalTokens: counted.promptTokens + counted.completionTokens,
      estimated: call.usage === null,
    };
  } catch (error) {
    logger.error({ err: error, callId: String(call.id) }, 'could not count the tokens of a call');
    return null;
  }
}

/** The ledger entry of a call with this charge; `userId` null for an account that is gone. */
export function entryOf(
  call: Pick<ModelCall, 'id' | 'chatId' | 'kind' | 'at'> & { userId: ModelCall['userId'] | null },
  charge: Charge,
): UsageEntryDoc {
  const id = (value: string | Types.ObjectId | null) =>
    value === null ? null : new Types.ObjectId(String(value));
  return {
    _id: call.id,
    userId: id(call.userId),
    chatId: id(call.chatId),
    kind: call.kind ?? 'reply',
    createdAt: call.at ?? new Date(),
    ...charge,
  };
}

/** What recordEntries asks around each attempt (see there). */
export interface EntryChecks {
  heldElsewhere?: () => Promise<boolean>;
  afterRecorded?: () => Promise<void>;
}

/**
 * Writes ledger entries. Never fails the caller: when the database cannot take them now, they are
 * retried in the background (a retry after a lost acknowledgement is ignored by the key).
 * Resolves once the first attempt has settled. `counted` as for insertOnce.
 *
 * Each attempt, retries included, also runs the `checks` given:
 * - `heldElsewhere`, first: whether the charges are kept by their holder after all (a reply whose
 *   write reported a failure but landed), so the ledger must not count them too;
 * - `afterRecorded`, once the entries are in: what must follow them (unlinking an entry whose
 *   chat was deleted while it waited, see unlinkLateEntry).
 */
export async function recordEntries(
  entries: UsageEntryDoc[],
  counted = false,
  checks: EntryChecks = {},
): Promise<void> {
  if (entries.length === 0) return;
  const attempt = async () => {
    if (await checks.heldElsewhere?.()) return;
    await insertOnce(entries, counted);
    await checks.afterRecorded?.();
  };
  try {
    await attempt();
    return;
  } catch (error) {
    logger.warn(
      { err: (error as Error).message },
      'usage not recorded; retrying in the background',
    );
  }
  unrecorded.add(entries);
  retryInBackground(attempt, {
    everyMs: RETRY_MS,
    forMs: RETRY_FOR_MS,
    succeeded: () => unrecorded.delete(entries),
    gaveUp: () => {
      unrecorded.delete(entries);
      // Logged with its figures so an operator can still account for it.
      logger.error({ usage: entries }, 'usage could not be recorded');
    },
  });
}

/** Ledger entries waiting for a background retry (recordEntries). */
const unrecorded = new Set<UsageEntryDoc[]>();

/**
 * At exit: the entries still waiting for a retry will not get one, so each is logged with its
 * figures, as one that ran out of retries is, rather than lost without a word.
 */
export function logUnrecordedUsage(): number {
  for (const entries of unrecorded)
    logger.error({ usage: entries }, 'usage could not be recorded before the process exited');
  const count = unrecorded.size;
  unrecorded.clear();
  return count;
}

/**
 * Puts charges kept elsewhere into the ledger (the replies a deletion is about to remove). Unlike
 * recordEntries it fails when the database does, so the deletion that waits on it fails too and
 * can be retried, rather than going on without the entries.
 */
export async function moveIntoLedger(entries: UsageEntryDoc[]): Promise<void> {
  if (entries.length > 0) await insertOnce(entries, false);
}

/**
 * Records a call's tokens in the ledger (see recordEntries); never fails the caller. `charging` is
 * the call's charge when the caller has counted it already (chargeOf), so it is not counted twice.
 */
export async function recordUsage(
  call: ModelCall,
  checks: EntryChecks = {},
  charging: Promise<Charge | null> = chargeOf(call),
): Promise<void> {
  const charge = await charging;
  if (charge) await recordEntries([entryOf(call, charge)], true, checks);
}

/**
 * A collection whose documents hold charges under `path` (besides `userId`), kept out of the
 * ledger while they exist: the chats module's replies. Totals and budgets sum it with the ledger.
 */
export interface ChargeHolder {
  collection: { aggregate<R>(pipeline: PipelineStage[]): PromiseLike<R[]> };
  path: string;
}

const holders: ChargeHolder[] = [];

/** Adds a collection to what totals and budgets sum (see ChargeHolder). */
export function holdChargesIn(holder: ChargeHolder): void {
  holders.push(holder);
}

export interface TokenTotals {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  calls: number;
  /** Calls whose tokens were counted here because the provider reported none. */
  estimatedCalls: number;
}

export interface UsageReport {
  from: string;
  to: string;
  total: TokenTotals;
  byDay: (TokenTotals & { day: string })[];
  byModel: (TokenTotals & { model: string })[];
}

/** A user's totals in a report; `userId` null: the calls of accounts deleted since, together. */
export type UserTotals = TokenTotals & { userId: string | null };

const zero = (): TokenTotals => ({
  promptTokens: 0,
  completionTokens: 0,
  totalTokens: 0,
  calls: 0,
  estimatedCalls: 0,
});

/** Calls summed by a key (a day and a model; a user), counted or estimated. */
interface Group<
  K extends { estimated: boolean } = { day: string; model: string; estimated: boolean },
> {
  key: K;
  promptTokens: number;
  completionTokens: number;
  calls: number;
}

/** What a report sums of each group: its tokens, and its calls. */
const REPORT_FIELDS: (Field | '1')[] = ['promptTokens', 'completionTokens', '1'];

/** sumsBy's rows of REPORT_FIELDS, as groups. */
const asGroups = <K extends { estimated: boolean }>(
  rows: { key: K; sums: number[] }[],
): Group<K>[] =>
  rows.map(({ key, sums: [p, c, n] }) => ({
    key,
    promptTokens: p!,
    completionTokens: c!,
    calls: n!,
  }));

function add(into: TokenTotals, group: Group<{ estimated: boolean }>): void {
  into.promptTokens += group.promptTokens;
  into.completionTokens += group.completionTokens;
  into.totalTokens += group.promptTokens + group.completionTokens;
  into.calls += group.calls;
  if (group.key.estimated) into.estimatedCalls += group.calls;
}

/** A field of a charge, or the user it belongs to. */
type Field = keyof Charge | 'userId';

const ledger: ChargeHolder = { collection: UsageEntry, path: '' };

/**
 * `$sum` of each field per group over every holder and the ledger, one grouped query per field
 * and source: FerretDB 1.24 computes only the first accumulator of a `$group` (the others come
 * back as 0), and `$sum` is the only accumulator it serves besides `$count`. `1` as a field counts
 * the calls. `match` names `day`, which only charged documents have.
 *
 * The holders are read first, the ledger once they have answered. A deletion moves a charge from
 * its holder into the ledger, and then deletes the holder (message-removal.ts): read in this
 * order, a charge moved meanwhile is counted twice at worst, never missed, so a budget refuses a
 * moment early, never late. Read side by side, the ledger could be read before the move and the
 * holder after it, and the charge was counted nowhere.
 */
async function sumsBy<K>(
  match: Partial<Record<'day' | 'userId', unknown>>,
  groupKey: Field | Record<string, Field>,
  fields: (Field | '1')[],
): Promise<{ key: K; sums: number[] }[]> {
  const held = await Promise.all(queriesOver(holders, match, groupKey, fields));
  const recorded = await Promise.all(queriesOver([ledger], match, groupKey, fields));
  const byKey = new Map<string, { key: K; sums: number[] }>();
  for (const { i, rows } of [...held, ...recorded]) {
    for (const row of rows as { _id: K; v: number }[]) {
      const id = JSON.stringify(row._id);
      const entry = byKey.get(id) ?? { key: row._id, sums: fields.map(() => 0) };
      entry.sums[i]! += row.v;
      byKey.set(id, entry);
    }
  }
  return [...byKey.values()];
}

/** sumsBy's grouped queries over these sources, side by side: one per field and source. */
function queriesOver(
  sources: ChargeHolder[],
  match: Partial<Record<'day' | 'userId', unknown>>,
  groupKey: Field | Record<string, Field>,
  fields: (Field | '1')[],
) {
  return sources.flatMap(({ collection, path }) => {
    const at = (field: Field) => (field === 'userId' || !path ? field : `${path}.${field}`);
    const $match = Object.fromEntries(Object.entries(match).map(([f, v]) => [at(f as Field), v]));
    const _id =
      typeof groupKey === 'string'
        ? `$${at(groupKey)}`
        : Object.fromEntries(Object.entries(groupKey).map(([k, f]) => [k, `$${at(f)}`]));
    return fields.map(async (field, i) => ({
      i,
      rows: await collection.aggregate<{ _id: unknown; v: number }>([
        { $match },
        { $group: { _id, v: { $sum: field === '1' ? 1 : `$${at(field)}` } } },
      ]),
    }));
  });
}

/** The days `from`..`to`, for one user or everyone. */
function rangeMatch(from: string, to: string, userId?: string): Record<string, unknown> {
  const match: Record<string, unknown> = { day: { $gte: from, $lte: to } };
  if (userId) match.userId = new Types.ObjectId(userId);
  return match;
}

/** Totals per value of `keyOf`. */
function totalsPer<K extends { estimated: boolean }>(
  groups: Group<K>[],
  keyOf: (group: Group<K>) => string,
): Map<string, TokenTotals> {
  const totals = new Map<string, TokenTotals>();
  for (const group of groups) {
    const key = keyOf(group);
    add(totals.get(key) ?? totals.set(key, zero()).get(key)!, group);
  }
  return totals;
}

/** Totals most tokens first (ties in key order). */
const mostTokensFirst = (totals: Map<string, TokenTotals>): [string, TokenTotals][] =>
  [...totals].sort(([a, x], [b, y]) => y.totalTokens - x.totalTokens || a.localeCompare(b));

/** Totals of the days `from`..`to` (inclusive), for one user or everyone; days without calls are left out. */
export async function usageReport(from: string, to: string, userId?: string): Promise<UsageReport> {
  const groups = asGroups(
    await sumsBy<Group['key']>(
      rangeMatch(from, to, userId),
      { day: 'day', model: 'model', estimated: 'estimated' },
      REPORT_FIELDS,
    ),
  );
  const total = zero();
  for (const group of groups) add(total, group);
  return {
    from,
    to,
    total,
    byDay: [...totalsPer(groups, (g) => g.key.day)]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, t]) => ({ day, ...t })),
    byModel: mostTokensFirst(totalsPer(groups, (g) => g.key.model)).map(([model, t]) => ({
      model,
      ...t,
    })),
  };
}

/**
 * usageReport, with each user's totals too (`byUser`, most tokens first): who spent what in the
 * range. Grouped by user apart (one row per user, not per user, day and model), beside the
 * report's own groups.
 */
export async function usageReportByUser(
  from: string,
  to: string,
  userId?: string,
): Promise<UsageReport & { byUser: UserTotals[] }> {
  const [report, perUser] = await Promise.all([
    usageReport(from, to, userId),
    sumsBy<{ user: Types.ObjectId | null; estimated: boolean }>(
      rangeMatch(from, to, userId),
      { user: 'userId', estimated: 'estimated' },
      REPORT_FIELDS,
    ),
  ]);
  // A deleted account's entries name no one (forgetUserUsage): they are summed as one.
  const byUser = mostTokensFirst(
    totalsPer(asGroups(perUser), (g) => (g.key.user ? String(g.key.user) : '')),
  ).map(([id, t]) => ({ userId: id || null, ...t }));
  return { ...report, byUser };
}

/** Tokens (prompt + completion) each of `userIds` has used on `day`; absent users used none. */
export async function tokensUsedOn(
  userIds: (string | Types.ObjectId)[],
  day: string,
): Promise<Map<string, number>> {
  const used = new Map<string, number>();
  if (userIds.length === 0) return used;
  const ids = userIds.map((id) => new Types.ObjectId(String(id)));
  const rows = await sumsBy<Types.ObjectId>(
    { userId: ids.length === 1 ? ids[0] : { $in: ids }, day },
    'userId',
    ['totalTokens'],
  );
  for (const { key, sums } of rows) used.set(String(key), sums[0]!);
  return used;
}

/** The tokens every user's calls of one day recorded, together. */
export async function serviceTokensOn(day: string): Promise<number> {
  const rows = await sumsBy<string>({ day }, 'day', ['totalTokens']);
  return rows.reduce((sum, row) => sum + row.sums[0]!, 0);
}

/** Each user's totals of one day (users without calls are absent). */
export async function totalsByUser(
  userIds: (string | Types.ObjectId)[],
  day: string,
): Promise<Map<string, TokenTotals>> {
  if (userIds.length === 0) return new Map();
  const ids = userIds.map((id) => new Types.ObjectId(String(id)));
  const rows = await sumsBy<{ user: Types.ObjectId; estimated: boolean }>(
    { userId: { $in: ids }, day },
    { user: 'userId', estimated: 'estimated' },
    REPORT_FIELDS,
  );
  return totalsPer(asGroups(rows), (g) => String(g.key.user));
}

/** Account deletion: the entries stay in the totals (day, model, tokens) but name no one. */
export async function forgetUserUsage(userId: string): Promise<void> {
  await UsageEntry.updateMany(
    { userId: new Types.ObjectId(userId) },
    { $set: { userId: null, chatId: null } },
  );
}

/**
 * An entry recorded after its chat was deleted (a title written meanwhile, a reply's charge that
 * waited for the database): the deletion unlinked the chat's entries, and the account's when the
 * account went too, before this one landed, so this one is unlinked the same way (its tokens stay
 * in the ledger).
 */
export async function unlinkLateEntry(id: Types.ObjectId, userId: Types.ObjectId): Promise<void> {
  const accountGone = !(await userExists(userId));
  await UsageEntry.updateOne(
    { _id: id },
    { $set: { chatId: null, ...(accountGone ? { userId: null } : {}) } },
  );
}

/** Chat deletion: the chat's entries stay with their user, without the chat. */
export async function forgetChatUsage(chatId: string | Types.ObjectId): Promise<void> {
  await UsageEntry.updateMany(
    { chatId: new Types.ObjectId(String(chatId)) },
    { $set: { chatId: null } },
  );
}
