import { configDefaults, defineConfig } from 'vitest/config';
import postgres from './vitest.postgres.config.ts';

/**
 * The whole suite in one run of two projects, their files scheduled together on the same
 * workers:
 * - `sqlite`: every layer on the embedded default (SQLite, plain HTTP): the packages' unit tests
 *   beside their modules, the repository's tests and every end-to-end scenario;
 * - `postgres` (vitest.postgres.config.ts): the scenarios storage and transport change, on a
 *   real PostgreSQL server with TLS between the parts.
 * Run one of them with `vitest run --project sqlite` (or `npm run test:postgres`).
 *
 * One run rather than two in a row: the end-to-end files wait on child processes, sockets and
 * the database about a third of the time, and two passes in a row left that third of the two
 * cores idle; scheduled together, the second pass fills it.
 *
 * Test files share their worker's module cache (`isolate: false`): each end-to-end file builds
 * its own graph with its own stores, keys and metrics registry, so nothing a test can see is
 * shared, and a fresh import of Apollo, graphql and the five subgraphs per file was a quarter of
 * the run (366 s → 271 s on a 2-core machine, one worker).
 */
export default defineConfig({
  test: {
    // Two cores: a third worker runs while the other two wait (see above).
    maxWorkers: 3,
    environment: 'node',
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll's own default is 1 s: a browser step polled on two busy cores timed out in a full
    // run (working-day's signal list at load 13) and passed alone. Polls wait for state, not time.
    expect: { poll: { timeout: 30_000 } },
    // The graph's parts bundled once per run, for the tests that start them as processes (test/support/parts.ts).
    globalSetup: ['test/support/part-bundles-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['subgraphs/**/test/**/*.test.ts', 'gateway/test/**/*.test.ts', 'test/**/*.test.ts'],
          // A subgraph written by test/new-subgraph.test.ts runs its own tests there, not a second time here.
          exclude: [...configDefaults.exclude, 'subgraphs/.scaffold-*/**'],
          // Logs are checked by tests that capture them; the rest of the suite runs quiet. The
          // postgres project's settings are emptied here: a worker may run files of both projects.
          env: { LOG_LEVEL: 'silent', FINSAM_TEST_DATABASE: '', FINSAM_TEST_TLS: '' },
        },
      },
      postgres,
    ],
  },
});
