import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The whole suite on the embedded default (SQLite, plain HTTP): the packages' unit tests beside
 * their modules, the repository's tests and every end-to-end scenario.
 *
 * Test files share their worker's module cache (`isolate: false`): each end-to-end file builds
 * its own graph with its own stores, keys and metrics registry, so nothing a test can see is
 * shared, and a fresh import of Apollo, graphql and the five subgraphs per file was a quarter of
 * the run (366 s → 271 s on a 2-core machine, one worker).
 */
export default defineConfig({
  test: {
    include: ['subgraphs/**/test/**/*.test.ts', 'gateway/test/**/*.test.ts', 'test/**/*.test.ts'],
    // A subgraph written by test/new-subgraph.test.ts runs its own tests there, not a second time here.
    exclude: [...configDefaults.exclude, 'subgraphs/.scaffold-*/**'],
    environment: 'node',
    isolate: false,
    // Vitest's default on two cores is one worker: the second core then only ran spawned tools.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Logs are checked by tests that capture them; the rest of the suite runs quiet.
    env: { LOG_LEVEL: 'silent' },
  },
});
