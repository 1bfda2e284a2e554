import type { TestProjectInlineConfiguration } from 'vitest/config';

/**
 * The end-to-end scenarios that storage and transport change, once more as production runs them:
 * every store on a real PostgreSQL server and TLS between the gateway and the subgraphs
 * (certificates the run makes, docs/tls.md). What does not depend on the store or the wire
 * (token rules, the gateway's limits and error contract, the browser client, disclosure rules
 * over figures the stores computed, DATA_DIR's modes: with PostgreSQL it holds the same key files
 * and no store) runs once, in the main run.
 */
export const STORAGE_AND_TRANSPORT_SCENARIOS = [
  // Every sector's data access and the consent writes, as PersonOverview and the mutations use them.
  'test/e2e/coordinator/coordinator-contract.test.ts',
  // The data controllers a consent names: one row per agency and controller, withdrawn one controller at a time.
  'test/e2e/coordinator/consent-controller.test.ts',
  'test/e2e/controllers/municipalities.test.ts',
  'test/e2e/network/two-forbund.test.ts',
  // Analysts' SQL: follow-up, cohorts, statistics and their figures.
  'test/e2e/analyst/analyst-operations.test.ts',
  'test/e2e/analyst/follow-up.test.ts',
  'test/e2e/analyst/cohort.test.ts',
  'test/e2e/analyst/disclosure-utility.test.ts',
  // The förbund's list of analysts in the gateway's store, read by the gateway and kept by npm run analysts.
  'test/e2e/analyst/known-analysts.test.ts',
  // The monthly statistics releases: stored once per month, read back identical (about 15 s).
  'test/e2e/analyst/statistics-release-job.test.ts',
  // The audit stores: append-only guards, chains and their anchors, trails read across stores.
  'test/e2e/audit/audit-anchoring.test.ts',
  'test/e2e/audit/audit-heads.test.ts',
  'test/e2e/audit/hygiene.test.ts',
  'test/e2e/operations/resilience.test.ts',
  // One store backed up while the graph runs and restored (pg_dump, pg_restore), its chain held to the others' anchors.
  'test/e2e/operations/store-backup.test.ts',
  'test/e2e/coordinator/batching.test.ts',
  // Migrations on a store seeded before: the kit's and a package's own, apart.
  'test/e2e/operations/store-migrations.test.ts',
  // Release bases signed over consents read from coordination's store.
  'test/e2e/trust/release-basis.test.ts',
  // The wire: TLS, key sets fetched over HTTPS, request ids and readiness across processes.
  'test/e2e/trust/tls.test.ts',
  'test/e2e/trust/trust.test.ts',
  'test/e2e/coordinator/edges.test.ts',
  // Faults tested the way they happen (docs/faults.md): parts killed and restarted, a server restarted, a store that cannot grow.
  'test/e2e/faults/kills.test.ts',
  'test/e2e/faults/audit-store-full.test.ts',
  'test/e2e/faults/postgres-restart.test.ts',
  // A new subgraph with its own store, checked by the conformance kit over HTTPS.
  'test/e2e/agency-kit/scaffold-conformance.test.ts',
];
/**
 * The storage-and-transport pass: a project of the one run vitest.config.ts makes (it takes the
 * run's settings from there), its files scheduled beside the main run's on the same workers.
 * `npm run test:postgres` runs it alone.
 */
const postgres: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'postgres',
    include: STORAGE_AND_TRANSPORT_SCENARIOS,
    globalSetup: ['test/support/postgres-global-setup.ts'],
    env: { LOG_LEVEL: 'silent', FINSAM_TEST_DATABASE: 'postgres', FINSAM_TEST_TLS: '1' },
  },
};

export default postgres;
