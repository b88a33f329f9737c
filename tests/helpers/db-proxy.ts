import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { deserialize } from 'bson';

/** A command as the proxy read it from the driver: its name, its collection, the document. */
export interface SeenCommand {
  name: string;
  collection: unknown;
  doc: Record<string, unknown>;
}

interface Pair {
  client: net.Socket;
  server: net.Socket;
  /** Client bytes not yet framed into whole messages. */
  pending: Buffer;
  /** Held while silent. */
  heldUp: Buffer[];
  heldDown: Buffer[];
  /** Cut this connection when the next reply starts to arrive. */
  cutOnReply: boolean;
}

/**
 * A TCP proxy between the app and the database, with faults a test turns on and off:
 * - down(): every connection is closed and new ones are refused (the listener is closed);
 *   up() listens again on the same port.
 * - silent(true): nothing is forwarded either way, sockets stay open, new ones are accepted.
 * - delayMs: each reply chunk from the database is held that long.
 * - cutReplyTo(match): the next command that matches goes to the database (so it applies), and
 *   its connection is cut in the middle of the reply (half of its first chunk is forwarded);
 *   with `before`, the connection is cut instead of sending the command on (it never applies).
 */
export async function startDbProxy(target: string) {
  const targetUrl = new URL(target);
  const targetHost = targetUrl.hostname;
  const targetPort = Number(targetUrl.port);
  const pairs = new Set<Pair>();
  let silent = false;
  let delayMs = 0;
  const cuts: {
    match: (c: SeenCommand) => boolean;
    resolve: (c: SeenCommand) => void;
    before: boolean;
  }[] = [];
  const seen: SeenCommand[] = [];
  let recording = false;

  const onConnection = (client: net.Socket) => {
    const server = net.connect(targetPort, targetHost);
    const pair: Pair = {
      client,
      server,
      pending: Buffer.alloc(0),
      heldUp: [],
      heldDown: [],
      cutOnReply: false,
    };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      server.destroy();
    };
    client.on('error', end);
    server.on('error', end);
    client.on('close', end);
    server.on('close', end);
    client.on('data', (chunk: Buffer) => {
      pair.pending = Buffer.concat([pair.pending, chunk]);
      while (pair.pending.length >= 4) {
        const length = pair.pending.readInt32LE(0);
        if (pair.pending.length < length) break;
        const message = pair.pending.subarray(0, length);
        pair.pending = pair.pending.subarray(length);
        const command = readCommand(message);
        if (command) {
          if (recording) seen.push(command);
          const i = cuts.findIndex((c) => c.match(command));
          if (i >= 0) {
            const [cut] = cuts.splice(i, 1);
            cut!.resolve(command);
            if (cut!.before) {
              // Never reaches the database: the connection is cut with the command unsent.
              end();
              return;
            }
            pair.cutOnReply = true;
          }
        }
        if (silent) pair.heldUp.push(Buffer.from(message));
        else server.write(message);
      }
    });
    server.on('data', (chunk: Buffer) => {
      const forward = () => {
        if (client.destroyed) return;
        if (pair.cutOnReply) {
          client.write(chunk.subarray(0, Math.max(1, Math.floor(chunk.length / 2))));
          setImmediate(end);
          return;
        }
        client.write(chunk);
      };
      if (silent) pair.heldDown.push(chunk);
      else if (delayMs > 0) setTimeout(forward, delayMs);
      else forward();
    });
  };

  let listener = net.createServer(onConnection);
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const port = (listener.address() as AddressInfo).port;

  return {
    port,
    uri: `mongodb://127.0.0.1:${port}/`,
    /** Every connection closed, new ones refused. */
    async down() {
      await new Promise<void>((resolve) => {
        listener.close(() => resolve());
        for (const pair of pairs) {
          pair.client.destroy();
          pair.server.destroy();
        }
        pairs.clear();
      });
    },
    async up() {
      listener = net.createServer(onConnection);
      await new Promise<void>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen(port, '127.0.0.1', resolve);
      });
    },
    /** Stop (or resume) forwarding; sockets stay open. Resuming delivers what was held. */
    silent(on: boolean) {
      silent = on;
      if (!on) {
        for (const pair of pairs) {
          for (const b of pair.heldUp.splice(0)) pair.server.write(b);
          for (const b of pair.heldDown.splice(0)) pair.client.write(b);
        }
      }
    },
    setDelay(ms: number) {
      delayMs = ms;
    },
    /** Resolves with the command once one matching was sent on; its reply is then cut. */
    cutReplyTo(
      match: (c: SeenCommand) => boolean,
      { before = false }: { before?: boolean } = {},
    ): Promise<SeenCommand> {
      return new Promise((resolve) => cuts.push({ match, resolve, before }));
    },
    record(on: boolean) {
      recording = on;
      if (on) seen.length = 0;
    },
    seen,
    connections: () => pairs.size,
    async close() {
      await this.down();
    },
  };
}

export type DbProxy = Awaited<ReturnType<typeof startDbProxy>>;

/** The command of an OP_MSG (opcode 2013), section 0 (its body). */
function readCommand(message: Buffer): SeenCommand | null {
  if (message.length < 21 || message.readInt32LE(12) !== 2013) return null;
  if (message[20] !== 0) return null;
  try {
    const size = message.readInt32LE(21);
    const doc = deserialize(message.subarray(21, 21 + size)) as Record<string, unknown>;
    const name = Object.keys(doc)[0] ?? '';
    return { name, collection: doc[name], doc };
  } catch {
    return null;
  }
}
