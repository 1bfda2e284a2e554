import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { Agency } from './agencies.ts';
import { insertInChunks, type Dialect, type Migrations } from './database.ts';
import { addDays } from './dates.ts';
import type { BackgroundWriter } from './sqlite-writer.ts';
import { inSpan } from './tracing.ts';

/**
 * The access log every store keeps of itself, like the agencies' own logs (patientdatalagen's
 * loggkontroll, X-Road's logs at both ends): who read or was refused which person's data, in
 * which role, for which purpose, in which request. Append-only and hash-chained (each record
 * holds the hash of the one before), written before the answer leaves. It never holds more
 * personal data than the personnummer.
 */
export type AuditDecision = 'RELEASED' | 'REFUSED' | 'RECORDED' | 'REVOKED' | 'OK' | 'PARTIAL' | 'ERROR' | 'UNAUTHENTICATED';

/** Whose log a record is in: an agency's, coordination's or the gateway's. */
export type AuditLogOwner = Agency | 'COORDINATION' | 'GATEWAY';

export interface AuditEntry {
  personnummer: string | null;
  agency: AuditLogOwner;
  fields: string[];
  decision: AuditDecision;
  reason: string | null;
  protectedIdentity: boolean;
  /** The gateway's request records: operation name and a hash of the document. */
  operation?: string | null;
  operationHash?: string | null;
  /** A release of many persons at once (statistics): the set, kept once in released_member_set. */
  releasedSet?: ReleasedSet | null;
  /** A release at an agency: the SHA-256 of the signed release basis it was made under (release-basis.ts). */
  basisDigest?: string | null;
  /** Fields asked for but not released (protected identity): never also in `fields`. */
  withheldFields?: string[];
  /** For a subgraph of many controllers (controllers.ts): the one whose data this is about, in whose own log the record goes. */
  controller?: string;
  /**
   * The gateway's record of a request: the chain head each subgraph store answered with, after
   * that request's records there (docs/audit-anchoring.md, "No window"). Kept in the gateway's
   * chain, so that a record whose answer left its store is witnessed outside it at once.
   */
  chainHeads?: ChainHeads | null;
}

/** A chain's newest record: its sequence number and hash. Two values about the log, no personal data. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** Chain heads by store name (`care-14`, `coordination`). */
export type ChainHeads = Record<string, ChainHead>;

/**
 * The persons one statistics release counted: their number and the SHA-256 of the sorted,
 * newline-joined personnummer, which the record carries; the list itself goes to the side table
 * released_member_set (zlib-compressed), once per distinct set, so that an auditor can show
 * whether a person's data counted in a release without a record per person.
 */
export interface ReleasedSet {
  count: number;
  digest: string;
  /** The sorted personnummer, newline-joined, raw-deflated. */
  compressed: Buffer;
}

export function releasedSet(personnummer: readonly string[]): ReleasedSet {
  const list = [...personnummer].sort().join('\n');
  return { count: personnummer.length, digest: createHash('sha256').update(list).digest('hex'), compressed: deflateRawSync(list) };
}

/** Who acted: a request's Caller fits as it is. */
export interface AuditActor {
  actorId: string;
  role: string;
  purpose: string;
  requestId: string;
  /** The förbund whose gateway asked (trusted-forbund.ts), where a part answers förbund. */
  forbund?: string | null;
}

export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  role: string;
  purpose: string;
  request_id: string;
  personnummer: string | null;
  agency: string;
  fields: string;
  decision: string;
  reason: string | null;
  protected_identity: number;
  operation: string | null;
  operation_hash: string | null;
  /** For a statistics release: how many persons it counted, and the digest of their set (ReleasedSet). */
  member_count?: number | null;
  member_set_digest?: string | null;
  /** For a release at an agency: the digest of the signed basis it was made under. */
  basis_digest?: string | null;
  /** JSON list of the fields asked for and withheld; null when nothing was. */
  withheld_fields?: string | null;
  /** The förbund whose gateway asked; null for a part's own work and records before förbund were told apart. */
  forbund?: string | null;
  /** The gateway's record of a request: the heads the subgraphs answered with (chainHeadsColumn); null elsewhere. */
  chain_heads?: string | null;
  prev_hash: string;
  hash: string;
}

export interface ReleasedMemberSetRow {
  digest: string;
  member_count: number;
  /** base64 of the raw-deflated, sorted, newline-joined personnummer. */
  members: string;
}

/**
 * A chain head of ANOTHER store, witnessed here (audit-checkpoint.ts): the gateway keeps every
 * subgraph's, each subgraph keeps the gateway's. `signature` is the gateway's signed statement
 * of the other columns.
 */
export interface AuditCheckpointRow {
  /** Whose chain: a subgraph's name, or `gateway`. */
  store: string;
  seq: number;
  hash: string;
  /** When the gateway read the head (ISO time). */
  at: string;
  signature: string;
}

export interface AuditDb {
  audit_log: AuditRow;
  released_member_set: ReleasedMemberSetRow;
  audit_checkpoint: AuditCheckpointRow;
}

export const GENESIS_HASH = '0'.repeat(64);

/** How often an SQLite append is made again after another process took its record number. */
const SEQ_TAKEN_ATTEMPTS = 5;

export const auditMigrations = (dialect: Dialect): Migrations => ({
  '0000_audit_log': {
    async up(db) {
      await db.schema.createTable('audit_log')
        .addColumn('seq', 'integer', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('personnummer', 'text')
        .addColumn('agency', 'text', (c) => c.notNull())
        .addColumn('fields', 'text', (c) => c.notNull())
        .addColumn('decision', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('protected_identity', 'integer', (c) => c.notNull())
        .addColumn('operation', 'text')
        .addColumn('operation_hash', 'text')
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_personnummer').on('audit_log').columns(['personnummer', 'at']).execute();
      // The database itself refuses to change or remove a record, whatever the code above it does.
      if (dialect === 'sqlite') {
        await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(db);
        await sql`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(db);
      } else {
        await sql`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`.execute(db);
        await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db);
        await sql`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db);
      }
    },
  },
  // A statistics release is one record with the digest of the persons it counted; the set itself beside it.
  '0004_statistics_release': {
    async up(db) {
      await db.schema.alterTable('audit_log').addColumn('member_count', 'integer').execute();
      await db.schema.alterTable('audit_log').addColumn('member_set_digest', 'text').execute();
      await db.schema.createTable('released_member_set')
        .addColumn('digest', 'text', (c) => c.primaryKey())
        .addColumn('member_count', 'integer', (c) => c.notNull())
        .addColumn('members', 'text', (c) => c.notNull())
        .execute();
    },
  },
  // A release at an agency keeps the digest of the signed basis it was made under, so it can later show why.
  '0005_release_basis_digest': {
    async up(db) {
      await db.schema.alterTable('audit_log').addColumn('basis_digest', 'text').execute();
    },
  },
  // A record says what was withheld as well as what was released (a protected identity's name and address).
  '0006_audit_withheld_fields': {
    async up(db) {
      await db.schema.alterTable('audit_log').addColumn('withheld_fields', 'text').execute();
    },
  },
  // Other stores' chain heads, kept here so that no store can cut or rewrite its own tail unseen.
  '0007_audit_checkpoint': {
    async up(db) {
      await db.schema.createTable('audit_checkpoint')
        .addColumn('store', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_checkpoint_store').on('audit_checkpoint').columns(['store', 'seq']).execute();
    },
  },
  // A national agency answers many förbund: each record says whose gateway asked.
  '0010_audit_forbund': {
    async up(db) {
      await db.schema.alterTable('audit_log').addColumn('forbund', 'text').execute();
    },
  },
  // The gateway's record of a request keeps the chain heads the subgraphs answered with: logs at both ends, no window.
  '0011_audit_chain_heads': {
    async up(db) {
      await db.schema.alterTable('audit_log').addColumn('chain_heads', 'text').execute();
    },
  },
});

/** The newest record's sequence number and hash (0 and the genesis hash for an empty log). */
export function chainHead(db: Kysely<AuditDb>): Promise<ChainHead> {
  return db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst()
    .then((row) => (row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: GENESIS_HASH }));
}

/** The hash of a record: SHA-256 over the previous hash and every column but the hash itself. */
export function recordHash(row: Omit<AuditRow, 'hash'>): string {
  const content = JSON.stringify([
    row.seq, row.at, row.actor, row.role, row.purpose, row.request_id, row.personnummer, row.agency, row.fields,
    row.decision, row.reason, row.protected_identity, row.operation, row.operation_hash,
    // Only records of a statistics release have these; the records before them hash as they did.
    ...(row.member_set_digest != null ? [row.member_count, row.member_set_digest] : []),
    ...(row.basis_digest != null ? [['basis_digest', row.basis_digest]] : []),
    ...(row.withheld_fields != null ? [['withheld_fields', row.withheld_fields]] : []),
    ...(row.forbund != null ? [['forbund', row.forbund]] : []),
    ...(row.chain_heads != null ? [['chain_heads', row.chain_heads]] : []),
  ]);
  return createHash('sha256').update(row.prev_hash).update('\n').update(content).digest('hex');
}

/** What an audit write's span says of its records: how many, and their decisions (codes, never whom they name). */
const recordAttributes = (entries: readonly AuditEntry[]) => ({
  'finsam.audit.records': entries.length,
  'finsam.audit.decisions': [...new Set(entries.map((e) => e.decision))].sort(),
});

/** One queued write: records to append and, for a change to the store, the change they record. */
interface PendingWrite {
  actor: AuditActor;
  entries: AuditEntry[];
  change?: { run: (trx: Kysely<AuditDb>) => Promise<unknown>; entriesFor: (result: unknown) => AuditEntry[] };
  done: (error: unknown, written?: Written) => void;
}

/** What one queued write left: the change's result, and the head after its own records (null when it wrote none). */
interface Written {
  result: unknown;
  head: ChainHead | null;
}

/**
 * Chain heads as the gateway's record keeps them: `care-14=57:<hash> coordination=1234:<hash>`,
 * stores in name order. Not JSON: written into every gateway record and hashed with it, a text
 * with no quotes to escape costs the hash of the record about half as much again as JSON did.
 */
export function chainHeadsColumn(heads: ChainHeads): string {
  return Object.keys(heads).sort().map((store) => `${store}=${heads[store]!.seq}:${heads[store]!.hash}`).join(' ');
}

/** The heads a gateway record keeps, read back; what does not parse as a head is left out (the record's own hash says whether it was changed). */
export function parseChainHeadsColumn(column: string): ChainHeads {
  const heads: ChainHeads = {};
  for (const part of column.split(' ')) {
    const head = /^([a-z0-9-]+)=(\d+):([0-9a-f]{64})$/.exec(part);
    if (head) heads[head[1]!] = { seq: Number(head[2]), hash: head[3]! };
  }
  return heads;
}

/**
 * A store's append-only log. On SQLite one process writes a store: appends are serialised here
 * and the chain head is kept in memory, so a write is one transaction of all the waiting records,
 * committed on the store's writer thread.
 * On PostgreSQL several replicas may write the same store: each append takes a transaction-level
 * advisory lock and reads the head inside it, so the chain stays one chain.
 */
export class AuditLog {
  private head: Promise<ChainHead> | null = null;
  private pending: PendingWrite[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly db: Kysely<AuditDb>,
    private readonly dialect: Dialect = 'sqlite',
    /** SQLite: plain appends commit on this thread, so the event loop is not held by the commit. */
    private readonly writer: BackgroundWriter | null = null,
  ) {}

  private readHead(db: Kysely<AuditDb>) {
    return chainHead(db);
  }

  /**
   * Appends the entries; resolves when they are committed, with the chain head after them (their
   * last record: the hash was computed for the append, so this costs nothing), or null when there
   * were none. Appends that arrive while a write is under way go together in the next one (group
   * commit): one durable write serves many requests under load, and each request still waits for
   * its own records to be on disk.
   */
  append(actor: AuditActor, entries: AuditEntry[]): Promise<ChainHead | null> {
    if (entries.length === 0) return Promise.resolve(null);
    return inSpan('audit.append', recordAttributes(entries), () => this.enqueue({ actor, entries }).then((written) => written.head));
  }

  /**
   * Makes a change to the store and appends the records of it in one transaction: a change is
   * never on disk without its record, nor a record without its change, whatever fails between
   * them (a consent is evidence; its record is what a person's log extract shows). The records
   * may depend on what the change found, such as a consent already recorded. On PostgreSQL the
   * change runs on the audit log's connection, so its statements count as `kind="audit"`.
   */
  changeWithRecords<DB, T>(actor: AuditActor, change: (trx: Kysely<DB>) => Promise<T>, entriesFor: (result: T) => AuditEntry[]): Promise<T> {
    return this.changeWithRecordsAndHead(actor, change, entriesFor).then(({ result }) => result);
  }

  /** changeWithRecords, with the chain head after the change's records (null when it wrote none). */
  changeWithRecordsAndHead<DB, T>(actor: AuditActor, change: (trx: Kysely<DB>) => Promise<T>, entriesFor: (result: T) => AuditEntry[]): Promise<{ result: T; head: ChainHead | null }> {
    return inSpan('audit.append', { 'finsam.audit.with_change': true }, (span) => this.enqueue({
      actor, entries: [],
      change: {
        run: (trx) => change(trx as unknown as Kysely<DB>),
        entriesFor: (result) => {
          const entries = entriesFor(result as T);
          span?.setAttributes(recordAttributes(entries));
          return entries;
        },
      },
    }) as Promise<{ result: T; head: ChainHead | null }>);
  }

  private enqueue(write: Omit<PendingWrite, 'done'>): Promise<Written> {
    return new Promise((resolve, reject) => {
      this.pending.push({ ...write, done: (error, written) => (error ? reject(error) : resolve(written!)) });
      this.flushing ??= this.flush();
    });
  }

  /** Plain appends go together; a change goes alone, in its own transaction. Order is kept. */
  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const firstChange = this.pending.findIndex((write) => write.change);
      const batch = this.pending.splice(0, firstChange === 0 ? 1 : firstChange < 0 ? this.pending.length : firstChange);
      try {
        const { result, heads } = await this.write(batch);
        for (const [i, item] of batch.entries()) item.done(undefined, { result, head: heads[i] ?? null });
      } catch (error) {
        for (const item of batch) item.done(error);
      }
    }
    this.flushing = null;
  }

  /** Writes a batch; gives the change's result and, per item of the batch, the head after its own records. */
  private async write(batch: PendingWrite[]): Promise<{ result: unknown; heads: (ChainHead | null)[] }> {
    const change = batch[0]!.change;
    const rowsAfter = (result: unknown) => batch.flatMap(({ actor, entries }, item) =>
      [...entries, ...(change ? change.entriesFor(result) : [])].map((entry) => ({ actor, entry, item })));
    if (this.dialect === 'postgres') {
      return this.db.transaction().execute(async (trx) => {
        // Several replicas may write this store: the lock makes the chain one chain.
        await sql`SELECT pg_advisory_xact_lock(hashtext('audit_log'))`.execute(trx);
        const result = change ? await change.run(trx) : undefined;
        const { heads } = await this.insert(trx, await this.readHead(trx), rowsAfter(result), batch.length);
        return { result, heads };
      });
    }
    // The head is kept in memory, but a short-lived process (the statistics release job) may append
    // to this store's log too: a record number taken meanwhile fails the whole transaction, which
    // is then made again on the head as it now is.
    for (let attempt = 1; ; attempt++) {
      this.head ??= this.readHead(this.db);
      try {
        const head = await this.head;
        const written = change
          ? await this.db.transaction().execute(async (trx) => {
              const result = await change.run(trx);
              return { result, ...await this.insert(trx, head, rowsAfter(result), batch.length) };
            })
          : { result: undefined, ...await this.insert(this.writer ?? this.db, head, rowsAfter(undefined), batch.length) };
        this.head = Promise.resolve(written.head);
        return { result: written.result, heads: written.heads };
      } catch (error) {
        this.head = null;
        if (attempt < SEQ_TAKEN_ATTEMPTS && /UNIQUE constraint failed: audit_log\.seq/.test((error as Error).message)) continue;
        throw error;
      }
    }
  }

  /**
   * Inserts the records after `head`; gives the new head and, for each of the batch's `items`,
   * the head after its own last record (null for one with none).
   */
  private async insert(
    db: Kysely<AuditDb> | BackgroundWriter, head: ChainHead, entries: { actor: AuditActor; entry: AuditEntry; item: number }[], items: number,
  ): Promise<{ head: ChainHead; heads: (ChainHead | null)[] }> {
    let { seq, hash } = head;
    const at = new Date().toISOString();
    const heads: (ChainHead | null)[] = new Array<ChainHead | null>(items).fill(null);
    const rows: AuditRow[] = entries.map(({ actor, entry, item }) => {
      const row: Omit<AuditRow, 'hash'> = {
        seq: ++seq, at, actor: actor.actorId, role: actor.role, purpose: actor.purpose, request_id: actor.requestId,
        personnummer: entry.personnummer, agency: entry.agency, fields: JSON.stringify(entry.fields), decision: entry.decision,
        reason: entry.reason, protected_identity: entry.protectedIdentity ? 1 : 0, operation: entry.operation ?? null,
        operation_hash: entry.operationHash ?? null,
        ...(entry.releasedSet ? { member_count: entry.releasedSet.count, member_set_digest: entry.releasedSet.digest } : {}),
        ...(entry.basisDigest ? { basis_digest: entry.basisDigest } : {}),
        ...(entry.withheldFields?.length ? { withheld_fields: JSON.stringify(entry.withheldFields) } : {}),
        ...(actor.forbund ? { forbund: actor.forbund } : {}),
        ...(entry.chainHeads && Object.keys(entry.chainHeads).length > 0 ? { chain_heads: chainHeadsColumn(entry.chainHeads) } : {}),
        prev_hash: hash,
      };
      hash = recordHash(row);
      heads[item] = { seq, hash };
      return { ...row, hash };
    });
    // Each released set once, however often it is released; in the same transaction as its record.
    const sets = [...new Map(entries.flatMap(({ entry }) => (entry.releasedSet ? [[entry.releasedSet.digest, entry.releasedSet] as const] : []))).values()];
    const setInsert = (on: Kysely<AuditDb>, set: ReleasedSet) => on.insertInto('released_member_set')
      .values({ digest: set.digest, member_count: set.count, members: set.compressed.toString('base64') })
      .onConflict((oc) => oc.column('digest').doNothing());
    if ('write' in db) {
      // One transaction on the writer thread: all of the records or none.
      const statements: CompiledQuery[] = sets.map((set) => setInsert(this.db, set).compile());
      await insertInChunks(async (chunk) => statements.push(this.db.insertInto('audit_log').values(chunk).compile()), rows);
      await db.write(statements);
    } else {
      for (const set of sets) await setInsert(db, set).execute();
      // Written in order, so that even a write cut off half-way leaves a valid (shorter) chain.
      await insertInChunks((chunk) => db.insertInto('audit_log').values(chunk).execute(), rows);
    }
    return { head: { seq, hash }, heads };
  }

  /** One person's records from the first to the last day given (ISO dates, both included). */
  recordsOf(personnummer: string, from: string | null, to: string): Promise<AuditRow[]> {
    let query = this.db.selectFrom('audit_log').selectAll().where('personnummer', '=', personnummer).where('at', '<', addDays(to, 1));
    if (from !== null) query = query.where('at', '>=', from);
    return query.orderBy('seq').execute();
  }

  /**
   * The persons a statistics release counted, from its record's member_set_digest; null when the
   * set is not kept here. The side table is not in the hash chain: the set is given back only if
   * it still hashes to the digest the chained record holds, so a set changed since throws.
   */
  async releasedMembers(digest: string): Promise<string[] | null> {
    const kept = await readReleasedSet(this.db, digest);
    if (kept === 'missing') return null;
    if (kept === 'changed') throw new Error(`the released set ${digest} does not match its digest (it was changed)`);
    return kept.split('\n').filter((p) => p !== '');
  }
}

/**
 * What one request did with persons' data in one store, gathered while resolvers run and
 * written once before the response leaves. Entries for the same person and decision merge, so
 * a person read through several fields is one record with all the fields.
 */
export class RequestAudit {
  private readonly entries = new Map<string, AuditEntry>();

  /** Whose log the records go to. */
  constructor(readonly agency: AuditLogOwner) {}

  record(entry: Omit<AuditEntry, 'agency'> & { agency?: AuditLogOwner }): void {
    const agency = entry.agency ?? this.agency;
    const key = `${entry.personnummer}|${agency}|${entry.decision}|${entry.reason}|${entry.releasedSet?.digest ?? ''}|${entry.basisDigest ?? ''}|${entry.controller ?? ''}`;
    const existing = this.entries.get(key);
    const withheld = new Set([...(existing?.withheldFields ?? []), ...(entry.withheldFields ?? [])]);
    const fields = [...new Set([...(existing?.fields ?? []), ...entry.fields])].filter((f) => !withheld.has(f));
    if (existing) {
      existing.fields = fields;
      existing.protectedIdentity ||= entry.protectedIdentity;
      if (withheld.size > 0) existing.withheldFields = [...withheld];
    } else {
      this.entries.set(key, { ...entry, agency, fields, ...(withheld.size > 0 ? { withheldFields: [...withheld] } : {}) });
    }
  }

  drain(): AuditEntry[] {
    const all = [...this.entries.values()];
    this.entries.clear();
    return all;
  }
}

export type ChainCheck = { ok: true; records: number } | {
  ok: false; records: number; brokenAt: number; problem: string;
  /** When the chain is intact but ends before a record another store witnessed: the records gone, and who saw the newest. */
  missing?: { from: number; to: number; witness: string };
};

/** A record another store witnessed (a verified checkpoint): it must still be in the chain, unchanged. */
export interface ChainAnchor {
  seq: number;
  hash: string;
  /** Which store holds the checkpoint, and when it was taken: named when the anchor does not hold. */
  witness: string;
  at: string;
  /** What witnessed it, where not a checkpoint: the gateway's record of a request that the store's answer went to. */
  source?: string;
}

/**
 * Recomputes every hash of a store's chain; the first record that does not fit is named. With
 * anchors, each witnessed record must still be there with the hash the witness saw: a tail
 * removed, cut short or rewritten (every hash after the change recomputed) no longer fits one.
 */
export async function verifyChain(db: Kysely<AuditDb>, anchors: readonly ChainAnchor[] = []): Promise<ChainCheck> {
  const anchored = new Map<number, ChainAnchor[]>();
  for (const anchor of anchors) anchored.set(anchor.seq, [...(anchored.get(anchor.seq) ?? []), anchor]);
  const misfit = (seq: number, hash: string) => anchored.get(seq)?.find((anchor) => anchor.hash !== hash);
  const describe = (anchor: ChainAnchor) => (anchor.source ? `${anchor.source} (at ${anchor.at})` : `the checkpoint held by ${anchor.witness} (taken ${anchor.at})`);
  const genesisMisfit = misfit(0, GENESIS_HASH);
  if (genesisMisfit) return { ok: false, records: 0, brokenAt: 0, problem: `${describe(genesisMisfit)} saw an empty log; this one was replaced` };
  let previous = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  const pageSize = 5000;
  // The first record of each released set: the set itself is kept beside the chain, so a chain
  // intact says nothing of it until it is held to the digest the chained record carries.
  const setRecords = new Map<string, number>();
  for (let after = 0; ; ) {
    const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(pageSize).execute();
    for (const raw of rows) {
      const row = { ...raw, seq: Number(raw.seq), protected_identity: Number(raw.protected_identity), member_count: raw.member_count == null ? raw.member_count : Number(raw.member_count) };
      count++;
      if (row.seq !== expectedSeq) return { ok: false, records: count, brokenAt: row.seq, problem: `sequence jumps from ${expectedSeq - 1} to ${row.seq} (a record was removed)` };
      if (row.prev_hash !== previous) return { ok: false, records: count, brokenAt: row.seq, problem: 'does not point to the hash of the record before it' };
      const { hash, ...rest } = row;
      if (recordHash(rest) !== hash) return { ok: false, records: count, brokenAt: row.seq, problem: 'its content does not match its hash (it was changed)' };
      const witnessed = misfit(row.seq, hash);
      if (witnessed) return { ok: false, records: count, brokenAt: row.seq, problem: `${describe(witnessed)} saw another hash here (this record or one before it was rewritten)` };
      if (row.member_set_digest != null && !setRecords.has(row.member_set_digest)) setRecords.set(row.member_set_digest, row.seq);
      previous = hash;
      expectedSeq++;
    }
    if (rows.length < pageSize) break;
    after = Number(rows[rows.length - 1]!.seq);
  }
  const beyond = anchors.filter((anchor) => anchor.seq >= expectedSeq).sort((a, b) => b.seq - a.seq)[0];
  if (beyond) {
    return {
      ok: false, records: count, brokenAt: expectedSeq, problem: `${describe(beyond)} saw records up to ${beyond.seq}; the log ends at ${expectedSeq - 1} (its tail was removed)`,
      missing: { from: expectedSeq, to: beyond.seq, witness: describe(beyond) },
    };
  }
  for (const [digest, seq] of setRecords) {
    const problem = await releasedSetProblem(db, digest);
    if (problem) return { ok: false, records: count, brokenAt: seq, problem };
  }
  return { ok: true, records: count };
}

/** Why the released set a record names no longer fits its digest, or null when it does. */
async function releasedSetProblem(db: Kysely<AuditDb>, digest: string): Promise<string | null> {
  const kept = await readReleasedSet(db, digest);
  if (kept === 'missing') return 'the persons its statistics release counted are no longer kept beside the log (the set was removed)';
  if (kept === 'changed') return 'the persons its statistics release counted, kept beside the log, no longer match its digest (the set was changed)';
  return null;
}

/**
 * A released set as kept beside the log (its members, one per line), only if it still hashes to
 * the digest: the side table is not in the hash chain, so only the digest says it is unchanged.
 */
async function readReleasedSet(db: Kysely<AuditDb>, digest: string): Promise<string | 'missing' | 'changed'> {
  const row = await db.selectFrom('released_member_set').select('members').where('digest', '=', digest).executeTakeFirst();
  if (!row) return 'missing';
  let list: string;
  try {
    list = inflateRawSync(Buffer.from(row.members, 'base64')).toString('utf8');
  } catch {
    return 'changed';
  }
  return createHash('sha256').update(list).digest('hex') === digest ? list : 'changed';
}
