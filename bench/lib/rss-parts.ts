import type { ProbeStats } from './servers.js';

/**
 * Per stream, KiB: where a process's RSS growth from `idle` to `held` lives: the pages of each V8
 * space (`v8 <space>`), array buffers, V8's own malloc, and the native remainder (`other native`:
 * Node, libuv, the allocator).
 */
export function rssParts(
  idle: ProbeStats['memory'],
  held: ProbeStats['memory'],
  streams: number,
): Record<string, number> {
  const kib = (bytes: number) => bytes / 1024 / streams;
  const parts: Record<string, number> = {};
  let known = 0;
  for (const [space, bytes] of Object.entries(held.spaces)) {
    const grown = bytes - (idle.spaces[space] ?? 0);
    parts[`v8 ${space}`] = kib(grown);
    known += grown;
  }
  const buffers = held.arrayBuffers - idle.arrayBuffers;
  const malloced = held.malloced - idle.malloced;
  parts['array buffers'] = kib(buffers);
  parts['v8 malloc'] = kib(malloced);
  parts['other native'] = kib(held.rss - idle.rss - known - buffers - malloced);
  return parts;
}
