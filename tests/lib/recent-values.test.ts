import { describe, expect, it } from 'vitest';
import { RecentValues } from '../../src/lib/recent-values.js';

describe('values kept while recent', () => {
  it('when a value is older than its age, then it is no longer given, and it is dropped at the next set once a period has passed', () => {
    const values = new RecentValues<{ n: number }>(() => 1000);
    const first = { n: 1 };
    values.set('a', first, 0);
    expect(values.get('a', 999)).toBe(first);
    expect(values.get('a', 1000)).toBeUndefined();
    // Dropped at the set that comes a period after the last pruning, not before.
    values.set('b', { n: 2 }, 600);
    values.set('c', { n: 3 }, 1500);
    expect(values.get('b', 1499)).toEqual({ n: 2 });
    values.set('a', { n: 4 }, 2600);
    expect(values.get('b', 1499)).toBeUndefined();
    expect(values.get('c', 2499)).toBeUndefined();
    expect(values.get('a', 2600)).toEqual({ n: 4 });
  });

  it('when a key is deleted or all are cleared, then they are no longer given', () => {
    const values = new RecentValues<number>(() => 60_000);
    values.set('a', 1);
    values.set('b', 2);
    values.delete('a');
    expect(values.get('a')).toBeUndefined();
    expect(values.get('b')).toBe(2);
    values.clear();
    expect(values.get('b')).toBeUndefined();
  });
});
