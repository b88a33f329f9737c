import { readFileSync } from 'node:fs';

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  busyMs: number;
  byPackage: { name: string; ms: number; share: number }[];
  topFunctions: { name: string; where: string; ms: number; share: number }[];
}

/** Where a frame's code lives: an npm package, our src/, Node's internals, or V8 (GC, idle, program). */
function owner(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node:internal';
  const src = /\/build\/(src\/.*|bench\/.*)$/.exec(url);
  return src ? src[1]!.split('/').slice(0, 3).join('/') : url;
}

/** Self time per function and per package of a V8 .cpuprofile (what --cpu-prof writes). */
export function summariseProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: CpuNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const fns = new Map<string, { name: string; where: string; us: number }>();
  const pkgs = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    total += us;
    if (functionName === '(idle)') idle += us;
    const pkg = owner(url, functionName);
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
    const where = url ? `${url.replace(/^.*\/(node_modules|build)\//, '')}:${lineNumber + 1}` : '';
    const key = `${functionName}@${where}`;
    const entry = fns.get(key) ?? { name: functionName || '(anonymous)', where, us: 0 };
    entry.us += us;
    fns.set(key, entry);
  }
  const busy = total - idle;
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    file,
    totalMs: ms(total),
    busyMs: ms(busy),
    byPackage: [...pkgs]
      .filter(([n]) => n !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([name, us]) => ({ name, ms: ms(us), share: Math.round((us / busy) * 1000) / 10 })),
    topFunctions: [...fns.values()]
      .filter((f) => f.name !== '(idle)')
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({
        name: f.name,
        where: f.where,
        ms: ms(f.us),
        share: Math.round((f.us / busy) * 1000) / 10,
      })),
  };
}

// `node profile.js <file.cpuprofile>` prints the summary.
if (process.argv[1]?.endsWith('profile.js') && process.argv[2])
  console.log(JSON.stringify(summariseProfile(process.argv[2]), null, 1));
