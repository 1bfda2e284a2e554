import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startParts, type TestParts } from '../../support/parts.ts';
import { Ledger, SUBGRAPH_TIMEOUT_MS, recovered, runningIntervention, summary } from './ledger.ts';

/**
 * The gateway killed with SIGKILL in the middle of a burst of consent and registration writes,
 * then started again on its store (its audit log, its keys). Its clients see the connection cut:
 * those writes have an unknown outcome, and a form sent again with its key must be recorded once.
 */
describe('the gateway killed (SIGKILL) during a burst of writes and started again', () => {
  let parts: TestParts;
  let ledger: Ledger;
  let token: string;

  beforeAll(async () => {
    parts = await startParts({ subgraphs: ['coordination'], gatewayEnv: { SUBGRAPH_TIMEOUT_MS: String(SUBGRAPH_TIMEOUT_MS) } });
    token = await parts.token();
    ledger = new Ledger(parts, token, await runningIntervention(parts));
  });
  afterAll(() => parts?.close());

  it('keeps every acknowledged write exactly once, and answers in full again after its restart', async () => {
    let killed = false;
    const burst = ledger.burst(4, () => killed && ledger.duringFault.length >= 8, 300);
    await expect.poll(() => ledger.count('acknowledged'), { timeout: 60_000, interval: 5 }).toBeGreaterThanOrEqual(12);
    ledger.faultOn = true;
    await parts.stop('gateway', 'SIGKILL');
    killed = true;
    await burst;

    // No gateway, no answer: the connection is refused at once, never left hanging (send() bounds it).
    const failures = ledger.duringFault.filter((a) => a.codes.length > 0 || a.cut);
    expect(failures.length).toBeGreaterThan(0);
    for (const answer of failures) expect(answer.cut, answer.codes.join()).toEqual(expect.any(String));

    const since = performance.now();
    await parts.start('gateway');
    ledger.faultOn = false;
    const recoveryMs = await recovered(ledger, parts, token, since);

    const figures = await ledger.check();
    const audit = await parts.verifyAudit();
    expect(audit.status, audit.out).toBe(0);
    summary('gateway SIGKILL', parts.dialect, { ...figures, slowestDuringFaultMs: Math.round(Math.max(...failures.map((a) => a.ms))), recoveryMs });
  }, 240_000);
});
