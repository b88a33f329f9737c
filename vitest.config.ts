import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    setupFiles: ['tests/helpers/env.ts'],
    testTimeout: 20_000,
    hookTimeout: 180_000,
    // Two cores: one file at a time per core keeps timing-sensitive stream tests honest.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
