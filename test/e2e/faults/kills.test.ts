import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestParts } from '../../support/parts.ts';
import { type Ledger, coordinatorWrites, faultMidBurst, newLedger, recovered, sameFormAtOnce, settle, slowest } from './ledger.ts';

/**
 * A process killed with SIGKILL in the middle of a burst of consent and registration writes, then
 * started again on its store: nothing flushed, nothing closed. The two scenarios share one set of
 * processes (each starts from a graph that has recovered from the one before, as production would).
 */
describe('a part killed (SIGKILL) during a burst of consent and registration writes', () => {
  let parts: TestParts;
  let token: string;
  let ledger: Ledger;
  beforeAll(async () => ({ parts, token, ledger } = await coordinatorWrites()));
  afterAll(() => parts?.close());

  it('coordination, which holds consents and participations: every acknowledged write kept exactly once, coded errors while it is down, full answers after', async () => {
    const failures = await faultMidBurst(ledger, () => parts.stop('coordination', 'SIGKILL'));
    // While it was down: coded errors only (the gateway names the part), each within the bound send() holds.
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
    await settle(ledger, parts, 'subgraph SIGKILL', { slowestDuringFaultMs: slowest(failures), recoveryMs });
  }, 240_000);

  it('the gateway: its clients see the connection cut, and a form sent again with its key is recorded once', async () => {
    ledger = await newLedger(parts, token);
    const failures = await faultMidBurst(ledger, () => parts.stop('gateway', 'SIGKILL'));
    // No gateway, no answer: the connection is refused at once, never left hanging (send() bounds it).
    for (const answer of failures) expect(answer.cut, answer.codes.join()).toEqual(expect.any(String));
    const since = performance.now();
    await parts.start('gateway');
    ledger.faultOn = false;
    const recoveryMs = await recovered(ledger, parts, token, since);
    await settle(ledger, parts, 'gateway SIGKILL', { slowestDuringFaultMs: slowest(failures), recoveryMs });
  }, 240_000);
});
