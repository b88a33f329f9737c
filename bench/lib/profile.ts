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

interface AllocationNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: AllocationNode[];
}

export interface AllocationSummary {
  file: string;
  totalBytes: number;
  /** Bytes by the package whose code allocated them (as the CPU summary's packages). */
  byPackage: { name: string; bytes: number }[];
  /**
   * Bytes by the nearest frame of our code (or the relay's) on the allocating stack: which of our
   * functions a driver or library allocation was made for. Work resumed from the event loop (a
   * socket read, a timer) has none on its stack and counts as `(no frame of ours)`.
   */
  byOwnFrame: { name: string; bytes: number }[];
}

/** What a sampling heap profile (V8's HeapProfiler.stopSampling) says was allocated, and for what. */
export function summariseAllocations(file: string, top = 15): AllocationSummary {
  const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: AllocationNode };
  const byPackage = new Map<string, number>();
  const byOwnFrame = new Map<string, number>();
  let totalBytes = 0;
  const add = (map: Map<string, number>, key: string, bytes: number) =>
    map.set(key, (map.get(key) ?? 0) + bytes);
  const stack: { node: AllocationNode; own: string }[] = [
    { node: head, own: '(no frame of ours)' },
  ];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { url, functionName } = next.node.callFrame;
    const ours = /\/build\/((?:src|bench)\/.*)$/.exec(url);
    const own = ours ? `${ours[1]} ${functionName || '(anonymous)'}` : next.own;
    if (next.node.selfSize > 0) {
      totalBytes += next.node.selfSize;
      add(byPackage, owner(url, functionName), next.node.selfSize);
      add(byOwnFrame, own, next.node.selfSize);
    }
    for (const child of next.node.children) stack.push({ node: child, own });
  }
  const ranked = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, bytes]) => ({ name, bytes }));
  return { file, totalBytes, byPackage: ranked(byPackage), byOwnFrame: ranked(byOwnFrame) };
}

// `node profile.js <file.cpuprofile>` prints the summary.
if (process.argv[1]?.endsWith('profile.js') && process.argv[2])
  console.log(JSON.stringify(summariseProfile(process.argv[2]), null, 1));
