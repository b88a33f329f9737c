/** Reading the Prometheus text format in tests. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseMetrics(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return { types, samples };
}

/** Sum of the samples named `name` whose labels include `labels`. */
export function valueOf(text: string, name: string, labels: Record<string, string> = {}): number {
  return parseMetrics(text)
    .samples.filter(
      (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    )
    .reduce((sum, s) => sum + s.value, 0);
}

/** Metric names a PromQL expression reads (ours are prefixed; so are the process metrics). */
export const metricNamesIn = (expr: string): string[] => [
  ...new Set(
    [...expr.matchAll(/\b((?:sigmagpt|nodejs|process)_[a-zA-Z0-9_]+)/g)].map((m) => m[1]!),
  ),
];

/** A name the endpoint exposes: a declared family, or a histogram's/summary's sample series. */
export function isExposed(name: string, types: Map<string, string>): boolean {
  if (types.has(name)) return true;
  const suffix = /^(.*)_(bucket|sum|count)$/.exec(name);
  if (!suffix) return false;
  const type = types.get(suffix[1]!);
  return type === 'histogram' || (type === 'summary' && suffix[2] !== 'bucket');
}
