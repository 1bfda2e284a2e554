import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, generateKeyPair, type JWTVerifyGetKey } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AuditLog, GENESIS_HASH, RequestAudit, chainHead, parseChainHeadsColumn, recordHash, releasedSet, verifyChain, type AuditActor, type AuditEntry, type AuditRow, type ChainAnchor,
} from '../src/audit.ts';
import { heldCheckpoints, keepCheckpoint, latestCheckpointOf, signCheckpoint, takeChainHeads, type Checkpoint } from '../src/audit-checkpoint.ts';
import { loadOrCreateGatewayKey, type GatewaySigningKey } from '../src/gateway-token.ts';
import { memoryAuditStore, type MemoryAuditStore } from './support/memory-audit-store.ts';
import { statementKeeper } from '../src/statement-keeper.mjs';

/**
 * The access log (audit.ts) and its anchors (audit-checkpoint.ts) on in-memory SQLite stores:
 * appended, it verifies; changed, cut in the middle, cut at the tail or rewritten by someone who
 * can drop the append-only triggers, verifyChain names the record and what is wrong with it, the
 * tail with the help of the checkpoint another store keeps.
 */
const actor: AuditActor = { actorId: 'coordinator-1', role: 'coordinator', purpose: 'COORDINATION', requestId: 'request-1' };
const entry = (i: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  personnummer: `19800101${String(1000 + i)}`, agency: 'CARE', fields: ['care.certificates.issuedOn'], decision: i % 4 === 3 ? 'REFUSED' : 'RELEASED',
  reason: i % 4 === 3 ? 'CONSENT_REVOKED' : null, protectedIdentity: i % 5 === 0, ...over,
});
/** Five records of different kinds: plain, with a basis digest, withheld fields, a statistics release, a refusal. */
const FIVE: AuditEntry[] = [
  entry(1),
  entry(2, { basisDigest: 'b'.repeat(64) }),
  entry(3, { withheldFields: ['care.name'], protectedIdentity: true }),
  entry(4, { personnummer: null, reason: 'SIGNAL_STATISTICS', releasedSet: releasedSet(['198001011001', '198001011002', '198001011003']) }),
  entry(5, { decision: 'REFUSED', reason: 'BASIS_OTHER_REQUEST' }),
];

/** What someone with write access to the database file can do: the triggers are only in the way. */
const dropAppendOnlyTriggers = (store: MemoryAuditStore) =>
  store.sqlite.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');

describe('AuditLog and verifyChain', () => {
  let store: MemoryAuditStore;
  beforeEach(async () => {
    store = await memoryAuditStore();
  });
  afterEach(() => store.close());

  const appendFive = async () => {
    // In three appends, by two users: the chain runs across them.
    await store.log.append(actor, FIVE.slice(0, 2));
    await store.log.append({ ...actor, actorId: 'coordinator-2', requestId: 'request-2' }, FIVE.slice(2, 3));
    await store.log.append(actor, FIVE.slice(3));
  };

  it('appends after another process has appended to the same log, as the statistics release job does beside the subgraph', async () => {
    await store.log.append(actor, FIVE.slice(0, 1));
    // A second writer with its own memory of the head: another process on the same SQLite file.
    await new AuditLog(store.db, 'sqlite').append({ ...actor, actorId: 'statistics-release-job' }, FIVE.slice(1, 2));
    await store.log.append(actor, FIVE.slice(2, 3));
    await store.log.changeWithRecords(actor, async () => 'changed', () => FIVE.slice(4, 5));
    expect((await store.rows()).map((r) => [r.seq, r.actor])).toEqual([[1, 'coordinator-1'], [2, 'statistics-release-job'], [3, 'coordinator-1'], [4, 'coordinator-1']]);
    expect(await verifyChain(store.db)).toEqual({ ok: true, records: 4 });
  });

  it('appends records in order, each pointing to the hash of the one before, and verifies them', async () => {
    expect(await verifyChain(store.db)).toEqual({ ok: true, records: 0 });
    await appendFive();
    const rows = await store.rows();
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
    rows.slice(1).forEach((row, i) => expect(row.prev_hash).toBe(rows[i]!.hash));
    for (const { hash, ...rest } of rows) expect(recordHash(rest)).toBe(hash);
    expect(rows.map((r) => [r.actor, r.request_id, r.decision, r.reason])).toEqual([
      ['coordinator-1', 'request-1', 'RELEASED', null],
      ['coordinator-1', 'request-1', 'RELEASED', null],
      ['coordinator-2', 'request-2', 'REFUSED', 'CONSENT_REVOKED'],
      ['coordinator-1', 'request-1', 'RELEASED', 'SIGNAL_STATISTICS'],
      ['coordinator-1', 'request-1', 'REFUSED', 'BASIS_OTHER_REQUEST'],
    ]);
    expect(await chainHead(store.db)).toEqual({ seq: 5, hash: rows[4]!.hash });
    expect(await verifyChain(store.db)).toEqual({ ok: true, records: 5 });
  });

  it('keeps one chain when many requests append at once (group commit)', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.log.append({ ...actor, requestId: `request-${i}` }, [entry(i), entry(i + 100)])));
    const rows = await store.rows();
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    // Each request's two records are together.
    for (let i = 0; i < 80; i += 2) expect(rows[i]!.request_id).toBe(rows[i + 1]!.request_id);
    expect(await verifyChain(store.db)).toEqual({ ok: true, records: 80 });
  });

  it('gives each append the head after its own last record, under group commit too, at no extra statement', async () => {
    const heads = await Promise.all(Array.from({ length: 20 }, (_, i) => store.log.append({ ...actor, requestId: `request-${i}` }, [entry(i), entry(i + 100)])));
    const changed = await store.log.changeWithRecordsAndHead(actor, async () => 'changed', () => [entry(7)]);
    const rows = await store.rows();
    for (const head of [...heads, changed.head]) {
      const row = rows.find((r) => r.seq === head!.seq)!;
      expect(row.hash).toBe(head!.hash);
    }
    // Each request's head is its own second record, whichever batch it was written in.
    for (const [i, head] of heads.entries()) expect(rows.find((r) => r.seq === head!.seq)!.request_id).toBe(`request-${i}`);
    expect(changed.head).toEqual({ seq: 41, hash: rows[40]!.hash });
    expect(await store.log.append(actor, [])).toBeNull();
  });

  it('keeps the chain heads a gateway record names in its hash, and reads them back', async () => {
    const heads = { 'care-14': { seq: 57, hash: 'c'.repeat(64) }, coordination: { seq: 1234, hash: 'd'.repeat(64) } };
    await store.log.append(actor, [entry(1, { agency: 'GATEWAY', personnummer: null, chainHeads: heads })]);
    const [row] = await store.rows();
    expect(row!.chain_heads).toBe(`care-14=57:${'c'.repeat(64)} coordination=1234:${'d'.repeat(64)}`);
    expect(parseChainHeadsColumn(row!.chain_heads!)).toEqual(heads);
    const { hash, ...rest } = row!;
    expect(recordHash({ ...rest, chain_heads: rest.chain_heads!.replace('57', '56') })).not.toBe(hash);
  });

  it('is refused by the database itself when the code above it tries to change or remove a record', async () => {
    await appendFive();
    expect(() => store.sqlite.prepare("UPDATE audit_log SET decision = 'REFUSED' WHERE seq = 2").run()).toThrow(/append-only/);
    expect(() => store.sqlite.prepare('DELETE FROM audit_log WHERE seq = 5').run()).toThrow(/append-only/);
    expect(await verifyChain(store.db)).toEqual({ ok: true, records: 5 });
  });

  it.each<[string, number, string]>([
    ['a released record made a refusal', 1, "decision = 'REFUSED'"],
    ['a refusal\'s reason rewritten', 3, "reason = 'NO_CONSENT'"],
    ['the person changed', 1, "personnummer = '197001011234'"],
    ['the person removed', 2, 'personnummer = NULL'],
    ['the fields read narrowed', 1, `fields = '[]'`],
    ['another user named', 2, "actor = 'coordinator-9'"],
    ['another purpose given', 2, "purpose = 'AUDIT'"],
    ['another request named', 5, "request_id = 'request-0'"],
    ['the time moved', 4, "at = '2020-01-01T00:00:00.000Z'"],
    ['protected identity hidden', 3, 'protected_identity = 0'],
    ['the basis digest removed', 2, 'basis_digest = NULL'],
    ['the basis digest replaced', 2, `basis_digest = '${'c'.repeat(64)}'`],
    ['a basis digest added', 1, `basis_digest = '${'c'.repeat(64)}'`],
    ['the withheld fields removed', 3, 'withheld_fields = NULL'],
    ['the number of persons released changed', 4, 'member_count = 2'],
    ['the set of persons released replaced', 4, `member_set_digest = '${'d'.repeat(64)}'`],
  ])('names a changed record: %s', async (_name, seq, change) => {
    await appendFive();
    dropAppendOnlyTriggers(store);
    store.sqlite.prepare(`UPDATE audit_log SET ${change} WHERE seq = ?`).run(seq);
    expect(await verifyChain(store.db)).toEqual({ ok: false, records: seq, brokenAt: seq, problem: 'its content does not match its hash (it was changed)' });
  });

  it('names a record whose link to the one before was changed', async () => {
    await appendFive();
    dropAppendOnlyTriggers(store);
    store.sqlite.prepare('UPDATE audit_log SET prev_hash = ? WHERE seq = 3').run('e'.repeat(64));
    expect(await verifyChain(store.db)).toEqual({ ok: false, records: 3, brokenAt: 3, problem: 'does not point to the hash of the record before it' });
  });

  it('names a record removed from the middle', async () => {
    await appendFive();
    dropAppendOnlyTriggers(store);
    store.sqlite.prepare('DELETE FROM audit_log WHERE seq = 3').run();
    expect(await verifyChain(store.db)).toEqual({ ok: false, records: 3, brokenAt: 4, problem: 'sequence jumps from 2 to 4 (a record was removed)' });
  });

  it('names the first record removed from the start', async () => {
    await appendFive();
    dropAppendOnlyTriggers(store);
    store.sqlite.prepare('DELETE FROM audit_log WHERE seq = 1').run();
    expect(await verifyChain(store.db)).toMatchObject({ ok: false, brokenAt: 2, problem: 'sequence jumps from 0 to 2 (a record was removed)' });
  });

  describe('against the checkpoint another store keeps of this one\'s head', () => {
    let dataDir: string;
    let gatewayKey: GatewaySigningKey;
    let gatewayKeys: JWTVerifyGetKey;
    let gateway: MemoryAuditStore;
    const AT = '2026-03-10T12:00:00.000Z';

    beforeAll(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-kit-audit-'));
      gatewayKey = await loadOrCreateGatewayKey(dataDir);
      gatewayKeys = createLocalJWKSet({ keys: [gatewayKey.publicJwk] });
    });
    afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    beforeEach(async () => {
      gateway = await memoryAuditStore();
    });
    afterEach(() => gateway.close());

    /** The gateway reads the care store's head, signs a checkpoint of it and keeps it in its own store. */
    async function witnessHead(): Promise<Checkpoint> {
      const head = await chainHead(store.db);
      const checkpoint = { store: 'care', seq: head.seq, hash: head.hash, at: AT };
      await keepCheckpoint(gateway.db, checkpoint, await signCheckpoint(gatewayKey, checkpoint, 'gateway'));
      return checkpoint;
    }
    /** The anchors of the care store's chain that verify among those the gateway holds (as `npm run audit -- verify` takes them). */
    async function anchors(): Promise<ChainAnchor[]> {
      const held = await heldCheckpoints(gateway.db, 'gateway', gatewayKeys);
      expect(held.problems).toEqual([]);
      return held.anchors.filter((a) => a.store === 'care');
    }
    const tailRemoved = (end: number) => `the checkpoint held by gateway (taken ${AT}) saw records up to 5; the log ends at ${end} (its tail was removed)`;

    it('verifies an intact chain, and one that grew after the checkpoint', async () => {
      await appendFive();
      await witnessHead();
      expect(await verifyChain(store.db, await anchors())).toEqual({ ok: true, records: 5 });
      await store.log.append(actor, [entry(6), entry(7)]);
      expect(await verifyChain(store.db, await anchors())).toEqual({ ok: true, records: 7 });
    });

    it('names a tail cut off, which the chain alone cannot see', async () => {
      await appendFive();
      await witnessHead();
      dropAppendOnlyTriggers(store);
      store.sqlite.prepare('DELETE FROM audit_log WHERE seq > 3').run();
      // A shorter chain is still a valid chain: this is why the head is witnessed elsewhere.
      expect(await verifyChain(store.db)).toEqual({ ok: true, records: 3 });
      expect(await verifyChain(store.db, await anchors())).toEqual({ ok: false, records: 3, brokenAt: 4, problem: tailRemoved(3), missing: { from: 4, to: 5, witness: `the checkpoint held by gateway (taken ${AT})` } });
    });

    it('names a log emptied', async () => {
      await appendFive();
      await witnessHead();
      dropAppendOnlyTriggers(store);
      store.sqlite.prepare('DELETE FROM audit_log').run();
      expect(await verifyChain(store.db, await anchors())).toEqual({ ok: false, records: 0, brokenAt: 1, problem: tailRemoved(0), missing: { from: 1, to: 5, witness: `the checkpoint held by gateway (taken ${AT})` } });
    });

    it('names a tail cut off and new records written in its place', async () => {
      await appendFive();
      await witnessHead();
      dropAppendOnlyTriggers(store);
      store.sqlite.prepare('DELETE FROM audit_log WHERE seq > 3').run();
      // The writer's own head is in memory; a fresh log, as after a restart, continues from the cut.
      await new AuditLog(store.db).append(actor, [entry(40), entry(41), entry(42)]);
      expect(await verifyChain(store.db)).toEqual({ ok: true, records: 6 });
      expect(await verifyChain(store.db, await anchors())).toEqual({
        ok: false, records: 5, brokenAt: 5, problem: `the checkpoint held by gateway (taken ${AT}) saw another hash here (this record or one before it was rewritten)`,
      });
    });

    it('names a record removed and every hash after it recomputed, which the chain alone cannot see', async () => {
      await appendFive();
      await witnessHead();
      dropAppendOnlyTriggers(store);
      const kept = (await store.rows()).filter((r) => r.seq !== 2);
      store.sqlite.prepare('DELETE FROM audit_log').run();
      let previous = GENESIS_HASH;
      for (const [i, { hash: _old, ...row }] of kept.entries()) {
        const rewritten: Omit<AuditRow, 'hash'> = { ...row, seq: i + 1, prev_hash: previous };
        previous = recordHash(rewritten);
        await store.db.insertInto('audit_log').values({ ...rewritten, hash: previous }).execute();
      }
      expect(await verifyChain(store.db)).toEqual({ ok: true, records: 4 });
      expect(await verifyChain(store.db, await anchors())).toEqual({ ok: false, records: 4, brokenAt: 5, problem: tailRemoved(4), missing: { from: 5, to: 5, witness: `the checkpoint held by gateway (taken ${AT})` } });
      // Padded back to five records (by a writer started on the rewritten log), the fifth does not have the hash the gateway saw.
      await new AuditLog(store.db).append(actor, [entry(99)]);
      expect(await verifyChain(store.db, await anchors())).toMatchObject({ ok: false, brokenAt: 5, problem: expect.stringMatching(/saw another hash here/) });
    });

    it('takes no checkpoint as an anchor that the witness\'s store holds altered, or that the gateway did not sign for it', async () => {
      await appendFive();
      const checkpoint = await witnessHead();
      // Lowered to hide a cut tail.
      gateway.sqlite.prepare('UPDATE audit_checkpoint SET seq = 3 WHERE store = ?').run('care');
      // Signed by a key that is not the gateway's, and signed by the gateway for another witness.
      const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
      await keepCheckpoint(gateway.db, { ...checkpoint, seq: 2 }, await signCheckpoint({ ...gatewayKey, privateKey }, { ...checkpoint, seq: 2 }, 'gateway'));
      await keepCheckpoint(gateway.db, { ...checkpoint, seq: 1 }, await signCheckpoint(gatewayKey, { ...checkpoint, seq: 1 }, 'employment'));
      const held = await heldCheckpoints(gateway.db, 'gateway', gatewayKeys);
      expect(held.anchors).toEqual([]);
      expect(held.problems).toHaveLength(3);
      for (const seq of [1, 2, 3]) expect(held.problems.some((p) => p.startsWith(`the checkpoint of care at record ${seq} `) && p.includes('is not one the gateway signed'))).toBe(true);
    });

    it('holds the newest checkpoint of a store as its latest', async () => {
      await appendFive();
      await witnessHead();
      await store.log.append(actor, [entry(6)]);
      const newer = await witnessHead();
      expect(await latestCheckpointOf(gateway.db, 'care')).toEqual(newer);
      expect((await anchors()).map((a) => a.seq)).toEqual([5, 6]);
    });
  });

  it('gives back the persons a statistics release counted, and refuses a set changed since', async () => {
    await appendFive();
    const digest = (await store.rows())[3]!.member_set_digest!;
    expect(await store.log.releasedMembers(digest)).toEqual(['198001011001', '198001011002', '198001011003']);
    expect(await store.log.releasedMembers('f'.repeat(64))).toBeNull();
    // One person taken out of the set kept beside the log: the record's digest no longer fits it.
    const altered = releasedSet(['198001011001', '198001011003']).compressed.toString('base64');
    store.sqlite.prepare('UPDATE released_member_set SET members = ? WHERE digest = ?').run(altered, digest);
    await expect(store.log.releasedMembers(digest)).rejects.toThrow(/does not match its digest/);
  });

  it('verifyChain holds the released member sets to their records: a set changed or removed beside an intact chain is named', async () => {
    await appendFive();
    const digest = (await store.rows())[3]!.member_set_digest!;
    const altered = releasedSet(['198001011001', '198001011003']).compressed.toString('base64');
    const original = (store.sqlite.prepare('SELECT members FROM released_member_set WHERE digest = ?').get(digest) as { members: string }).members;
    store.sqlite.prepare('UPDATE released_member_set SET members = ? WHERE digest = ?').run(altered, digest);
    expect(await verifyChain(store.db)).toEqual({ ok: false, records: 5, brokenAt: 4, problem: 'the persons its statistics release counted, kept beside the log, no longer match its digest (the set was changed)' });
    store.sqlite.prepare('DELETE FROM released_member_set WHERE digest = ?').run(digest);
    expect(await verifyChain(store.db)).toEqual({ ok: false, records: 5, brokenAt: 4, problem: 'the persons its statistics release counted are no longer kept beside the log (the set was removed)' });
    store.sqlite.prepare('INSERT INTO released_member_set (digest, member_count, members) VALUES (?, ?, ?)').run(digest, 3, original);
    expect(await verifyChain(store.db)).toEqual({ ok: true, records: 5 });
  });
});

describe('takeChainHeads', () => {
  it('takes a subgraph\'s heads out of its answer: only its own stores\' and well formed, the rest of extensions left', () => {
    const hash = 'e'.repeat(64);
    const answer: { extensions?: Record<string, unknown> } = { extensions: { auditHeads: { care: { seq: 1, hash }, 'care-14': { seq: 9, hash }, coordination: { seq: 5, hash }, 'care-15': { seq: 1, hash: 'x' } }, other: 1 } };
    expect(takeChainHeads(answer, 'care')).toEqual({ care: { seq: 1, hash }, 'care-14': { seq: 9, hash } });
    expect(answer).toEqual({ extensions: { other: 1 } });
    const alone: { extensions?: Record<string, unknown> } = { extensions: { auditHeads: { care: { seq: 1, hash } } } };
    takeChainHeads(alone, 'care');
    expect(alone).toEqual({});
    expect(takeChainHeads({ extensions: { auditHeads: 'x' } }, 'care')).toBeNull();
    expect(takeChainHeads({}, 'care')).toBeNull();
  });
});

describe('RequestAudit', () => {
  it('makes one record of a person read through several fields, and never logs a withheld field as read', () => {
    const audit = new RequestAudit('CARE');
    audit.record({ personnummer: '198001011001', fields: ['care.certificates.issuedOn'], decision: 'RELEASED', reason: null, protectedIdentity: false, basisDigest: 'a'.repeat(64) });
    audit.record({ personnummer: '198001011001', fields: ['care.diagnoses.code', 'care.name'], decision: 'RELEASED', reason: null, protectedIdentity: true, basisDigest: 'a'.repeat(64), withheldFields: ['care.name'] });
    audit.record({ personnummer: '198001011001', fields: ['care.certificates.issuedOn'], decision: 'REFUSED', reason: 'BASIS_OTHER_REQUEST', protectedIdentity: false });
    audit.record({ personnummer: '198001011002', fields: ['care.certificates.issuedOn'], decision: 'RELEASED', reason: null, protectedIdentity: false, agency: 'GATEWAY' });
    expect(audit.drain()).toEqual([
      { personnummer: '198001011001', agency: 'CARE', fields: ['care.certificates.issuedOn', 'care.diagnoses.code'], decision: 'RELEASED', reason: null,
        protectedIdentity: true, basisDigest: 'a'.repeat(64), withheldFields: ['care.name'] },
      { personnummer: '198001011001', agency: 'CARE', fields: ['care.certificates.issuedOn'], decision: 'REFUSED', reason: 'BASIS_OTHER_REQUEST', protectedIdentity: false },
      { personnummer: '198001011002', agency: 'GATEWAY', fields: ['care.certificates.issuedOn'], decision: 'RELEASED', reason: null, protectedIdentity: false },
    ]);
    expect(audit.drain()).toEqual([]);
  });
});

describe('the writer thread\'s statements (the soak, docs/performance.md)', () => {
  /**
   * The writer thread kept each statement it prepared (up to 100), and SQLite's prepared
   * statement grows with its rows: a batch of every size from 1 to 150 records, each its own
   * INSERT text, left the social-services process with tens of MB held in its writer threads.
   * It keeps the short texts only; a long one is prepared for its write and let go.
   */
  it('keeps the statements of small batches, not one per batch size, and the chain verifies', async () => {
    const store = await memoryAuditStore();
    let prepared = 0;
    const keeper = statementKeeper({ prepare: (sql: string) => { prepared++; return store.sqlite.prepare(sql); } });
    const writer = {
      async write(statements: readonly { sql: string; parameters: readonly unknown[] }[]) {
        store.sqlite.transaction(() => { for (const s of statements) keeper.statementFor(s.sql).run(...s.parameters); })();
      },
      async close() {},
    };
    const log = new AuditLog(store.db, 'sqlite', writer);
    let records = 0;
    for (let round = 0; round < 2; round++) {
      for (let size = 1; size <= 150; size++) {
        await log.append(actor, Array.from({ length: size }, (_, i) => entry(i)));
        records += size;
      }
    }
    expect(await verifyChain(store.db)).toEqual({ ok: true, records });
    // The texts kept are the few short ones; the long ones were prepared again in the second round, not kept.
    expect(keeper.size).toBeLessThanOrEqual(20);
    expect(prepared).toBeGreaterThan(150);
    store.close();
  }, 120_000);
});
