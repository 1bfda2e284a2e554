import { defineConfig } from 'vitest/config';

/**
 * The end-to-end suite once more as production runs: every store on a real PostgreSQL server,
 * and TLS between the gateway and the subgraphs (certificates the run makes, docs/tls.md).
 * `npm start` and the embedded default are covered by the main run.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    exclude: ['test/e2e/start.test.ts'],
    environment: 'node',
    globalSetup: ['test/support/postgres-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { LOG_LEVEL: 'silent', FINSAM_TEST_DATABASE: 'postgres', FINSAM_TEST_TLS: '1' },
  },
});
