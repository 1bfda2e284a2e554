import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['subgraphs/**/test/**/*.test.ts', 'gateway/test/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Logs are checked by tests that capture them; the rest of the suite runs quiet.
    env: { LOG_LEVEL: 'silent' },
  },
});
