import type { Spread } from './common.js';
import type { ProfileSummary } from './profile.js';

export interface Figure {
  id: string;
  name: string;
  unit: string;
  ours: Spread;
  baseline: Spread;
  ratio: Spread;
  ratioLabel?: string;
  target: string;
  pass: boolean;
  extra: Record<string, unknown>;
}

export interface Report {
  kind: 'smoke' | 'full';
  date: string;
  durationS: number;
  machine: {
    cores: number;
    cpu: string;
    memGiB: number;
    loadavgStart: number[];
    loadavgEnd: number[];
    fdLimit: { soft: number; hard: number };
  };
  versions: { node24: string; node20: string | null };
  /** What ran and what that means for absolute times (bench/lib/db.ts). */
  database: string;
  databaseKind?: 'java' | 'ferretdb' | 'uri';
  commit: string;
  rounds: number;
  figures: Figure[];
  profile: ProfileSummary | null;
  raw: Record<string, unknown>;
}

const fmt = (v: number) =>
  !Number.isFinite(v)
    ? '–'
    : Math.abs(v) >= 100
      ? v.toFixed(0)
      : Math.abs(v) >= 10
        ? v.toFixed(1)
        : v.toFixed(2);
const cell = (s: Spread) => `${fmt(s.median)} <sub>(${fmt(s.min)}…${fmt(s.max)})</sub>`;
const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function extraText(extra: Record<string, unknown>): string {
  return Object.entries(extra)
    .map(([k, v]) => {
      if (v && typeof v === 'object' && 'median' in v) {
        const s = v as Spread;
        return `${k} ${fmt(s.median)} (${fmt(s.min)}…${fmt(s.max)})`;
      }
      return `${k} ${typeof v === 'number' ? fmt(v) : JSON.stringify(v)}`;
    })
    .join(' · ');
}

/** The database in a few words, for the chart's subtitle. */
function dbShort(report: Report): string {
  if (report.databaseKind === 'java') return 'mongo-java-server in memory (equality indexes only)';
  if (report.databaseKind === 'uri') return 'MONGODB_URI';
  return 'FerretDB on /dev/shm';
}

/** One row per figure: ours and the baseline as bars on the same scale, with the ratio and the verdict. */
function chart(report: Report): string {
  const rowH = 56;
  const width = 900;
  const left = 330;
  const barMax = 380;
  const height = 70 + rowH * report.figures.length + 30;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="16" y="26" font-size="17" font-weight="600">SigmaGPT vs bare node:http baseline — ${esc(report.date.slice(0, 16).replace('T', ' '))} UTC (${report.kind})</text>`,
    `<text x="16" y="46" fill="#555">median of ${report.rounds} interleaved rounds; whiskers = min…max; ${report.machine.cores} cores, ${esc(report.versions.node24)}; database: ${esc(dbShort(report))} (both servers)</text>`,
    `<rect x="${left}" y="52" width="12" height="10" fill="#2563eb"/><text x="${left + 16}" y="61">ours</text>`,
    `<rect x="${left + 60}" y="52" width="12" height="10" fill="#9ca3af"/><text x="${left + 76}" y="61">baseline</text>`,
  ];
  report.figures.forEach((f, i) => {
    const y = 70 + i * rowH;
    const scale = Math.max(Math.abs(f.ours.max), Math.abs(f.baseline.max), 1e-9);
    const w = (v: number) => Math.max(1, (Math.max(0, v) / scale) * barMax);
    parts.push(`<text x="16" y="${y + 16}" font-weight="600">${esc(f.id)}</text>`);
    parts.push(
      `<text x="46" y="${y + 16}">${esc(f.name.length > 42 ? `${f.name.slice(0, 41)}…` : f.name)}</text>`,
    );
    parts.push(`<text x="46" y="${y + 34}" fill="#555" font-size="11">${esc(f.target)}</text>`);
    for (const [k, s, color, dy] of [
      ['ours', f.ours, '#2563eb', 4],
      ['baseline', f.baseline, '#9ca3af', 24],
    ] as const) {
      parts.push(
        `<rect x="${left}" y="${y + dy}" width="${w(s.median).toFixed(1)}" height="16" fill="${color}"><title>${k}: ${fmt(s.median)} ${esc(f.unit)}</title></rect>`,
      );
      parts.push(
        `<line x1="${left + w(s.min)}" x2="${left + w(s.max)}" y1="${y + dy + 8}" y2="${y + dy + 8}" stroke="#111" stroke-width="1.5"/>`,
      );
      parts.push(
        `<text x="${left + w(s.max) + 6}" y="${y + dy + 13}" font-size="12">${fmt(s.median)} ${esc(f.unit)}</text>`,
      );
    }
    const verdict = f.pass ? ['PASS', '#15803d'] : ['MISS', '#b91c1c'];
    parts.push(
      `<rect x="${width - 150}" y="${y + 6}" width="52" height="22" rx="4" fill="${verdict[1]}"/><text x="${width - 124}" y="${y + 21}" fill="#fff" text-anchor="middle" font-weight="600">${verdict[0]}</text>`,
    );
    parts.push(
      `<text x="${width - 92}" y="${y + 21}" font-size="12">${esc(f.ratioLabel ? 'Δ ' : '×')}${fmt(f.ratio.median)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export function renderReport(
  report: Report,
  jsonName: string,
  svgName: string,
): { markdown: string; svg: string } {
  const m = report.machine;
  const lines = [
    `# Benchmark report (${report.kind}) — ${report.date}`,
    '',
    `![figures](${svgName})`,
    '',
    `Commit \`${report.commit}\` · ${m.cores} cores (${m.cpu}), ${m.memGiB} GiB · ${report.versions.node24} (primary)${report.versions.node20 ? `, ${report.versions.node20}` : ''} · ` +
      `load average ${m.loadavgStart.map((l) => l.toFixed(2)).join('/')} at start, ${m.loadavgEnd.map((l) => l.toFixed(2)).join('/')} at end · open-file limit ${m.fdLimit.soft}/${m.fdLimit.hard} · ` +
      `run took ${report.durationS.toFixed(0)} s · raw data: \`${jsonName}\``,
    '',
    `Every value is the median of ${report.rounds} interleaved A/B rounds, with the min…max over the rounds. Database: ${report.database}. ` +
      'Both servers do the same queries against the same instance.',
    '',
    ...(report.figures.some((f) => f.id === '9')
      ? [
          'Figure 9 is the exception: its baseline is the messages-in-the-thread relay (`bench/thread-relay.ts`: Express, Mongoose, ' +
            'the messages inside the thread document, its own queries), and it runs on FerretDB whatever the database above, a fresh instance per round.',
          '',
        ]
      : []),
    '| # | Figure | Ours | Baseline | Ratio | Target | Result |',
    '|---|---|---|---|---|---|---|',
    ...report.figures.map(
      (f) =>
        `| ${f.id} | ${f.name} | ${cell(f.ours)} | ${cell(f.baseline)} | ${f.ratioLabel ? `${f.ratioLabel}: ` : ''}${cell(f.ratio)} | ${f.target} | ${f.pass ? '**pass**' : '**MISS**'} |`,
    ),
    '',
    '## Details',
    '',
    ...report.figures.map((f) => `- **${f.id}**: ${extraText(f.extra)}`),
    '',
  ];
  if (report.profile) {
    const p = report.profile;
    lines.push(
      '## Where our server spends CPU (--cpu-prof under the figure-2 and figure-5 loads)',
      '',
      `Busy ${p.busyMs} ms of ${p.totalMs} ms sampled. Self time by package:`,
      '',
      '| Package | ms | share |',
      '|---|---|---|',
      ...p.byPackage.slice(0, 12).map((r) => `| ${r.name} | ${r.ms} | ${r.share} % |`),
      '',
      'Top functions (self time):',
      '',
      '| Function | Where | ms | share |',
      '|---|---|---|---|',
      ...p.topFunctions
        .slice(0, 15)
        .map((r) => `| \`${r.name}\` | ${r.where} | ${r.ms} | ${r.share} % |`),
      '',
    );
  }
  return { markdown: lines.join('\n'), svg: chart(report) };
}
