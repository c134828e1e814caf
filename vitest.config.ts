import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Redis- and SQLite-backed suites use unique key prefixes and temp files, so files may run in parallel.
    pool: 'forks',
  },
});
