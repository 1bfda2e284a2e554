import { defineConfig } from 'vitest/config';

/**
 * The test settings of one workspace package run on its own (`npm -w subgraphs/care test`): the
 * same as the whole suite's (vitest.config.ts at the top), so a package that passes alone passes
 * in the suite. Plain JavaScript because vitest loads a package's config through Node, which
 * does not run TypeScript from node_modules.
 */
export const packageTestConfig = defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Logs are checked by tests that capture them; the rest of the suite runs quiet.
    env: { LOG_LEVEL: 'silent' },
  },
});
