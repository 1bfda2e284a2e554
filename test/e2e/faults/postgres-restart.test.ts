import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { throwawayCluster } from '../../support/postgres-cluster.ts';
import { startParts, type TestParts } from '../../support/parts.ts';
import { Ledger, SUBGRAPH_TIMEOUT_MS, recovered, runningIntervention, summary } from './ledger.ts';

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
    parts = await startParts({ subgraphs: ['coordination'], postgresAdminUrl: cluster.adminUrl, gatewayEnv: { SUBGRAPH_TIMEOUT_MS: String(SUBGRAPH_TIMEOUT_MS) } });
    token = await parts.token();
    ledger = new Ledger(parts, token, await runningIntervention(parts));
  });
  afterAll(async () => {
    await parts?.close();
    await cluster?.remove();
  });

  it('keeps every acknowledged write exactly once, answers coded errors while the server is down and full answers after', async () => {
    let stopped = false;
    const burst = ledger.burst(4, () => stopped && ledger.duringFault.length >= 8, 300);
    await expect.poll(() => ledger.count('acknowledged'), { timeout: 60_000, interval: 5 }).toBeGreaterThanOrEqual(12);
    ledger.faultOn = true;
    await cluster.stop('immediate');
    stopped = true;
    await burst;

    // The gateway is up: every answer is coded (send() has already held it to no stack and no hang).
    const failures = ledger.duringFault.filter((a) => a.codes.length > 0 || a.cut);
    expect(failures.length).toBeGreaterThan(0);
    for (const answer of failures) expect(answer.cut, answer.codes.join()).toBeUndefined();
    const codes = new Set(failures.flatMap((a) => a.codes));

    const since = performance.now();
    await cluster.start();
    ledger.faultOn = false;
    const recoveryMs = await recovered(ledger, parts, token, since);

    const figures = await ledger.check();
    const audit = await parts.verifyAudit();
    expect(audit.status, audit.out).toBe(0);
    summary('PostgreSQL restart', parts.dialect, { ...figures, slowestDuringFaultMs: Math.round(Math.max(...failures.map((a) => a.ms))), recoveryMs });
    console.log(`[faults] PostgreSQL restart: codes while the server was down: ${[...codes].join(', ')}`);
  }, 240_000);
});
