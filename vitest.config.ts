import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // After the run, remove labs and clusters left by test workers that were killed (no exit
    // hooks ran), and the cluster the test files shared.
    globalSetup: ['test/support/lab-global-teardown.ts', 'test/support/cluster-global-teardown.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
