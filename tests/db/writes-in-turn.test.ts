import { afterEach, describe, expect, it, vi } from 'vitest';
import mongoose, { Schema, Types } from '../../src/lib/db/mongoose.js';
import {
  documentKey,
  takeTurns,
  TURN_WAIT_MS,
  writeInTurn,
} from '../../src/lib/db/writes-in-turn.js';
import { useTestApp } from '../helpers/app.js';

/**
 * Writes in turn (writes-in-turn.ts): this process's writes under one key go one after another,
 * so the embedded database, which applies an update as a read and a write of the whole document,
 * never has two updates of one document at once (tests/chats/chat-writes-in-turn.test.ts shows
 * what that saves).
 */
useTestApp();

afterEach(() => {
  vi.useRealTimers();
});

/** A write that starts when called and ends when `end` is called; `log` records both. */
function heldWrite(log: string[], name: string) {
  let end!: () => void;
  const ended = new Promise<string>((resolve) => (end = () => resolve(name)));
  return {
    write: () => {
      log.push(`start ${name}`);
      return ended.then((value) => {
        log.push(`end ${name}`);
        return value;
      });
    },
    end: () => end(),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('takeTurns', () => {
  it('when writes of one key overlap, then each starts once the one before has ended; another key goes at once', async () => {
    const log: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((name) => heldWrite(log, name));
    const other = heldWrite(log, 'other');
    const results = [
      takeTurns('doc-1', a!.write),
      takeTurns('doc-1', b!.write),
      takeTurns('doc-2', other.write),
    ];
    await settle();
    expect(log).toEqual(['start a', 'start other']);
    a!.end();
    await settle();
    expect(log).toEqual(['start a', 'start other', 'end a', 'start b']);
    // One that fails still gives the next its turn.
    results.push(takeTurns('doc-1', () => Promise.reject(new Error('refused'))));
    results.push(takeTurns('doc-1', c!.write));
    b!.end();
    other.end();
    await settle();
    c!.end();
    const settled = await Promise.allSettled(results);
    expect(settled.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected'))).toEqual([
      'a',
      'b',
      'other',
      'rejected',
      'c',
    ]);
    expect(log.indexOf('start c')).toBeGreaterThan(log.indexOf('end b'));
  });

  it('when a write hangs, then the next one starts TURN_WAIT_MS after it started, and the one after that a full turn later again', async () => {
    vi.useFakeTimers();
    const log: string[] = [];
    const [hung, next, last] = ['hung', 'next', 'last'].map((name) => heldWrite(log, name));
    void takeTurns('doc-hung', hung!.write);
    const afterNext = takeTurns('doc-hung', next!.write);
    const afterLast = takeTurns('doc-hung', last!.write);
    await vi.advanceTimersByTimeAsync(TURN_WAIT_MS - 1);
    expect(log).toEqual(['start hung']);
    await vi.advanceTimersByTimeAsync(1);
    expect(log).toEqual(['start hung', 'start next']);
    // The next one hangs too: the last waits a whole turn of its own, not the first one's.
    await vi.advanceTimersByTimeAsync(TURN_WAIT_MS - 1);
    expect(log).toEqual(['start hung', 'start next']);
    await vi.advanceTimersByTimeAsync(1);
    expect(log).toEqual(['start hung', 'start next', 'start last']);
    next!.end();
    last!.end();
    expect([await afterNext, await afterLast]).toEqual(['next', 'last']);
    hung!.end();
  });
});

describe('documentKey', () => {
  it('when an id comes as an ObjectId or as a string in either case (URLs accept both), then the key is the same', () => {
    const id = new Types.ObjectId();
    const keys = [id, String(id), String(id).toUpperCase()].map((v) => documentKey('chats', v));
    expect(new Set(keys).size).toBe(1);
  });
});

describe('writeInTurn', () => {
  it('when given a Mongoose query, then it runs it once, whether first or queued', async () => {
    const Counter = mongoose.model(
      'TurnCounter',
      new Schema({ _id: Schema.Types.ObjectId, hits: [String] }),
    );
    const _id = new Types.ObjectId();
    await Counter.create({ _id, hits: [] });
    // A query is a thenable that runs each time it is awaited: run twice, it would push twice.
    const push = (hit: string) => () => Counter.updateOne({ _id }, { $push: { hits: hit } });
    const results = await Promise.all([
      writeInTurn('counter', push('one')),
      writeInTurn('counter', push('two')),
    ]);
    expect(results.map((r) => r.modifiedCount)).toEqual([1, 1]);
    expect((await Counter.findById(_id).lean())!.hits.sort()).toEqual(['one', 'two']);
  });
});
