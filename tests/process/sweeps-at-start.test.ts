import { Types } from 'mongoose';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '../cluster/cluster-helpers.js';
import { eventually } from '../helpers/eventually.js';
import { databaseUri, startInstance, type Instance } from '../helpers/instances.js';
import { createUser } from '../helpers/users.js';

/**
 * A chat's or an account's deletion is stored as committed before anything is removed, and any
 * instance's sweep finishes one its own instance did not: the sweeps run each minute, and once
 * right after an instance starts, so a deletion a stopped instance left is finished by the
 * restarted one at once.
 */
const instances: Instance[] = [];
afterAll(async () => {
  for (const instance of instances) await instance.stop('SIGKILL');
});

describe('the sweeps of unfinished deletions at an instance’s start', () => {
  it('when an instance starts on a database holding a chat deletion and an account deletion a stopped instance left seconds ago, then it finishes both soon after it is ready, not a minute later', async () => {
    const uri = databaseUri(inject('mongoUri'));
    const chatId = new Types.ObjectId();
    // Left by an instance that stopped a few seconds ago: younger than the minute the periodic
    // pass leaves to the deletion's own retries, which no instance runs any more.
    const committedAt = new Date(Date.now() - 5000);
    const { chatOwner, leaving } = await withDatabase(uri, async (db) => {
      const chatOwner = await createUser({ db, label: 'chat-owner' });
      const leaving = await createUser({ db, label: 'leaving' });
      const now = new Date();
      await db.collection('chats').insertOne({
        _id: chatId,
        userId: new Types.ObjectId(chatOwner.id),
        title: 'being deleted',
        createdAt: now,
        updatedAt: now,
        lastMessageAt: now,
      });
      await db
        .collection('chat_deletions')
        .insertOne({ _id: chatId, userId: new Types.ObjectId(chatOwner.id), committedAt });
      await db.collection('users').updateOne(
        { _id: new Types.ObjectId(leaving.id) },
        {
          $set: {
            deletingUntil: new Date(Date.now() + 60_000),
            deletionCommittedAt: committedAt,
          },
        },
      );
      return { chatOwner, leaving };
    });
    const instance = await startInstance({ MONGODB_URI: uri });
    instances.push(instance);
    const left = () =>
      withDatabase(uri, async (db) => ({
        chat: await db.collection('chats').countDocuments({ _id: chatId }),
        chatDeletion: await db.collection('chat_deletions').countDocuments({ _id: chatId }),
        leavingAccount: await db
          .collection('users')
          .countDocuments({ _id: new Types.ObjectId(leaving.id) }),
        chatOwner: await db
          .collection('users')
          .countDocuments({ _id: new Types.ObjectId(chatOwner.id) }),
      }));
    const done = { chat: 0, chatDeletion: 0, leavingAccount: 0, chatOwner: 1 };
    // 10 s: "soon after the start" against the periodic pass's minute (which would find the
    // deletions 65 s old by then).
    const found = await eventually(left, (l) => JSON.stringify(l) === JSON.stringify(done), 10_000);
    expect(found, instance.output()).toEqual(done);
  }, 60_000);
});
