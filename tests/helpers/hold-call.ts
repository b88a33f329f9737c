import { vi } from 'vitest';

/**
 * Holds the first call of a collection method whose arguments `picks` selects until `release`:
 * a request that is slow at that step (its limits, the embedded database's write lock). The call
 * itself is the real one; `restore` puts the method back.
 */
export function holdCall<T extends object>(
  target: T,
  method: keyof T & string,
  picks: (args: unknown[]) => boolean = () => true,
) {
  const object = target as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = object[method]!.bind(target);
  let reached!: () => void;
  const reachedCall = new Promise<void>((resolve) => (reached = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let answered!: () => void;
  const answeredCall = new Promise<void>((resolve) => (answered = resolve));
  let held = false;
  const spy = vi.spyOn(object, method).mockImplementation(async (...args: unknown[]) => {
    if (!held && picks(args)) {
      held = true;
      reached();
      await released;
      // A Mongoose query is a thenable, not a promise: run it as the async function would.
      return Promise.resolve(original(...args)).finally(answered);
    }
    return original(...args);
  });
  return {
    reached: reachedCall,
    release,
    /** Settles once the held call, released, has been answered (or failed). */
    answered: answeredCall,
    restore: () => spy.mockRestore(),
  };
}
