/**
 * Prints the plain test counts of vitest JSON reports: one line per tier, then the total as the
 * last line (`tests: N passed, N failed`), which is what a reader of the CI log looks for. Every
 * failed test (or test file that broke) is named just above the counts, with the first line of its
 * error, so the closing lines of a long log say what failed, not only how many.
 *
 *   tsx scripts/test-summary.ts in-process=/tmp/a.json system=/tmp/b.json
 *
 * A report that is missing or unreadable (the run crashed) counts as one failure, and so does a
 * test file that failed without a failing test (it did not load, or a hook failed).
 */
import { readFileSync } from 'node:fs';

export interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: {
      status: string;
      fullName: string;
      title: string;
      failureMessages?: string[];
    }[];
  }[];
}

export function readReport(path: string): VitestReport | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as VitestReport;
  } catch {
    return null;
  }
}

/** Passed and failed tests of a report; a file that failed with no failing test counts as one. */
export function countsOf(report: VitestReport | null): { passed: number; failed: number } {
  if (!report) return { passed: 0, failed: 1 };
  const brokenFiles = report.testResults.filter(
    (file) => file.status === 'failed' && !file.assertionResults.some((t) => t.status === 'failed'),
  ).length;
  return { passed: report.numPassedTests, failed: report.numFailedTests + brokenFiles };
}

/** `file › test: first line of the error` for each failed test and each file that broke. */
export function failuresOf(report: VitestReport | null, root = process.cwd()): string[] {
  if (!report) return [];
  const firstLine = (text: string | undefined) =>
    (text ?? '')
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim()
      .slice(0, 200) ?? '';
  const lines: string[] = [];
  for (const file of report.testResults) {
    const name = file.name.startsWith(root + '/') ? file.name.slice(root.length + 1) : file.name;
    const failed = file.assertionResults.filter((t) => t.status === 'failed');
    for (const test of failed) {
      lines.push(`${name} › ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
    }
    if (file.status === 'failed' && failed.length === 0) {
      lines.push(`${name} (the file failed): ${firstLine(file.message)}`);
    }
  }
  return lines;
}

const line = (label: string, { passed, failed }: { passed: number; failed: number }) =>
  `${label}: ${passed} passed, ${failed} failed`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const total = { passed: 0, failed: 0 };
  const tiers = process.argv.slice(2).map((arg) => {
    const [tier, path] = arg.split('=', 2) as [string, string];
    return { tier, report: readReport(path) };
  });
  for (const { tier, report } of tiers) {
    for (const failure of failuresOf(report)) console.log(`failed (${tier}): ${failure}`);
  }
  for (const { tier, report } of tiers) {
    const counts = countsOf(report);
    console.log(
      line(`tests (${tier})`, counts) + (report ? '' : ' (no report: the run did not finish)'),
    );
    total.passed += counts.passed;
    total.failed += counts.failed;
  }
  console.log(line('tests', total));
}
