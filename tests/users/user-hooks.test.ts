import { afterAll, describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { runUserHooks, subscribeToUsers } from '../../src/modules/users/user-hooks.js';
import { useTestApp } from '../helpers/app.js';

// The app's modules subscribe too (sessions, replies, keys…): their hooks run beside the ones
// these tests add, on accounts that do not exist, so they need the database.
useTestApp();
const someUser = () => new Types.ObjectId().toHexString();

// Test files share their modules (one worker, not isolated): the hooks added here must not run
// for the files after this one. There is no unsubscribing; empty hooks replace them.
afterAll(() => {
  subscribeToUsers('test: waits', {});
  subscribeToUsers('test: sessions', {});
});

/** A promise and the function that settles it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Two test modules on `hook`, subscribed in this order: 'test: waits' (as the chats module waits
 * for the user's replies to end) until it is let go, then 'test: sessions', which does not wait.
 * Runs the hook: which modules were through while the first still waited, and in the end.
 */
async function runWithOneWaiting(hook: 'lockOut' | 'removeData') {
  const slow = gate();
  const done: string[] = [];
  subscribeToUsers('test: waits', {
    [hook]: async () => {
      await slow.opened;
      done.push('test: waits');
    },
  });
  subscribeToUsers('test: sessions', {
    [hook]: () => {
      done.push('test: sessions');
      return Promise.resolve();
    },
  });
  const running = runUserHooks(hook, someUser());
  await tick();
  const whileWaiting = [...done];
  slow.open();
  await running;
  return { whileWaiting, inTheEnd: done };
}

describe('the hooks an account change runs in every module', () => {
  it('when an account is locked out, then every module closes its way in at once: one that waits (replies ending) does not hold the others back', async () => {
    const { whileWaiting, inTheEnd } = await runWithOneWaiting('lockOut');
    expect(whileWaiting).toEqual(['test: sessions']);
    expect(inTheEnd).toEqual(['test: sessions', 'test: waits']);
  });

  it('when one module fails to close its way in, then the others still close theirs and the failure is reported', async () => {
    const closed: string[] = [];
    subscribeToUsers('test: waits', {
      disabled: () => Promise.reject(new Error('database gone')),
    });
    subscribeToUsers('test: sessions', {
      disabled: async () => {
        await tick();
        closed.push('test: sessions');
      },
    });
    await expect(runUserHooks('disabled', someUser())).rejects.toThrow('database gone');
    expect(closed).toEqual(['test: sessions']);
  });

  it('when data is removed, then the modules run one after another in subscription order', async () => {
    const { whileWaiting, inTheEnd } = await runWithOneWaiting('removeData');
    expect(whileWaiting).toEqual([]);
    expect(inTheEnd).toEqual(['test: waits', 'test: sessions']);
  });
});
