/**
 * A small reader for V8 `.heapsnapshot` files: counts the live objects by kind (constructor name for
 * JS objects, function name for closures, the node type for strings, arrays, code and the rest) with
 * their self sizes. Comparing two snapshots of one process (streams held vs idle) per stream gives
 * what one held stream keeps alive, kind by kind.
 */
import { readFileSync } from 'node:fs';

export interface KindCount {
  count: number;
  bytes: number;
}

export type HeapCensus = Map<string, KindCount>;

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Types whose name says nothing useful per object (every string has its text as its name). */
const BY_TYPE = new Set([
  'string',
  'concatenated string',
  'sliced string',
  'number',
  'heap number',
  'code',
  'hidden',
  'array',
  'symbol',
  'bigint',
  'object shape',
]);

export function censusOf(file: string): HeapCensus {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as RawSnapshot;
  const fields = raw.snapshot.meta.node_fields;
  const types = raw.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const census: HeapCensus = new Map();
  const { nodes, strings } = raw;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]!]!;
    const name = strings[nodes[i + nameAt]!]!;
    let kind: string;
    if (BY_TYPE.has(type)) kind = `(${type})`;
    else if (type === 'closure') kind = `${name || '(anonymous)'}()`;
    // Native names carry a size or an address after the kind: "system / JSArrayBufferData", etc.
    else if (type === 'native')
      kind = `native ${name.replace(/\s*[/@([]?\s*0x[0-9a-f]+.*$/, '').slice(0, 48)}`;
    else kind = name.startsWith('system /') ? `(${name})` : name || `(${type})`;
    const entry = census.get(kind) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += nodes[i + sizeAt]!;
    census.set(kind, entry);
  }
  return census;
}

export interface PerStream {
  kind: string;
  /** Objects of this kind per held stream (held − idle, divided by the streams). */
  perStream: number;
  bytesPerStream: number;
}

/** What each of `streams` held streams adds, kind by kind, largest first. */
export function perStream(idle: HeapCensus, held: HeapCensus, streams: number): PerStream[] {
  const rows: PerStream[] = [];
  for (const [kind, h] of held) {
    const i = idle.get(kind) ?? { count: 0, bytes: 0 };
    rows.push({
      kind,
      perStream: (h.count - i.count) / streams,
      bytesPerStream: (h.bytes - i.bytes) / streams,
    });
  }
  return rows.sort((a, b) => b.bytesPerStream - a.bytesPerStream);
}
