import { MongoClient, ObjectId, type Collection, type Filter } from 'mongodb';

interface Doc {
  _id: number;
  owner: ObjectId | string | number;
  size: number;
  tags: string[];
}

/**
 * Proves, before a run relies on it, that the bench database's equality indexes
 * (bench/mongo-java-server EqualityIndex) answer as a scan would: the same documents, in the same
 * order, through finds, updates that move a document between keys, deletes, inserts into freed
 * positions, counts and an aggregation led by `$match`; and that a filter giving `_id` one value
 * or a list (`$in`) beside other fields (read from the `_id` index) finds, updates and deletes
 * those documents only while the other fields match. Each answer is compared with the same
 * filter applied here to a copy of the collection. Throws on the first difference.
 */
export async function checkEqualityIndexes(uri: string): Promise<void> {
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    const docs = client.db('bench_index_check').collection<Doc>('docs');
    await docs.drop().catch(() => undefined);
    await docs.createIndex({ owner: 1, size: 1 });
    await docs.createIndex({ tags: 1 });
    const [first, second] = [new ObjectId(), new ObjectId()];
    const owners: Doc['owner'][] = [first, second, 'text-owner', 7];
    let copy: Doc[] = Array.from({ length: 60 }, (_, i) => ({
      _id: i,
      owner: owners[i % owners.length] ?? 7,
      size: i % 5,
      tags: [`t${i % 3}`, 'all'],
    }));
    await docs.insertMany(copy.map((d) => ({ ...d })));
    const same = async (what: string, filter: (d: Doc) => boolean, query: Filter<Doc>) => {
      const got = (await docs.find(query).toArray()).map((d) => d._id);
      const want = copy.filter(filter).map((d) => d._id);
      if (JSON.stringify(got) !== JSON.stringify(want))
        throw new Error(
          `equality index check: ${what}: got [${got.join()}] instead of [${want.join()}]`,
        );
    };
    const isOwner = (d: Doc, o: unknown) => String(d.owner) === String(o);
    await same('by the first key', (d) => isOwner(d, first), { owner: first });
    await same('a double for an int', (d) => d.owner === 7, { owner: 7.0 });
    await same('first key and a range', (d) => isOwner(d, second) && d.size >= 3, {
      owner: second,
      size: { $gte: 3 },
    });
    await same('an array element', (d) => d.tags.includes('t1'), { tags: 't1' });
    await docs.updateMany({ owner: 'text-owner', size: 2 }, { $set: { owner: first } });
    copy = copy.map((d) => (d.owner === 'text-owner' && d.size === 2 ? { ...d, owner: first } : d));
    await same('after moving between keys', (d) => isOwner(d, first), { owner: first });
    await same('what was moved away', (d) => d.owner === 'text-owner', { owner: 'text-owner' });
    await docs.deleteMany({ owner: second });
    copy = copy.filter((d) => !isOwner(d, second));
    await docs.insertOne({ _id: 100, owner: first, size: 0, tags: [] });
    // A freed position is reused: a scan returns documents by position, and so must the index. An
    // operator (`$eq`) is not served by the index, so that query is the scan to compare with.
    const indexed = (await docs.find({ owner: first }).toArray()).map((d) => d._id);
    const scanned = (await docs.find({ owner: { $eq: first } }).toArray()).map((d) => d._id);
    if (!indexed.includes(100) || JSON.stringify(indexed) !== JSON.stringify(scanned))
      throw new Error(
        `equality index check: after a reused position: [${indexed.join()}] against a scan's [${scanned.join()}]`,
      );
    copy.push({ _id: 100, owner: first, size: 0, tags: [] });
    const counted = await docs.countDocuments({ owner: first });
    if (counted !== copy.filter((d) => isOwner(d, first)).length)
      throw new Error(`equality index check: countDocuments gave ${counted}`);
    const [sum] = await docs
      .aggregate<{ n: number; size: number }>([
        { $match: { owner: first } },
        { $group: { _id: null, n: { $sum: 1 }, size: { $sum: '$size' } } },
      ])
      .toArray();
    const mine = copy.filter((d) => isOwner(d, first));
    const size = mine.reduce((total, d) => total + d.size, 0);
    if (sum?.n !== mine.length || sum.size !== size)
      throw new Error(`equality index check: aggregate gave ${JSON.stringify(sum)}`);
    await checkIdWithOtherFields(docs, first);
    await docs.drop();
  } finally {
    await client.close();
  }
}

/** `{ _id, …other fields }`: served from the `_id` index, still matched against every field. */
async function checkIdWithOtherFields(docs: Collection<Doc>, first: ObjectId): Promise<void> {
  const fail = (what: string, got: unknown) => {
    throw new Error(`_id index check: ${what}: got ${JSON.stringify(got)}`);
  };
  const found = await docs.findOne({ _id: 100, owner: first });
  if (found?._id !== 100) fail('a find whose other field matches', found);
  const missed = await docs.findOne({ _id: 100, owner: 'text-owner' });
  if (missed !== null) fail("a find whose other field doesn't match", missed);
  const noUpdate = await docs.updateOne({ _id: 100, size: 4 }, { $set: { size: 9 } });
  if (noUpdate.matchedCount !== 0) fail("an update whose other field doesn't match", noUpdate);
  const before = await docs.findOneAndUpdate(
    { _id: 100, owner: first, size: 0 },
    { $set: { size: 3 } },
    { returnDocument: 'before', projection: { size: 1 } },
  );
  if (before?.size !== 0) fail('a findAndModify whose other fields match', before);
  const listed = await docs
    .find({ _id: { $in: [3, 100, 999] }, owner: first })
    .map((d) => d._id)
    .toArray();
  if (JSON.stringify(listed) !== JSON.stringify([100])) fail('a list of _id and a field', listed);
  const many = await docs.updateMany({ _id: { $in: [100, 5] }, size: 3 }, { $set: { size: 3 } });
  if (many.matchedCount !== 1) fail('an update of a list of _id and a field', many);
  const removed = await docs.deleteOne({ _id: 100, size: 0 });
  if (removed.deletedCount !== 0) fail("a delete whose other field doesn't match", removed);
  const after = await docs.findOne({ _id: 100 });
  if (after?.size !== 3) fail('the document after those writes', after);
}
