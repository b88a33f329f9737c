import { defineConfig } from 'vitest/config';

/**
 * Two tiers, each a named project with its own test database:
 * - `in-process` (`npm test`): the app is called in the test's own process (supertest, a port
 *   of its own for streams). Files run in parallel, each in a database of its own.
 * - `system` (`npm run test:system`): suites that start processes (server instances, a database
 *   they stop and restart, crash handlers, the soak). Slow, and their timing depends on processes
 *   starting, so one file at a time.
 * `npx vitest run` runs both; `npx vitest run tests/path/file.test.ts` runs one file of either.
 */
const SYSTEM = [
  'tests/cluster/**/*.test.ts',
  'tests/db/**/*.test.ts',
  'tests/process/**/*.test.ts',
  'tests/soak/**/*.test.ts',
];

export default defineConfig({
  test: {
    globalSetup: ['tests/helpers/global-setup.ts'],
    setupFiles: ['tests/helpers/env.ts'],
    testTimeout: 20_000,
    hookTimeout: 180_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'in-process',
          include: ['tests/**/*.test.ts'],
          exclude: SYSTEM,
          // Files wait on the database and sockets more than on the CPU: three at a time keep two
          // cores busy (measured: see CONTRIBUTING.md).
          maxWorkers: 3,
          // A worker imports the app once for all its files instead of once per file (that import
          // was most of the tier's time). Each file still gets its own database and configuration
          // (useTestApp); state that outlives a file is the process's own — the metrics registry,
          // and shutdown's one-way cut, which is why that test lives in the system tier.
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'system',
          include: SYSTEM,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
