import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Kysely } from 'kysely';
import { fetch as undiciFetch } from 'undici';
import { AGENCY_TABLE, type Agency } from './agencies.ts';
import { releasedSet, type AuditActor, type AuditEntry, type AuditLog } from './audit.ts';
import { cohortDefinition, type CategoryCount } from './cohort.ts';
import { consentCovers } from './consent.ts';
import type { Migrations } from './database.ts';
import { todayIso, type IsoDate } from './dates.ts';
import { ERROR_CODES, REFUSAL_REASONS, isErrorCode, isRefusalReason, type BasisRefusal, type ErrorCode } from './error-catalogue.ts';
import { failure, success, valueOrThrow, type Result } from './errors.ts';
import { sharedRead } from './expiring-cache.ts';
import { readBody } from './http.ts';
import type { Logger } from './logger.ts';
import type { ReleaseBasisVerifier } from './release-basis.ts';
import { answersInListOrder, encodeAnswers, type Answers } from './signal-statistics.ts';
import {
  RELEASES_PER_YEAR_WITH_YEAR, RHO_PER_YEAR_OF_SCHEDULE, STATISTICS_RELEASE_ACTOR, STATISTICS_RELEASE_PATH, agencyFigures, agencyReleaseRows, agencyReleaseWorkload,
  compactRelease, cryptoRandom, isReleasePeriod, memberListProblem, protectTables, releasesForPeriod, rhoOfPeriod, wholeMonths,
  type AgencyReleaseAnswer, type AgencyReleaseRequest, type CompactRelease, type RandomSource, type ReleaseMember, type ReleaseMemberList, type StatisticsRelease,
} from './statistics-release/index.ts';
import type { SubgraphRequest } from './subgraph.ts';
import { connectionFailure, internalAgent } from './tls.ts';

/**
 * An agency's statistics release, the agency's side (docs/statistics-release.md, "The agencies'
 * releases"): the route coordination's release job POSTs a period's member list to, the store of
 * the releases it draws, and the resolver that answers an analyst's cohort from them. Written once
 * here; each agency gives only what it knows (`AgencyStatisticsRelease`: its kinds of category,
 * each member's categories, its answers to the signal questions).
 */

/** One kind of category an agency releases: its name (the field of its Cohort figures), its categories and k. */
export interface ReleaseKind<K extends string = string> {
  name: K;
  /**
   * Every category of the kind, in the order the figures list them, whoever the register holds:
   * a category listed only when someone has it would tell, and a domain read from the register
   * could be empty.
   */
  domain: readonly string[];
  /**
   * k: the most categories of this kind one member is counted in (the first k in the domain's
   * order); its tables' noise is σ² = k/(2ρ). Chosen from the seed's figures, said where it is set.
   */
  valuesPerPerson: number;
}

/** What an agency subgraph provides for its statistics release (`SubgraphDefinition.statisticsRelease`). */
export interface AgencyStatisticsRelease<TContext, K extends string = string> {
  kinds: readonly ReleaseKind<K>[];
  /**
   * Each member's categories of each kind as of `asOf` (`[kind][i]` for `members[i]`; [] for
   * none), from the agency's own register. The same rules as everything else the agency says of
   * a person, so the release and the person view cannot drift.
   */
  categories(members: readonly string[], asOf: IsoDate, ctx: TContext): Promise<Record<K, readonly (readonly string[])[]>>;
  /** The agency's answers to the signal questions on the members, in their order (`agencyEntryResolvers`' signalFacts). */
  signalFacts(members: readonly string[], ctx: TContext): Promise<Answers<string>>;
}

/** The releases an agency has drawn, one per period, never replaced: a second draw would spend the budget again. */
export interface AgencyReleaseDb {
  agency_statistics_release: {
    /** `YYYY-MM` or `YYYY`. */
    period: string;
    /** `YYYY`: a ledger sums ρ by it. */
    year: string;
    made_at: string;
    /** The day the categories are as of (the list's asOf). */
    as_of: string;
    /** ρ spent (zCDP) and asked for; δ and ε of (ε, δ)-DP per release. */
    rho: number;
    rho_requested: number;
    delta: number;
    epsilon: number;
    table_count: number;
    cell_count: number;
    /** The StatisticsRelease as JSON: protected cells, workload, domains and every parameter. No true count is stored. */
    release: string;
  };
}

/**
 * The kit's table in every subgraph store (subgraphKitMigrations): only an agency writes it; in
 * coordination's it stays empty (coordination keeps its own releases in `statistics_release`).
 * `double precision` is SQLite's REAL and PostgreSQL's float8.
 */
export const agencyReleaseMigrations: Migrations = {
  '0008_agency_statistics_release': {
    async up(db) {
      await db.schema.createTable('agency_statistics_release')
        .addColumn('period', 'text', (c) => c.primaryKey())
        .addColumn('year', 'text', (c) => c.notNull())
        .addColumn('made_at', 'text', (c) => c.notNull())
        .addColumn('as_of', 'text', (c) => c.notNull())
        .addColumn('rho', 'double precision', (c) => c.notNull())
        .addColumn('rho_requested', 'double precision', (c) => c.notNull())
        .addColumn('delta', 'double precision', (c) => c.notNull())
        .addColumn('epsilon', 'double precision', (c) => c.notNull())
        .addColumn('table_count', 'integer', (c) => c.notNull())
        .addColumn('cell_count', 'integer', (c) => c.notNull())
        .addColumn('release', 'text', (c) => c.notNull())
        .execute();
    },
  },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- an agency's store holds this table beside its own, which its DB type does not name
const releaseStore = (db: Kysely<any>) => db as Kysely<AgencyReleaseDb>;

/** How long the list of stored periods is reused before it is read again: another replica's release is served within this. */
export const AGENCY_RELEASES_MAX_AGE_MS = 30_000;

const readers = new WeakMap<object, () => Promise<Map<string, CompactRelease>>>();

/**
 * Every stored release by period, parsed and made compact once (a release never changes); the
 * list of periods is read again at most every AGENCY_RELEASES_MAX_AGE_MS, as coordination's
 * `releasesOf`. A release this process stores is served at once (`storeAgencyRelease` forgets the list).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any agency's store
export function agencyReleasesOf(db: Kysely<any>): Promise<Map<string, CompactRelease>> {
  let read = readers.get(db);
  if (!read) {
    const parsed = new Map<string, CompactRelease>();
    read = sharedRead(async () => {
      const store = releaseStore(db);
      const periods = (await store.selectFrom('agency_statistics_release').select('period').execute()).map((r) => r.period);
      const missing = periods.filter((p) => !parsed.has(p));
      if (missing.length > 0) {
        for (const row of await store.selectFrom('agency_statistics_release').select(['period', 'release']).where('period', 'in', missing).execute()) {
          parsed.set(row.period, compactRelease(JSON.parse(row.release) as StatisticsRelease));
        }
      }
      return new Map([...parsed].sort(([a], [b]) => a.localeCompare(b)));
    }, AGENCY_RELEASES_MAX_AGE_MS);
    readers.set(db, read);
  }
  return read();
}

/** The stored release of a period, or undefined. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any agency's store
export function storedAgencyRelease(db: Kysely<any>, period: string) {
  return releaseStore(db).selectFrom('agency_statistics_release').select(['period', 'cell_count', 'made_at']).where('period', '=', period).executeTakeFirst();
}

/** Stores a period's release unless it is stored already (by another call meanwhile): true when stored. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any agency's store
async function storeAgencyRelease(db: Kysely<any>, row: AgencyReleaseDb['agency_statistics_release']): Promise<boolean> {
  const result = await releaseStore(db).insertInto('agency_statistics_release').values(row).onConflict((oc) => oc.column('period').doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/**
 * The largest request body taken: a period's list of 100,000 members is about 32 MB signed and
 * sealed (kit test agency-release.test.ts); a year of an association twice that size fits.
 */
export const MAX_RELEASE_REQUEST_BYTES = 64_000_000;

/** A refusal of the route, in the contract's shape (`{ error: { code, reason, message } }`); never a stack. */
function sendRefusal(response: ServerResponse, status: number, error: { code: ErrorCode; reason?: BasisRefusal; message: string }, bodyUnread = false): void {
  // A body left unread is not buffered, nor left to hold a kept-alive connection.
  if (bodyUnread) response.setHeader('connection', 'close');
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify({ error }));
}

export interface StatisticsReleaseRouteOptions<TContext> {
  agency: Agency;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the agency's store, which also holds the kit's tables
  db: Kysely<any>;
  auditLog: AuditLog;
  releaseBases: ReleaseBasisVerifier;
  logger: Logger;
  release: AgencyStatisticsRelease<TContext>;
  /**
   * The agency's context for the job's reads (its DataLoaders over its store); for an agency of
   * many controllers, with the controllers whose data counts for each member.
   */
  context: (requestId: string, controllersOfMember?: ReadonlyMap<string, ReadonlySet<string>>) => TContext;
  /** The codes of the controllers behind the agency (controllers.ts); absent or empty for an agency that is one authority. */
  controllers?: readonly string[];
  /** The agency's own förbund (FORBUND_ID): the one whose releases it keeps. */
  ownForbund: string;
  /** cryptoRandom in production; a seeded source in tests only. */
  random?: RandomSource;
}

/**
 * POST STATISTICS_RELEASE_PATH: coordination's release job hands the agency a period's cohort
 * (AgencyReleaseRequest). The agency verifies the basis for the period, keeps the members whose
 * consent it finds covering it on the list's day, and
 * - the first time for the period, protects its categories of them by the release's dimensions
 *   and stores the release, in one transaction with an audit record (STATISTICS_RELEASE, the set
 *   of members counted beside it); a period already stored is never drawn again (a second draw
 *   would spend its budget a second time), whatever list comes with the call;
 * - every time, answers the signal questions on every listed member in list order, a member not
 *   counted answered as not released, logged as one record (SIGNAL_STATISTICS, the set beside it).
 * Only protected cells and yes/no answers leave; no personnummer is logged or answered.
 */
export function statisticsReleaseRoute<TContext>(options: StatisticsReleaseRouteOptions<TContext>) {
  const { logger } = options;
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const requestId = String(response.getHeader('x-request-id') ?? STATISTICS_RELEASE_ACTOR);
    try {
      if (request.method !== 'POST') {
        response.setHeader('allow', 'POST');
        return sendRefusal(response, 405, { code: 'METHOD_NOT_ALLOWED', message: `Use POST with ${'{ "basis": …, "period": … }'}.` }, true);
      }
      const tooLarge = { code: 'PAYLOAD_TOO_LARGE', message: `A release request is at most ${MAX_RELEASE_REQUEST_BYTES} bytes.` } as const;
      if (Number(request.headers['content-length'] ?? 0) > MAX_RELEASE_REQUEST_BYTES) return sendRefusal(response, 413, tooLarge, true);
      const raw = await readBody(request, MAX_RELEASE_REQUEST_BYTES);
      if (raw === null) return sendRefusal(response, 413, tooLarge);
      const asked = releaseRequest(raw);
      if (!asked.ok) return sendRefusal(response, 400, { code: 'BAD_REQUEST', message: asked.refusal.message });
      const answer = await release(options, asked.value, requestId);
      if (!answer.ok) {
        const { code, reason, message } = answer.refusal;
        // A refusal is the whole response here, not an error inside a GraphQL answer: FORBIDDEN is 403.
        return sendRefusal(response, code === 'FORBIDDEN' ? 403 : ERROR_CODES[code].status, { code, ...(reason ? { reason: reason as BasisRefusal } : {}), message });
      }
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(answer.value satisfies AgencyReleaseAnswer));
    } catch (error) {
      logger.error({ requestId, err: (error as Error).message }, 'statistics release failed');
      if (!response.headersSent) sendRefusal(response, 500, { code: 'INTERNAL_SERVER_ERROR', message: 'Internal error.' });
      else response.end();
    }
  };
}

/** The body as the contract has it, or why not (a period must be named for the basis to be verified at all). */
function releaseRequest(raw: string): Result<{ basis: unknown; period: string }> {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return failure('BAD_REQUEST', 'The request body is not valid JSON.');
  }
  const { basis, period } = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Partial<Record<keyof AgencyReleaseRequest, unknown>>;
  if (typeof period !== 'string' || !isReleasePeriod(period)) return failure('BAD_REQUEST', 'The body must be { "basis": <signed basis>, "period": "YYYY-MM" or "YYYY" }.');
  return success({ basis, period });
}

/** The release (drawn now or found stored) and the answers, or the refusal to send. */
async function release<TContext>(options: StatisticsReleaseRouteOptions<TContext>, asked: { basis: unknown; period: string }, requestId: string): Promise<Result<AgencyReleaseAnswer>> {
  const { agency, db, auditLog, logger } = options;
  const { period } = asked;
  const started = Date.now();
  const fields = [`statisticsRelease.${period}`];
  // The job acts for no person; the request it presents itself as is what the log keeps, verified or not.
  const actor: AuditActor = { actorId: STATISTICS_RELEASE_ACTOR, role: 'job', purpose: 'STATISTICS_RELEASE', requestId };
  const refuse = async (reason: BasisRefusal | 'STATISTICS_OTHER_FORBUND', why: string): Promise<Result<AgencyReleaseAnswer>> => {
    await auditLog.append(actor, [{ personnummer: null, agency, fields, decision: 'REFUSED', reason, protectedIdentity: false }]);
    logger.warn({ requestId, period, reason }, 'statistics release refused');
    return failure('FORBIDDEN', `Nothing is released for ${period}: ${why}.`, { reason, agency });
  };

  const basis = await options.releaseBases.statistics(agency, asked.basis, period);
  if (!basis.ok) return refuse(basis.reason, REFUSAL_REASONS[basis.reason].because);
  // One release per period, whoever hands it over: until they are kept per förbund, only the agency's own förbund's job is served.
  if (basis.forbund !== options.ownForbund) return refuse('STATISTICS_OTHER_FORBUND', REFUSAL_REASONS.STATISTICS_OTHER_FORBUND.because);
  let parsed: unknown;
  try {
    parsed = JSON.parse(basis.list);
  } catch {
    parsed = null;
  }
  const today = todayIso();
  const problem = memberListProblem(parsed, agency, period, today);
  // Signed by coordination for this agency and period, yet not a list for them: the basis does not hold.
  if (problem && problem.of !== 'shape') return refuse(problem.of === 'agency' ? 'BASIS_OTHER_AGENCY' : 'BASIS_INVALID', problem.problem);
  if (problem) {
    logger.warn({ requestId, period, problem: problem.problem }, 'statistics release: the member list is not one the contract allows');
    return failure('BAD_REQUEST', `The member list for ${period} is not as the contract has it: ${problem.problem}.`);
  }
  const list = parsed as ReleaseMemberList;
  // The agency decides on the consent itself, on the list's day, from the evidence coordination signed;
  // an agency of many controllers counts a member only with the data of the controllers a consent names.
  const served = new Set(options.controllers ?? []);
  const namedHere = (m: ReleaseMember) => (m.controllers ?? []).filter((code) => served.has(code));
  const counted = list.members.map((m) => consentCovers([{ agency, validFrom: m.consentValidFrom, validTo: m.consentValidTo, revokedAt: null }], agency, list.asOf).covered
    && (served.size === 0 || namedHere(m).length > 0));
  const members = list.members.filter((_, i) => counted[i]);
  const personnummer = members.map((m) => m.personnummer);
  const ctx = options.context(requestId, served.size === 0 ? undefined : new Map(members.map((m) => [m.personnummer, new Set(namedHere(m))])));

  const answers = answersInListOrder(counted, await options.release.signalFacts(personnummer, ctx));
  const set = releasedSet(personnummer);
  const signalRecord: AuditEntry = {
    personnummer: null, agency, fields: [`${fields[0]}.signalFacts`], decision: 'RELEASED', reason: 'SIGNAL_STATISTICS', protectedIdentity: false, releasedSet: set, basisDigest: basis.digest,
  };

  let stored = await storedAgencyRelease(db, period);
  let drawn = false;
  if (!stored) {
    const drawnRelease = await drawRelease(options.release, list, members, ctx, options.random ?? cryptoRandom);
    const row = {
      period, year: period.slice(0, 4), made_at: drawnRelease.computedAt, as_of: list.asOf, rho: drawnRelease.rho, rho_requested: drawnRelease.rhoRequested,
      delta: drawnRelease.privacy.delta, epsilon: drawnRelease.privacy.epsilonPerRelease, table_count: drawnRelease.tables.length,
      cell_count: drawnRelease.tables.reduce((n, t) => n + t.cells.length, 0), release: JSON.stringify(drawnRelease),
    };
    // The release and the record of whom it counted in one transaction: neither is ever without the other.
    drawn = await auditLog.changeWithRecords<AgencyReleaseDb, boolean>(actor, (trx) => storeAgencyRelease(trx, row), (isStored) => [
      ...(isStored ? [{ personnummer: null, agency, fields, decision: 'RELEASED' as const, reason: 'STATISTICS_RELEASE', protectedIdentity: false, releasedSet: set, basisDigest: basis.digest }] : []),
      signalRecord,
    ]);
    if (drawn) readers.delete(db);
    // Stored by another call meanwhile: this draw is discarded unpublished, so it spent nothing.
    stored = drawn ? { period, cell_count: row.cell_count, made_at: row.made_at } : await storedAgencyRelease(db, period);
  } else {
    await auditLog.append(actor, [signalRecord]);
  }
  const answer: AgencyReleaseAnswer = {
    period, alreadyReleased: !drawn, cells: stored!.cell_count, counted: members.length, signalFacts: encodeAnswers(basis.list, answers),
  };
  logger.info({ requestId, period, listed: list.members.length, counted: members.length, alreadyReleased: answer.alreadyReleased, cells: answer.cells, ms: Date.now() - started },
    answer.alreadyReleased ? 'statistics release: period already released, not drawn again' : 'statistics release drawn and stored');
  return success(answer);
}

/** The period's release of the agency's categories of the counted members, as of the list's day. */
async function drawRelease<TContext>(
  release: AgencyStatisticsRelease<TContext>, list: ReleaseMemberList, members: ReleaseMemberList['members'], ctx: TContext, random: RandomSource,
): Promise<StatisticsRelease> {
  const categories = await release.categories(members.map((m) => m.personnummer), list.asOf, ctx);
  const workload = agencyReleaseWorkload(release.kinds, list.domains);
  return protectTables(agencyReleaseRows(members, categories, list.asOf), workload, rhoOfPeriod(list.period), random, {
    period: list.period, releasesPerYear: RELEASES_PER_YEAR_WITH_YEAR, rhoPerYear: RHO_PER_YEAR_OF_SCHEDULE,
  });
}

/**
 * `Cohort.<the agency's sectorField>` answered from the agency's stored releases: the cohort's
 * period and filter are read from its id (cohortDefinition), its months and years chosen by
 * releasesForPeriod, and each category's count is the sum of the protected cells of the one
 * table of the filter's dimensions (agencyFigures). Nothing per member is read, so asking again
 * or differencing two cohorts learns nothing the releases did not publish, and no count is
 * suppressed. For analysts only; the read is logged as one record without any personnummer.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any agency's store
export function releasedCohortFigures<TContext extends SubgraphRequest & { db: Kysely<any> }, K extends string>(
  agency: Agency, release: { kinds: readonly { name: K }[] },
) {
  const { sectorField, english } = AGENCY_TABLE[agency];
  const kinds = release.kinds.map((kind) => kind.name);
  return async (cohort: { id?: unknown }, _args: unknown, ctx: TContext): Promise<Record<K, CategoryCount[]>> => {
    const fields = [`cohort.${sectorField}`];
    if (ctx.caller.role !== 'analyst') {
      ctx.audit.record({ personnummer: null, fields, decision: 'REFUSED', reason: 'ROLE_NOT_ALLOWED', protectedIdentity: false });
      return valueOrThrow(failure('FORBIDDEN', `${english.name} releases cohort figures to the analyst role only.`, { reason: 'ROLE_NOT_ALLOWED', agency }));
    }
    // The releases are the agency's own förbund's: an analyst of another förbund would read that förbund's figures as theirs.
    if (ctx.caller.forbund !== undefined && ctx.caller.forbund !== ctx.ownForbund) {
      ctx.audit.record({ personnummer: null, fields, decision: 'REFUSED', reason: 'STATISTICS_OTHER_FORBUND', protectedIdentity: false });
      return valueOrThrow(failure('FORBIDDEN', `${english.name} keeps statistics releases for its own samordningsförbund only.`, { reason: 'STATISTICS_OTHER_FORBUND', agency }));
    }
    const definition = valueOrThrow(cohortDefinition(String(cohort.id)));
    const { fromMonth, toMonth } = valueOrThrow(wholeMonths(definition.from, definition.to));
    const released = await agencyReleasesOf(ctx.db);
    const releases = valueOrThrow(releasesForPeriod(released, fromMonth, toMonth, `month of the statistics release of ${english.inSentence}`));
    const figures = valueOrThrow(agencyFigures(releases, [...released.values()], kinds, definition.filter));
    ctx.audit.record({ personnummer: null, fields, decision: 'RELEASED', reason: 'FROM_STATISTICS_RELEASE', protectedIdentity: false });
    return Object.fromEntries(kinds.map((kind) => [kind, figures[kind].map(({ category, count }) => ({ category, count: { value: count, suppressed: false } }))])) as Record<K, CategoryCount[]>;
  };
}

/** Where an agency takes release requests: its GraphQL URL (the gateway's `<NAME>_URL`) with `/graphql` replaced by STATISTICS_RELEASE_PATH. */
export function agencyReleaseUrl(graphqlUrl: string): string {
  const url = new URL(graphqlUrl);
  url.pathname = url.pathname.replace(/\/graphql\/?$/, '') + STATISTICS_RELEASE_PATH;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/**
 * Coordination's release job's side: POSTs a period's signed list to the agency whose GraphQL URL
 * is given (over the graph's own TLS trust, TLS_CA_FILE) and returns its answer, or its refusal
 * with the code and reason it gave (SUBGRAPH_UNAVAILABLE when it could not be reached).
 */
export async function requestAgencyRelease(
  graphqlUrl: string, request: AgencyReleaseRequest, env: NodeJS.ProcessEnv = process.env, timeoutMs = 300_000,
): Promise<Result<AgencyReleaseAnswer>> {
  const connections = internalAgent(env);
  const url = agencyReleaseUrl(graphqlUrl);
  try {
    const response = await undiciFetch(url, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request), dispatcher: connections, signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await response.json().catch(() => null) as (AgencyReleaseAnswer & { error?: { code?: unknown; reason?: unknown; message?: unknown } }) | null;
    if (response.status === 200 && body && typeof body.signalFacts === 'string') return success(body);
    const error = body?.error;
    const code = isErrorCode(error?.code) ? error.code : 'INTERNAL_SERVER_ERROR';
    const message = typeof error?.message === 'string' ? error.message : `${url} answered HTTP ${response.status}`;
    return { ok: false, refusal: { code, message, status: response.status, ...(isRefusalReason(error?.reason) ? { reason: error.reason } : {}) } };
  } catch (error) {
    return failure('SUBGRAPH_UNAVAILABLE', `${url} could not be reached: ${connectionFailure(error)}`);
  } finally {
    await connections.close();
  }
}
