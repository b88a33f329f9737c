/**
 * Runs the test suite N times in a row and reports every test that failed at least once, with how
 * often, plus a table of the runs. For anyone touching timing-sensitive code: a test that passes
 * once proves little, one that fails 1 run in 10 is a flake to fix.
 *
 *   npm run test:repeat -- 10                     both tiers, ten times
 *   npm run test:repeat -- 5 in-process           one tier (in-process | system | all)
 *   npm run test:repeat -- 5 in-process --hog     beside one busy-loop process per core
 *   npm run test:repeat -- 10 all --hog-alternate every second run beside the busy loops
 *   npm run test:repeat -- 20 in-process tests/chats/backpressure.test.ts   one file
 *
 * Every run writes a vitest JSON report and its console output into a fresh directory under the
 * temp directory (printed at the start). Exits non-zero when any run had a failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { countsOf, readReport } from './test-summary.js';

const TIERS = { 'in-process': ['in-process'], system: ['system'], all: ['in-process', 'system'] };
type TierName = keyof typeof TIERS;

function usage(message: string): never {
  console.error(
    `${message}\nusage: npm run test:repeat -- N [in-process|system|all] [--hog|--hog-alternate] [vitest args…]`,
  );
  process.exit(2);
}

const args = process.argv.slice(2);
const times = Number(args.shift());
if (!Number.isInteger(times) || times < 1) usage('N must be a positive integer');
let tier: TierName = 'all';
if (args[0] && args[0] in TIERS) tier = args.shift() as TierName;
const hogAll = args.includes('--hog');
const hogAlternate = args.includes('--hog-alternate');
const vitestArgs = args.filter((a) => a !== '--hog' && a !== '--hog-alternate');

const root = path.resolve(import.meta.dirname, '..');
const out = mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-test-repeat-'));
console.log(
  `test:repeat: ${times} × ${tier}${hogAll ? ', beside a CPU hog' : hogAlternate ? ', every second run beside a CPU hog' : ''}; reports in ${out}`,
);

/** One busy-loop process per core: the load other engineers' test runs put on a shared machine. */
function startHog(): ChildProcess[] {
  return os.cpus().map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}
function stopHog(hog: ChildProcess[]): void {
  for (const child of hog) child.kill('SIGKILL');
}

function runVitest(project: string, report: string, log: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        path.join(root, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--project',
        project,
        '--reporter=dot',
        '--reporter=json',
        `--outputFile.json=${report}`,
        ...vitestArgs,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } },
    );
    let text = '';
    child.stdout.on('data', (chunk) => (text += chunk));
    child.stderr.on('data', (chunk) => (text += chunk));
    child.on('exit', (code) => {
      writeFileSync(log, text);
      resolve(code ?? 1);
    });
  });
}

interface Row {
  run: number;
  project: string;
  hog: boolean;
  passed: number;
  failed: number;
  seconds: number;
}
const rows: Row[] = [];
const failures = new Map<string, number>();
let anyFailed = false;

const hogs = new Set<ChildProcess[]>();
const cleanUp = () => hogs.forEach(stopHog);
process.on('exit', cleanUp);
process.on('SIGINT', () => process.exit(130));

for (let run = 1; run <= times; run += 1) {
  const hogged = hogAll || (hogAlternate && run % 2 === 0);
  const hog = hogged ? startHog() : [];
  hogs.add(hog);
  try {
    for (const project of TIERS[tier]) {
      const base = path.join(out, `run-${String(run).padStart(2, '0')}-${project}`);
      const started = Date.now();
      const code = await runVitest(project, `${base}.json`, `${base}.log`);
      const report = readReport(`${base}.json`);
      const counts = countsOf(report);
      const seconds = (Date.now() - started) / 1000;
      rows.push({ run, project, hog: hogged, ...counts, seconds });
      if (code !== 0 || counts.failed > 0) anyFailed = true;
      for (const file of report?.testResults ?? []) {
        const name = path.relative(root, file.name);
        for (const test of file.assertionResults)
          if (test.status === 'failed') {
            const key = `[${project}] ${name} › ${test.fullName}`;
            failures.set(key, (failures.get(key) ?? 0) + 1);
          }
        if (file.status === 'failed' && !file.assertionResults.some((t) => t.status === 'failed')) {
          const key = `[${project}] ${name} (the file failed outside its tests)`;
          failures.set(key, (failures.get(key) ?? 0) + 1);
        }
      }
      if (!report) failures.set(`[${project}] run ${run}: no report`, 1);
      console.log(
        `run ${run}/${times} ${project}${hogged ? ' (hog)' : ''}: ${counts.passed} passed, ${counts.failed} failed in ${seconds.toFixed(1)} s`,
      );
    }
  } finally {
    stopHog(hog);
    hogs.delete(hog);
  }
}

const pad = (value: string | number, width: number) => String(value).padEnd(width);
console.log('\nrun  tier        hog  passed  failed  seconds');
for (const r of rows)
  console.log(
    `${pad(r.run, 4)} ${pad(r.project, 11)} ${pad(r.hog ? 'yes' : 'no', 4)} ${pad(r.passed, 7)} ${pad(r.failed, 7)} ${r.seconds.toFixed(1)}`,
  );
if (failures.size === 0) console.log(`\nno test failed in ${times} run(s)`);
else {
  console.log('\nfailed at least once (failures/runs):');
  for (const [name, count] of [...failures].sort((a, b) => b[1] - a[1]))
    console.log(`  ${count}/${times}  ${name}`);
  console.log(`failure details: the .log and .json files in ${out}`);
}
process.exitCode = anyFailed ? 1 : 0;
