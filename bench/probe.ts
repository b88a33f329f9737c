/**
 * Preload for the measured servers (`node --import ./probe.js server.js`), active only when the
 * process was spawned with an IPC channel and BENCH_PROBE=1. It adds no route to the server: the
 * harness asks over IPC for event-loop delay (perf_hooks.monitorEventLoopDelay), memory, and the
 * bytes buffered in user space on the server's sockets (accepted sockets: writableLength; outgoing
 * sockets such as the upstream connection: readableLength), found through diagnostics_channel,
 * and database commands by name (count, total and slowest time, failures), and by name and
 * collection, for a client that monitors commands (ours with DB_COMMAND_METRICS=true, as figure 9
 * starts it; the thread relay always), by wrapping MongoClient's emit. The baseline does not
 * monitor commands, so its tally stays empty. Garbage-collection pauses are counted too (how many,
 * their total and the longest), to tell a stall of the server's own heap from one of the machine.
 * `bench/memory.ts` also asks it for heap snapshots (v8.writeHeapSnapshot), figure 4 for an
 * allocation profile (`alloc-start` / `alloc-stop`, through the inspector).
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type net from 'node:net';
import {
  constants,
  monitorEventLoopDelay,
  PerformanceObserver,
  type PerformanceEntry,
} from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';

export interface CommandTally {
  n: number;
  ms: number;
  maxMs: number;
  failed: number;
}

interface ProbeRequest {
  id: number;
  cmd: 'stats' | 'reset' | 'gc' | 'snapshot' | 'alloc-start' | 'alloc-stop';
  /**
   * `snapshot`: where to write the heap snapshot (taken after a forced GC); `alloc-stop`: where to
   * write the allocation profile sampled since `alloc-start`.
   */
  file?: string;
}

interface AllocationNode {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  children: AllocationNode[];
}

/** `into` with `node`'s sizes added, children matched by their frame. */
function mergeNode(into: AllocationNode, node: AllocationNode): AllocationNode {
  into.selfSize += node.selfSize;
  const key = (n: AllocationNode) =>
    `${n.callFrame.functionName}@${n.callFrame.url}:${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`;
  const children = new Map(into.children.map((c) => [key(c), c]));
  for (const child of node.children) {
    const same = children.get(key(child));
    if (same) mergeNode(same, child);
    else into.children.push(child);
  }
  return into;
}

if (process.send && process.env.BENCH_PROBE === '1') {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const accepted = new Set<net.Socket>();
  const outgoing = new Set<net.Socket>();
  const track = (set: Set<net.Socket>) => (message: unknown) => {
    const socket = (message as { socket: net.Socket }).socket;
    set.add(socket);
    socket.once('close', () => set.delete(socket));
  };
  diagnosticsChannel.subscribe('net.server.socket', track(accepted));
  diagnosticsChannel.subscribe('net.client.socket', track(outgoing));
  const gcKinds: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak',
  };
  const noPauses = () => ({ n: 0, ms: 0, maxMs: 0, maxMsByKind: {} as Record<string, number> });
  let gcPauses = noPauses();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const { detail } = entry as PerformanceEntry & { detail?: { kind?: number } };
      const kind = gcKinds[detail?.kind ?? 0] ?? 'other';
      gcPauses.n += 1;
      gcPauses.ms += entry.duration;
      gcPauses.maxMs = Math.max(gcPauses.maxMs, entry.duration);
      gcPauses.maxMsByKind[kind] = Math.max(gcPauses.maxMsByKind[kind] ?? 0, entry.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  let commands: Record<string, CommandTally> = {};
  /** The same tally keyed `<command> <collection>` (e.g. `find chats`). */
  let byCollection: Record<string, CommandTally> = {};
  // A command's collection is only in its started event: kept by request id until it ends.
  const collectionOf = new Map<number, string>();
  const add = (tally: Record<string, CommandTally>, key: string, ms: number, failed: boolean) => {
    const t = (tally[key] ??= { n: 0, ms: 0, maxMs: 0, failed: 0 });
    t.n += 1;
    t.ms += ms;
    t.maxMs = Math.max(t.maxMs, ms);
    if (failed) t.failed += 1;
  };
  const { MongoClient } = await import('mongodb');
  // Called with the client as `this` below: it is EventEmitter's emit.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const emit = MongoClient.prototype.emit as (
    this: unknown,
    name: string,
    ...args: unknown[]
  ) => boolean;
  MongoClient.prototype.emit = function (this: unknown, name: string, ...args: unknown[]) {
    if (name === 'commandStarted') {
      const event = args[0] as { requestId: number; commandName: string; command: object };
      const target = (event.command as Record<string, unknown>)[event.commandName];
      if (typeof target === 'string') collectionOf.set(event.requestId, target);
    } else if (name === 'commandSucceeded' || name === 'commandFailed') {
      const event = args[0] as { requestId: number; commandName: string; duration: number };
      const collection = collectionOf.get(event.requestId) ?? '-';
      collectionOf.delete(event.requestId);
      const failed = name === 'commandFailed';
      add(commands, event.commandName, event.duration, failed);
      add(byCollection, `${event.commandName} ${collection}`, event.duration, failed);
    }
    return emit.call(this, name, ...args);
  } as never;
  v8.setFlagsFromString('--expose-gc');
  // BENCH_TRACE_GC=1: V8's line per collection; =nvp: its name=value lines (bytes promoted).
  if (process.env.BENCH_TRACE_GC === '1') v8.setFlagsFromString('--trace-gc');
  if (process.env.BENCH_TRACE_GC === 'nvp') v8.setFlagsFromString('--trace-gc-nvp');
  const gc = vm.runInNewContext('gc') as () => void;

  const stats = () => {
    let written = 0;
    for (const s of accepted) written += s.writableLength;
    let unread = 0;
    for (const s of outgoing) unread += s.readableLength;
    const mem = process.memoryUsage();
    const heap = v8.getHeapStatistics();
    return {
      eventLoopDelayMs: {
        p50: delay.percentile(50) / 1e6,
        p99: delay.percentile(99) / 1e6,
        max: delay.max / 1e6,
        mean: delay.mean / 1e6,
        samples: delay.count,
      },
      memory: {
        rss: mem.rss,
        heapUsed: mem.heapUsed,
        external: mem.external,
        arrayBuffers: mem.arrayBuffers,
        heapTotal: mem.heapTotal,
        // Where RSS goes: the pages each V8 space holds in memory, and V8's own malloc.
        spaces: Object.fromEntries(
          v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.physical_space_size]),
        ),
        malloced: heap.malloced_memory,
      },
      sockets: {
        accepted: accepted.size,
        acceptedWritableBytes: written,
        outgoing: outgoing.size,
        outgoingUnreadBytes: unread,
      },
      cpu: process.cpuUsage(),
      // The main thread's busy time (ms) since start: what it takes from the cores beside
      // libuv's threads (bcrypt's compares in figure 6).
      loopActiveMs: performance.eventLoopUtilization().active,
      gcPauses,
      commands,
      byCollection,
      node: process.version,
    };
  };

  // Allocation sampling (figure 4's --fig4-alloc-profile): V8's sampling heap profiler, keeping
  // the objects collected since, so the profile is what was allocated, not what is still live.
  let inspector: Session | undefined;
  /** BENCH_ALLOC_KEEP=young: the windows' live allocations merged, and whether to go on. */
  let young:
    | { head: AllocationNode | null; windows: number; running: boolean; done?: Promise<void> }
    | undefined;
  const sampleWindows = async (session: Session) => {
    const windowMs = Number(process.env.BENCH_YOUNG_WINDOW_MS ?? 100);
    while (young?.running) {
      await session.post('HeapProfiler.startSampling', { samplingInterval: 4096 } as never);
      await new Promise((resolve) => setTimeout(resolve, windowMs));
      const { profile } = await session.post('HeapProfiler.stopSampling');
      young.head = young.head ? mergeNode(young.head, profile.head) : profile.head;
      young.windows += 1;
    }
  };
  const allocations = async (request: ProbeRequest) => {
    if (request.cmd === 'alloc-start' && process.env.BENCH_ALLOC_KEEP === 'young') {
      // What a young collection would copy at a random moment: allocations of the last window
      // still alive at its end (the profiler drops collected samples), summed over windows.
      inspector ??= new Session();
      inspector.connect();
      young = { head: null, windows: 0, running: true };
      young.done = sampleWindows(inspector);
    } else if (request.cmd === 'alloc-start') {
      inspector ??= new Session();
      inspector.connect();
      // BENCH_ALLOC_KEEP (the server's env): which collected objects the profile keeps besides the
      // live ones. `all` (default): everything allocated; `promoted`: also what a full collection
      // took (objects promoted to old space that died there); `live`: none; `young`: see above.
      const keep = process.env.BENCH_ALLOC_KEEP ?? 'all';
      await inspector.post('HeapProfiler.startSampling', {
        samplingInterval: 4096,
        includeObjectsCollectedByMajorGC: keep !== 'live',
        includeObjectsCollectedByMinorGC: keep === 'all',
      } as never);
    } else if (request.cmd === 'alloc-stop' && inspector && request.file && young) {
      young.running = false;
      await young.done;
      writeFileSync(request.file, JSON.stringify({ head: young.head, windows: young.windows }));
      young = undefined;
      inspector.disconnect();
    } else if (request.cmd === 'alloc-stop' && inspector && request.file) {
      const { profile } = await inspector.post('HeapProfiler.stopSampling');
      writeFileSync(request.file, JSON.stringify(profile));
      inspector.disconnect();
    }
  };

  const answer = (request: ProbeRequest) => {
    if (request.cmd === 'reset') {
      delay.reset();
      gcPauses = noPauses();
      commands = {};
      byCollection = {};
    }
    if (request.cmd === 'gc' || request.cmd === 'snapshot') {
      gc();
      gc();
    }
    // Taken before the stats, so the memory figures sent back describe the snapshotted heap.
    const snapshot =
      request.cmd === 'snapshot' && request.file ? v8.writeHeapSnapshot(request.file) : undefined;
    process.send?.({ probe: request.id, ...stats(), snapshot });
  };

  process.on('message', (raw: unknown) => {
    const request = raw as ProbeRequest;
    if (typeof request?.id !== 'number') return;
    if (request.cmd === 'alloc-start' || request.cmd === 'alloc-stop')
      void allocations(request).then(() => answer(request));
    else answer(request);
  });
  process.channel?.unref();
}
