import { describe, expect, it } from 'vitest';
import { runUserHooks, subscribeToUsers } from '../../src/modules/users/user-hooks.js';

/** A promise and the function that settles it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('the hooks an account change runs in every module', () => {
  it('when an account is locked out, then every module closes its way in at once: one that waits (replies ending) does not hold the others back', async () => {
    const slow = gate();
    const closed: string[] = [];
    // Subscribed first, as the chats module can be: before this change the others waited for it.
    subscribeToUsers('waits', {
      lockOut: async () => {
        await slow.opened;
        closed.push('waits');
      },
    });
    subscribeToUsers('sessions', {
      lockOut: () => {
        closed.push('sessions');
        return Promise.resolve();
      },
    });
    const running = runUserHooks('lockOut', 'user-1');
    await tick();
    expect(closed).toEqual(['sessions']);
    slow.open();
    await running;
    expect(closed).toEqual(['sessions', 'waits']);
  });

  it('when one module fails to close its way in, then the others still close theirs and the failure is reported', async () => {
    const closed: string[] = [];
    subscribeToUsers('waits', {
      disabled: () => Promise.reject(new Error('database gone')),
    });
    subscribeToUsers('sessions', {
      disabled: async () => {
        await tick();
        closed.push('sessions');
      },
    });
    await expect(runUserHooks('disabled', 'user-2')).rejects.toThrow('database gone');
    expect(closed).toEqual(['sessions']);
  });

  it('when data is removed, then the modules run one after another in subscription order', async () => {
    const order: string[] = [];
    const first = gate();
    subscribeToUsers('waits', {
      removeData: async () => {
        await first.opened;
        order.push('waits');
      },
    });
    subscribeToUsers('sessions', {
      removeData: () => {
        order.push('sessions');
        return Promise.resolve();
      },
    });
    const running = runUserHooks('removeData', 'user-3');
    await tick();
    expect(order).toEqual([]);
    first.open();
    await running;
    expect(order).toEqual(['waits', 'sessions']);
  });
});
