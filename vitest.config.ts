import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // After the run, remove labs left by test workers that were killed (no exit hooks ran).
    globalSetup: ['test/support/lab-global-teardown.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
