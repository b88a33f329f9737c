import { MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFerretdb, type EmbeddedDatabase } from '../../src/lib/db/embedded.js';
import { eventually } from '../helpers/eventually.js';

/**
 * The embedded FerretDB looks `_id` up with an expression its own `_id` index does not serve; the
 * process that starts it adds an index on that expression to every collection
 * (src/lib/db/ferretdb-id-index.ts). FerretDB's explain returns SQLite's query plan, so the plan
 * a lookup by `_id` gets is read through the wire, as the server runs it.
 */
const log = { info: () => undefined, warn: () => undefined };
/** Node 20 has no node:sqlite: the index is not added there (README), FerretDB scans as before. */
const hasSqlite = await import('node:sqlite').then(
  () => true,
  () => false,
);
let database: EmbeddedDatabase;
let client: MongoClient;

beforeAll(async () => {
  database = await startFerretdb({ log });
  client = await MongoClient.connect(database.uri);
});

afterAll(async () => {
  await client.close();
  await database.stop();
});

/**
 * SQLite's plan for a find by `_id` (FerretDB puts it under queryPlanner.Plan). The lookup runs
 * first: an explain runs nothing, so it plans with the schema its connection last loaded, and a
 * run loads the new one (the explain then usually gets the same pooled connection back).
 */
async function planOf(collection: string, id: unknown): Promise<string> {
  const found = client
    .db('id_index')
    .collection(collection)
    .find({ _id: id as ObjectId });
  await found.toArray();
  return JSON.stringify((await found.explain()).queryPlanner);
}

const indexed = (plan: string) => /SEARCH .* USING INDEX \S*_ferretdb_id_path/.test(plan);

describe('lookups by _id on the embedded FerretDB', () => {
  it.skipIf(!hasSqlite)(
    'when a collection is created, then within a moment its lookups by ObjectId and by string _id search an index instead of scanning',
    async () => {
      const docs = client.db('id_index').collection<{ _id: ObjectId | string; n: number }>('docs');
      const oid = new ObjectId();
      await docs.insertMany([
        { _id: oid, n: 1 },
        { _id: 'named', n: 2 },
      ]);
      const plan = await eventually(() => planOf('docs', oid), indexed, 5000);
      expect(plan).toMatch(/USING INDEX/);
      // Another pooled connection may still plan with the schema it loaded before the index.
      expect(await eventually(() => planOf('docs', 'named'), indexed, 5000)).toMatch(
        /USING INDEX \S*_ferretdb_id_path/,
      );
      // A filter with another field is still FerretDB's own scan: only `_id` lookups change.
      const other = JSON.stringify(
        (await docs.find({ n: 1 }).explain()).queryPlanner as Record<string, unknown>,
      );
      expect(other).toMatch(/SCAN/);
    },
  );

  it('when documents are found, updated and deleted by _id through the index, then each reaches exactly its document, _id stays unique and only FerretDB’s own index is listed', async () => {
    const docs = client.db('id_index').collection<{ _id: string; n: number }>('rows');
    await docs.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: `r${i}`, n: i })));
    await eventually(() => planOf('rows', 'r1'), indexed, 5000);
    expect(await docs.findOne({ _id: 'r7' })).toEqual({ _id: 'r7', n: 7 });
    expect((await docs.updateOne({ _id: 'r8' }, { $set: { n: 800 } })).modifiedCount).toBe(1);
    expect((await docs.deleteOne({ _id: 'r9' })).deletedCount).toBe(1);
    expect(await docs.find({ _id: { $in: ['r7', 'r8', 'r9', 'r10'] } }).toArray()).toEqual([
      { _id: 'r7', n: 7 },
      { _id: 'r8', n: 800 },
      { _id: 'r10', n: 10 },
    ]);
    expect(await docs.countDocuments()).toBe(49);
    await expect(docs.insertOne({ _id: 'r7', n: 0 })).rejects.toMatchObject({ code: 11000 });
    expect((await docs.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });

  it.skipIf(!hasSqlite)(
    'when a collection is dropped and created again, then the new one is indexed too',
    async () => {
      const db = client.db('id_index');
      await db.collection('again').insertOne({ _id: 'a' } as never);
      await eventually(() => planOf('again', 'a'), indexed, 5000);
      await db.collection('again').drop();
      await db.collection('again').insertOne({ _id: 'b' } as never);
      expect(await eventually(() => planOf('again', 'b'), indexed, 5000)).toMatch(/USING INDEX/);
    },
  );
});
