import { defineConfig } from 'vitest/config';

// One run over every workspace package and the cross-package tests of test/,
// so `npm test` prints one summary.
// Each package's tests run against its compiled dependencies (`npm test`
// builds first), exactly as a user of the package would import them.
export default defineConfig({
  test: {
    projects: ['packages/*', 'test'],
    reporters: ['default', './scripts/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
