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

// Each finding in full (the operation, the check, and the curl that reproduces it), so the CI log
// alone says what failed: the schemathesis log and report stay on the machine that ran them.
const unescape = (text: string) =>
  text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
const findings = xml.matchAll(
  /<testcase name="([^"]*)"[^>]*>\s*<(failure|error)\b[^>]*>([\s\S]*?)<\/\2>/g,
);
for (const [, operation = '', kind = '', detail = ''] of findings) {
  console.log(`fuzz: ${kind} in ${unescape(operation)}:`);
  for (const line of unescape(detail).trimEnd().split('\n')) console.log(`fuzz:   ${line}`);
}
