import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['subgraphs/**/test/**/*.test.ts', 'gateway/test/**/*.test.ts', 'test/**/*.test.ts'],
    // A subgraph written by test/new-subgraph.test.ts runs its own tests there, not a second time here.
    exclude: [...configDefaults.exclude, 'subgraphs/.scaffold-*/**'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Logs are checked by tests that capture them; the rest of the suite runs quiet.
    env: { LOG_LEVEL: 'silent' },
  },
});
