import type { Kysely } from 'kysely';
import { auditMigrations, type AuditDb, type AuditEntry, type AuditLog } from '@finsam/kit/audit';
import { intFromEnv } from '@finsam/kit/config';
import { sharedRead } from '@finsam/kit/expiring-cache';
import { databaseUrlFor, openDatabase, type Migrations, type StatementKind } from '@finsam/kit/database';
import type { Logger } from '@finsam/kit/logger';

/**
 * The förbund's list of analysts, in the gateway's own store (docs/analysts.md, "Who is an
 * analyst"). A token proves who signed in; it does not say the förbund took that person on as
 * an analyst. Coordination keeps each analyst's query budget and differencing memory by the
 * token's `sub`, so while any `sub` was served, a second identity from the same issuer got a
 * fresh budget and memory (two identities splitting each close pair: 0 refusals in 218
 * queries). The gateway serves analyst tokens only for a `sub` on this list
 * (plugins/use-known-analysts.ts); `npm run analysts` keeps it (analysts-cli.ts).
 */
export interface KnownAnalystTable {
  /** The token's `sub`, as the förbund's issuer writes it. */
  sub: string;
  /** Who it is, for the administrator reading the list; never sent to a subgraph or logged. */
  name: string | null;
  added_at: string;
  /**
   * When the analyst was taken off the list, else null. The row stays: the list's history says
   * who was an analyst when, beside the audit log's records of their requests, and a fixture
   * analyst removed from a dev store is not added back at the next start (seedDevAnalysts).
   */
  removed_at: string | null;
}

export interface KnownAnalystDb {
  known_analyst: KnownAnalystTable;
}

/** The gateway's own versioned migrations (the audit log's are the kit's); never edit an applied one, add one. */
export const gatewayMigrations: Migrations = {
  '0001_known_analyst': {
    async up(db) {
      await db.schema.createTable('known_analyst')
        .addColumn('sub', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text')
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addColumn('removed_at', 'text')
        .execute();
    },
  },
};

/**
 * The gateway's own store, migrated: its audit log (the kit's tables) and the förbund's list of
 * analysts (known-analysts.ts); `npm run analysts` opens it the same way.
 */
export function openGatewayStore(env: NodeJS.ProcessEnv, directory: string, logger: Logger, onStatement: (kind: StatementKind) => void = () => {}) {
  return openDatabase<AuditDb>({
    store: 'gateway', dataDir: directory, databaseUrl: databaseUrlFor('gateway', env), kitMigrations: auditMigrations, migrations: gatewayMigrations, logger, onStatement,
  });
}

/**
 * The store's connection as the list's code sees it: the store is typed by its audit tables,
 * which the kit's AuditLog takes, and Kysely's types give no second view of one connection.
 */
export const knownAnalystDb = (db: Kysely<AuditDb>) => db as unknown as Kysely<KnownAnalystDb>;

/** How long a read of the list is used before it is read again: a removal holds from at most this much later. */
export const KNOWN_ANALYSTS_MAX_AGE_MS = 5000;

export function knownAnalystsMaxAgeMs(env: NodeJS.ProcessEnv = process.env): number {
  return intFromEnv('KNOWN_ANALYSTS_MAX_AGE_MS', KNOWN_ANALYSTS_MAX_AGE_MS, env);
}

export interface KnownAnalyst { sub: string; name: string | null; addedAt: string }

/** The analysts on the list now, by `sub`. */
export async function listKnownAnalysts(db: Kysely<KnownAnalystDb>): Promise<KnownAnalyst[]> {
  const rows = await db.selectFrom('known_analyst').select(['sub', 'name', 'added_at']).where('removed_at', 'is', null).orderBy('sub').execute();
  return rows.map((row) => ({ sub: row.sub, name: row.name, addedAt: row.added_at }));
}

/** Puts `sub` on the list (back on it, if it was removed); a name given replaces the one held. Whether it was on the list already. */
export async function addKnownAnalyst(db: Kysely<KnownAnalystDb>, sub: string, name: string | null, now = new Date()): Promise<'added' | 'already known'> {
  return db.transaction().execute((trx) => addKnownAnalystIn(trx, sub, name, now));
}

/** addKnownAnalyst inside a transaction the caller holds (the audit log's, so the change and its record are one). */
export async function addKnownAnalystIn(trx: Kysely<KnownAnalystDb>, sub: string, name: string | null, now = new Date()): Promise<'added' | 'already known'> {
  {
    const existing = await trx.selectFrom('known_analyst').select(['removed_at', 'name']).where('sub', '=', sub).executeTakeFirst();
    if (!existing) {
      await trx.insertInto('known_analyst').values({ sub, name, added_at: now.toISOString(), removed_at: null }).execute();
      return 'added';
    }
    if (existing.removed_at === null) {
      if (name !== null && name !== existing.name) await trx.updateTable('known_analyst').set({ name }).where('sub', '=', sub).execute();
      return 'already known';
    }
    await trx.updateTable('known_analyst').set({ name: name ?? existing.name, added_at: now.toISOString(), removed_at: null }).where('sub', '=', sub).execute();
    return 'added';
  }
}

/** Takes `sub` off the list; whether it was on it. */
export async function removeKnownAnalyst(db: Kysely<KnownAnalystDb>, sub: string, now = new Date()): Promise<boolean> {
  const result = await db.updateTable('known_analyst').set({ removed_at: now.toISOString() }).where('sub', '=', sub).where('removed_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * The fixture analysts (`analyst-1` …, dev-issuer.ts) put on the list of a store that has never
 * held them: called only where the embedded dev issuer signs the tokens, so that `npm start` and
 * the tests serve `npm run token -- --role analyst` at once, while a gateway trusting a real
 * issuer (JWKS_URL) serves no fixture name. A fixture analyst once removed stays removed.
 */
export async function seedDevAnalysts(db: Kysely<KnownAnalystDb>, subs: readonly string[], now = new Date()): Promise<void> {
  if (subs.length === 0) return;
  await db.insertInto('known_analyst')
    .values(subs.map((sub) => ({ sub, name: FIXTURE_ANALYST_NAME, added_at: now.toISOString(), removed_at: null })))
    .onConflict((c) => c.column('sub').doNothing())
    .execute();
}

/** The audit decision of each change to the list: an analyst put on it is recorded, one taken off revoked. */
const LIST_CHANGE_DECISION = { ANALYST_ADDED: 'RECORDED', ANALYST_REMOVED: 'REVOKED', FIXTURE_ANALYST_RETIRED: 'REVOKED' } as const;

/**
 * A change to the list as a record in the gateway's audit chain, written in one transaction with
 * the change: who may read the förbund's statistics is itself on record.
 */
export function analystListRecord(sub: string, reason: keyof typeof LIST_CHANGE_DECISION): AuditEntry {
  return { personnummer: null, agency: 'GATEWAY', fields: [`knownAnalyst.${sub}`], decision: LIST_CHANGE_DECISION[reason], reason, protectedIdentity: false };
}


/** The name a fixture analyst is put on the list with, which tells it from an analyst an administrator added. */
export const FIXTURE_ANALYST_NAME = 'fixture analyst (dev issuer)';

/**
 * Takes the fixture analysts still on the list as fixtures off it, each with a record in the
 * gateway's audit chain, in one transaction on the audit log's connection to the store: called where the gateway trusts a real issuer
 * (JWKS_URL), which could sign `analyst-1` for anyone, so a store first used with the dev issuer
 * does not keep serving those names. A fixture name the administrator gave a name of their own
 * (`npm run analysts -- add analyst-1 --name …`) is theirs and stays. Returns the subs taken off.
 */
export async function retireDevAnalysts(audit: AuditLog, subs: readonly string[], now = new Date()): Promise<string[]> {
  if (subs.length === 0) return [];
  const actor = { actorId: 'gateway', role: 'system', purpose: 'ANALYST_LIST', requestId: `fixture-analysts-${now.toISOString()}` };
  return audit.changeWithRecords<KnownAnalystDb, string[]>(actor, async (trx) => {
    const fixtures = await trx.selectFrom('known_analyst').select('sub')
      .where('sub', 'in', subs).where('name', '=', FIXTURE_ANALYST_NAME).where('removed_at', 'is', null).orderBy('sub').execute();
    const retired = fixtures.map((row) => row.sub);
    if (retired.length > 0) await trx.updateTable('known_analyst').set({ removed_at: now.toISOString() }).where('sub', 'in', retired).execute();
    return retired;
  }, (retired) => retired.map((sub) => analystListRecord(sub, 'FIXTURE_ANALYST_RETIRED')));
}

/**
 * Whether a `sub` is on the list, read as a whole set at most once per `maxAgeMs` (callers
 * arriving while a read runs wait for that one). A flood of valid tokens for unknown subs thus
 * costs the store one small read per interval, and a removal or an addition holds at most
 * `maxAgeMs` later. A read that fails is not kept: the request it answers fails (500), the next
 * one reads again; nobody is served on a list that could not be read.
 */
export class KnownAnalysts {
  private readonly current: () => Promise<ReadonlySet<string>>;

  constructor(db: Kysely<KnownAnalystDb>, readonly maxAgeMs = KNOWN_ANALYSTS_MAX_AGE_MS, now: () => number = Date.now) {
    this.current = sharedRead(async () => new Set((await listKnownAnalysts(db)).map((a) => a.sub)), maxAgeMs, now);
  }

  async isKnown(sub: string): Promise<boolean> {
    return (await this.current()).has(sub);
  }
}
