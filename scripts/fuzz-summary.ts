/**
 * Plain counts of a schemathesis run, for the CI log: from its JUnit report (one test case per
 * operation) and the warning count on the last banner line of its output, which stays in the log.
 *
 *   tsx scripts/fuzz-summary.ts <junit report dir> <schemathesis output file>
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const [dir, log] = process.argv.slice(2) as [string, string];
const xml = readdirSync(dir)
  .filter((file) => file.endsWith('.xml'))
  .map((file) => readFileSync(path.join(dir, file), 'utf8'))
  .join('');
const sum = (attribute: string) =>
  [...xml.matchAll(new RegExp(`<testsuite\\b[^>]*\\b${attribute}="(\\d+)"`, 'g'))].reduce(
    (total, match) => total + Number(match[1]),
    0,
  );
const banner =
  readFileSync(log, 'utf8')
    .trimEnd()
    .split('\n')
    .reverse()
    .find((line) => /^=+ .* =+$/.test(line.trim())) ?? '';
const warnings = Number(/(\d+) warnings?/.exec(banner)?.[1] ?? 0);
const [operations, failed, errors, skipped] = ['tests', 'failures', 'errors', 'skipped'].map(
  sum,
) as [number, number, number, number];
// An operation can both fail a check and error: never print a negative pass count.
const passed = Math.max(0, operations - failed - errors - skipped);
console.log(
  `fuzz: ${operations} operations, ${passed} passed, ${failed} failed, ${errors} errors, ` +
    `${skipped} skipped, ${warnings} warnings`,
);
