/**
 * Prints the plain test counts of vitest JSON reports: one line per tier, then the total as the
 * last line (`tests: N passed, N failed`), which is what a reader of the CI log looks for.
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

const line = (label: string, { passed, failed }: { passed: number; failed: number }) =>
  `${label}: ${passed} passed, ${failed} failed`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const total = { passed: 0, failed: 0 };
  for (const arg of process.argv.slice(2)) {
    const [tier, path] = arg.split('=', 2) as [string, string];
    const report = readReport(path);
    const counts = countsOf(report);
    console.log(
      line(`tests (${tier})`, counts) + (report ? '' : ' (no report: the run did not finish)'),
    );
    total.passed += counts.passed;
    total.failed += counts.failed;
  }
  console.log(line('tests', total));
}
