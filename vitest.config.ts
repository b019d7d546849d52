import { defineConfig } from 'vitest/config';

/**
 * Two tiers, told apart by the file name: `*.unit.test.ts` are pure and fast (no endpoint,
 * no server, no child process; `npm run test:unit`, well under a minute); every other
 * `*.test.ts` talks to the embedded endpoint through the SDK, runs servers or processes, or
 * spawns the CLI (`npm run test:integration`). `npm test` runs both.
 */
const common = { testTimeout: 20_000, hookTimeout: 20_000 };

export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      { test: { ...common, name: 'unit', include: ['test/**/*.unit.test.ts'] } },
      { test: { ...common, name: 'integration', include: ['test/**/*.test.ts'], exclude: ['test/**/*.unit.test.ts'] } },
    ],
  },
});
