/**
 * Preload for the measured servers (`node --import ./probe.js server.js`), active only when the
 * process was spawned with an IPC channel and BENCH_PROBE=1. It adds no route to the server: the
 * harness asks over IPC for event-loop delay (perf_hooks.monitorEventLoopDelay), memory, and the
 * bytes buffered in user space on the server's sockets (accepted sockets: writableLength; outgoing
 * sockets such as the upstream connection: readableLength), found through diagnostics_channel,
 * and database commands by name (count, total and slowest time, failures) for a client that
 * monitors commands (ours: src/lib/db/connection.ts sets monitorCommands), by wrapping
 * MongoClient's emit. The baseline does not monitor commands, so its tally stays empty.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type net from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
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
  cmd: 'stats' | 'reset' | 'gc';
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
  let commands: Record<string, CommandTally> = {};
  const { MongoClient } = await import('mongodb');
  // Called with the client as `this` below: it is EventEmitter's emit.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const emit = MongoClient.prototype.emit as (
    this: unknown,
    name: string,
    ...args: unknown[]
  ) => boolean;
  MongoClient.prototype.emit = function (this: unknown, name: string, ...args: unknown[]) {
    if (name === 'commandSucceeded' || name === 'commandFailed') {
      const event = args[0] as { commandName: string; duration: number };
      const t = (commands[event.commandName] ??= { n: 0, ms: 0, maxMs: 0, failed: 0 });
      t.n += 1;
      t.ms += event.duration;
      t.maxMs = Math.max(t.maxMs, event.duration);
      if (name === 'commandFailed') t.failed += 1;
    }
    return emit.call(this, name, ...args);
  } as never;
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;

  const stats = () => {
    let written = 0;
    for (const s of accepted) written += s.writableLength;
    let unread = 0;
    for (const s of outgoing) unread += s.readableLength;
    const mem = process.memoryUsage();
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
      },
      sockets: {
        accepted: accepted.size,
        acceptedWritableBytes: written,
        outgoing: outgoing.size,
        outgoingUnreadBytes: unread,
      },
      cpu: process.cpuUsage(),
      commands,
      node: process.version,
    };
  };

  process.on('message', (raw: unknown) => {
    const request = raw as ProbeRequest;
    if (typeof request?.id !== 'number') return;
    if (request.cmd === 'reset') {
      delay.reset();
      commands = {};
    }
    if (request.cmd === 'gc') {
      gc();
      gc();
    }
    process.send?.({ probe: request.id, ...stats() });
  });
  process.channel?.unref();
}
