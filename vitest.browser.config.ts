import { defineConfig } from 'vitest/config';

/** Browser tests: Debian's chromium driven by playwright-core (`npm run test:browser`). */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 90_000,
    hookTimeout: 120_000,
  },
});
