import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asStoreOwner, type TestParts } from '../../support/parts.ts';
import { type Answer, type Ledger, PERSON_PARTICIPATIONS, codesOf, coordinatorWrites, recovered, send, settle } from './ledger.ts';

/** What coordination may write past before it can grow no more (SQLite): its write-ahead log fills after a few requests. */
const FILE_SIZE_LIMIT = 96 * 1024;

/**
 * Coordination's store, which holds its audit log, cannot grow: what the graph cannot log it must
 * refuse (a coded error), and it must never answer data whose read it did not log.
 *
 * SQLite: coordination is started again under a file-size limit (`prlimit --fsize`, RLIMIT_FSIZE):
 * the kernel refuses every write that would make a file longer, as a full disk does, so the store's
 * write-ahead log cannot grow past a few pages. PostgreSQL: a server whose disk is full refuses an
 * insert with SQLSTATE 53100 (disk_full); a trigger on the audit log raises exactly that, so every
 * append fails while data reads still work, the harder case for "never answer what was not logged".
 */
describe('an audit store that cannot grow', () => {
  let parts: TestParts;
  let ledger: Ledger;
  let token: string;

  beforeAll(async () => {
    // INTERNAL_SERVER_ERROR here says the write's transaction failed, audit record and change together.
    ({ parts, token, ledger } = await coordinatorWrites({ refusedCodes: new Set(['INTERNAL_SERVER_ERROR']) }));
  });
  afterAll(() => parts?.close());

  async function fill(): Promise<() => Promise<void>> {
    if (parts.dialect === 'sqlite') {
      await parts.stop('coordination');
      await parts.start('coordination', { wrap: ['prlimit', `--fsize=${FILE_SIZE_LIMIT}`, '--'] });
      return async () => {
        await parts.stop('coordination');
        await parts.start('coordination');
      };
    }
    await asStoreOwner(parts.store('coordination'), [
      "CREATE FUNCTION audit_log_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$",
      'CREATE TRIGGER audit_log_disk_full BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_disk_full()',
    ]);
    return () => asStoreOwner(parts.store('coordination'), ['DROP TRIGGER audit_log_disk_full ON audit_log', 'DROP FUNCTION audit_log_disk_full()']);
  }

  it('refuses writes and reads it cannot log with a coded error, answers nothing unlogged, and answers in full once the store can grow', async () => {
    await ledger.burst(2, () => ledger.count('acknowledged') >= 6 && ledger.personId !== undefined, 60);
    const free = await fill();
    ledger.faultOn = true;

    // Reads and writes alternately until both were refused twice: a bound by count, not by time.
    const reads: Answer[] = [];
    const refused = () => ledger.count('refused') >= 2 && reads.filter((r) => codesOf(r).length > 0).length >= 2;
    for (let i = 0; i < 200 && !refused(); i++) {
      await ledger.write();
      reads.push(await send(parts.url, token, PERSON_PARTICIPATIONS, { id: ledger.personId }));
    }
    expect(refused(), 'the store that cannot grow refused nothing in 200 requests').toBe(true);
    for (const read of reads) {
      expect(read.cut).toBeUndefined();
      // Refused as a whole, coded; or answered, and then logged by coordination under the request's id.
      if (codesOf(read).length > 0) expect(read.body?.data?.person ?? null, JSON.stringify(read.body)).toBeNull();
    }
    const answered = reads.filter((r) => codesOf(r).length === 0 && r.body?.data?.person);
    const db = parts.store('coordination');
    try {
      const logged = new Set((await db.selectFrom('audit_log').select('request_id').where('request_id', 'in', [...answered.map((r) => r.requestId!), '-']).execute()).map((r) => r.request_id));
      expect(answered.filter((r) => !logged.has(r.requestId!)).map((r) => r.requestId), 'answered without a record in coordination\'s log').toEqual([]);
    } finally {
      await db.destroy();
    }
    const codes = new Set([...reads.flatMap(codesOf), ...ledger.writes.filter((w) => w.outcome !== 'acknowledged').map((w) => w.failure!)]);

    const since = performance.now();
    await free();
    ledger.faultOn = false;
    const recoveryMs = await recovered(ledger, parts, token, since);

    await settle(ledger, parts, 'audit store full', { readsAnswered: answered.length, readsRefused: reads.length - answered.length, recoveryMs });
    console.log(`[faults] audit store full (${parts.dialect}): codes during the fault: ${[...codes].join(', ')}`);
  }, 240_000);
});
