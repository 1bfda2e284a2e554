import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startParts, type TestParts } from '../../support/parts.ts';
import { Ledger, SUBGRAPH_TIMEOUT_MS, recovered, runningIntervention, sameFormAtOnce, summary } from './ledger.ts';

/**
 * Coordination, which holds consents and participations, killed with SIGKILL in the middle of a
 * burst of consent and registration writes, then started again on the same store. What it
 * acknowledged must survive; what it never answered may be there, once.
 */
describe('coordination killed (SIGKILL) during a burst of consent and registration writes', () => {
  let parts: TestParts;
  let ledger: Ledger;
  let token: string;

  beforeAll(async () => {
    parts = await startParts({ subgraphs: ['coordination'], gatewayEnv: { SUBGRAPH_TIMEOUT_MS: String(SUBGRAPH_TIMEOUT_MS) } });
    token = await parts.token();
    ledger = new Ledger(parts, token, await runningIntervention(parts));
  });
  afterAll(() => parts?.close());

  it('keeps every acknowledged write exactly once, answers coded errors while it is down and full answers after', async () => {
    let killed = false;
    const burst = ledger.burst(4, () => killed && ledger.duringFault.length >= 8, 300);
    // The kill comes when the burst is well under way: a condition, not a clock.
    await expect.poll(() => ledger.count('acknowledged'), { timeout: 60_000, interval: 5 }).toBeGreaterThanOrEqual(12);
    ledger.faultOn = true;
    await parts.stop('coordination', 'SIGKILL');
    killed = true;
    await burst;

    // While it was down: coded errors only (the gateway names the part), each within the bound send() holds.
    const failures = ledger.duringFault.filter((a) => a.codes.length > 0 || a.cut);
    expect(failures.length).toBeGreaterThan(0);
    for (const answer of failures) {
      expect(answer.cut).toBeUndefined();
      expect(answer.codes.every((code) => ['SUBGRAPH_UNAVAILABLE', 'SUBGRAPH_TIMEOUT'].includes(code)), answer.codes.join()).toBe(true);
    }

    const since = performance.now();
    await parts.start('coordination');
    ledger.faultOn = false;
    const recoveryMs = await recovered(ledger, parts, token, since);

    // A form sent again while its first send is still being written (a client that gave up waiting).
    await sameFormAtOnce(ledger, 'consent');
    await sameFormAtOnce(ledger, 'participation');
    const figures = await ledger.check();
    const audit = await parts.verifyAudit();
    expect(audit.status, audit.out).toBe(0);
    summary('subgraph SIGKILL', parts.dialect, { ...figures, slowestDuringFaultMs: Math.round(Math.max(...failures.map((a) => a.ms))), recoveryMs });
  }, 240_000);
});
