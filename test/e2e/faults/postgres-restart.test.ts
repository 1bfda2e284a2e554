import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { throwawayCluster } from '../../support/postgres-cluster.ts';
import type { TestParts } from '../../support/parts.ts';
import { type Ledger, coordinatorWrites, faultMidBurst, recovered, settle, slowest } from './ledger.ts';

/**
 * The PostgreSQL server under coordination's and the gateway's stores stopped at once (`pg_ctl -m
 * immediate`: its processes end, no checkpoint, crash recovery at the next start) in the middle of
 * a burst of coordinator writes, then started again. The parts are not restarted: their pools must
 * find the server again by themselves. PostgreSQL run only (the SQLite run has no server to stop).
 */
describe.runIf(process.env.FINSAM_TEST_DATABASE === 'postgres')('the PostgreSQL server stopped and started under coordinator load', () => {
  let cluster: Awaited<ReturnType<typeof throwawayCluster>>;
  let parts: TestParts;
  let ledger: Ledger;
  let token: string;

  beforeAll(async () => {
    cluster = await throwawayCluster();
    ({ parts, token, ledger } = await coordinatorWrites({ postgresAdminUrl: cluster.adminUrl }));
  });
  afterAll(async () => {
    await parts?.close();
    await cluster?.remove();
  });

  it('keeps every acknowledged write exactly once, answers coded errors while the server is down and full answers after', async () => {
    const failures = await faultMidBurst(ledger, () => cluster.stop('immediate'));
    // The gateway is up: every answer is coded (send() has already held it to no stack and no hang).
    for (const answer of failures) expect(answer.cut, answer.codes.join()).toBeUndefined();
    const codes = new Set(failures.flatMap((a) => a.codes));

    const since = performance.now();
    await cluster.start();
    ledger.faultOn = false;
    const recoveryMs = await recovered(ledger, parts, token, since);

    await settle(ledger, parts, 'PostgreSQL restart', { slowestDuringFaultMs: slowest(failures), recoveryMs });
    console.log(`[faults] PostgreSQL restart: codes while the server was down: ${[...codes].join(', ')}`);
  }, 240_000);
});
