import { createHash } from 'node:crypto';
import { Kind, type GraphQLError, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { Kysely } from 'kysely';
import { AGENCY_ROWS } from '@finsam/kit/agencies';
import { intFromEnv } from '@finsam/kit/config';
import { toGraphQLError, type ReasonOf } from '@finsam/kit/errors';
import type { CoordinationContext } from './context.ts';
import type { CoordinationDb } from './data.ts';

/**
 * What an analyst may ask of the graph, bounded by what it costs the agencies (docs/analyst-limits.md):
 *
 * - a query budget: each distinct definition asked in a rolling 30 days spends one unit, a
 *   repeat is free (it gives the same figures); the ledger is in coordination's store, so it
 *   survives restarts and is the same for every coordination process on one database;
 * - a work bound: a statistics field touches its members once here and once more at each agency
 *   the request hands them to; the person-touches of one request, and of one analyst over the
 *   last minute, are capped.
 *
 * Both are checked after the matching rows are known and before anything is returned, so that a
 * refused field hands no member to any agency: the cohort field is non-null, so one refused field
 * empties the whole fetch and the gateway's query plan goes no further.
 */

/** What one analyst statistics field asks: its definition (the same definition is the same query) and how many persons it touches. */
export interface StatisticsQuery {
  /** interventionFollowUp or cohort. */
  kind: 'interventionFollowUp' | 'cohort';
  /** The normalised definition (period, filter, grouping); equal definitions are one query. */
  definition: string;
  /** Members of the cohort or participations of the report (protected identities excluded). */
  memberCount: number;
}

export interface AllowanceSettings {
  /** Distinct definitions per analyst per rolling 30 days (ANALYST_QUERY_BUDGET). */
  queryBudget: number;
  /**
   * Person-touches one request may make (ANALYST_PERSONS_PER_REQUEST); null: 8 × the persons in
   * coordination's store, read once.
   */
  personsPerRequest: number | null;
  /** Person-touches one analyst may make over any 60 s (ANALYST_PERSONS_PER_MINUTE). */
  personsPerMinute: number;
}

/**
 * Defaults (figures of a 100,000-person seed: 100,000 participants, at most 25,230 in one
 * samordningsförbund, 114,995 participations):
 * - 300 distinct definitions per 30 days is some 15 new questions each working day, far above what
 *   an analyst writes by hand, and far below the thousands a differencing attack needs;
 * - per request, 8 × the persons coordination holds (800,000 at 100,000): the heaviest single
 *   question, every participant handed to all four agencies (5 × persons, SignalsEveryParticipant),
 *   fits with room for a second, narrower cohort beside it; 20 aliased whole-population signal
 *   cohorts (100 × persons) do not, at any seed. Relative to the store, so that the bound refuses
 *   the same requests at the 2,000-person default as in production;
 * - 1,200,000 per analyst per minute (absolute): at 100,000 persons one whole-population
 *   cross-sector question a minute and a few reports beside it.
 */
export const PERSONS_PER_REQUEST_FACTOR = 8;
export const ALLOWANCE_DEFAULTS: AllowanceSettings = { queryBudget: 300, personsPerRequest: null, personsPerMinute: 1_200_000 };

export const BUDGET_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;
export const WORK_WINDOW_MS = 60 * 1000;

/** The fields by which the gateway's query plan hands a cohort's members to an agency. */
const AGENCY_MEMBER_FIELDS = new Set<string>(AGENCY_ROWS.map((row) => row.membersField));

export function allowanceSettings(env: NodeJS.ProcessEnv = process.env): AllowanceSettings {
  return {
    queryBudget: intFromEnv('ANALYST_QUERY_BUDGET', ALLOWANCE_DEFAULTS.queryBudget, env),
    personsPerRequest: env.ANALYST_PERSONS_PER_REQUEST ? intFromEnv('ANALYST_PERSONS_PER_REQUEST', 0, env) : ALLOWANCE_DEFAULTS.personsPerRequest,
    personsPerMinute: intFromEnv('ANALYST_PERSONS_PER_MINUTE', ALLOWANCE_DEFAULTS.personsPerMinute, env),
  };
}

/**
 * How many times a field's members are worked through: once here, and once at each agency whose
 * members field (agencies.ts) the request selects under the field. The gateway asks coordination for those
 * exactly when that agency's figures are selected, and for all four when `signals` is (the signal
 * facts come from every agency; `signals` itself is fetched afterwards). `signals` selected
 * directly under the field (a call not planned by the gateway) counts once more. Aliases and
 * fragments count once per field name: a fetch that names one agency twice hands it the members once.
 */
export function touchesPerMember(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): number {
  const names = new Set<string>();
  const seen = new Set<string>();
  const walk = (selectionSet: SelectionSetNode | undefined) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (AGENCY_MEMBER_FIELDS.has(name) || name === 'signals') names.add(name);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        walk(info.fragments[selection.name.value]?.selectionSet);
      }
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet);
  return 1 + names.size;
}

type LedgerDb = Kysely<Pick<CoordinationDb, 'analyst_query'>>;

const fmt = (n: number) => n.toLocaleString('en-GB');

function refusal(reason: Extract<ReasonOf<'FORBIDDEN'>, 'QUERY_BUDGET_SPENT' | 'ANALYST_WORK_LIMIT'>, message: string, details: Record<string, unknown>): GraphQLError {
  return toGraphQLError({ code: 'FORBIDDEN', reason, message }, details);
}

/**
 * One per coordination process (its in-memory minute windows), built with the subgraph's env.
 * The budget ledger is in the database.
 */
export class AnalystAllowance {
  readonly settings: AllowanceSettings;
  private readonly now: () => number;
  /** Per analyst, the person-touches admitted in the last minute, oldest first. */
  private readonly recent = new Map<string, { at: number; touches: number }[]>();
  /** Per request (its context), the person-touches admitted so far. */
  private readonly perRequest = new WeakMap<object, number>();
  /** Per analyst, the tail of their budget checks, so that two of their requests cannot both take the last unit. */
  private readonly budgetQueue = new Map<string, Promise<unknown>>();

  constructor(settings: AllowanceSettings = ALLOWANCE_DEFAULTS, options: { now?: () => number } = {}) {
    this.settings = settings;
    this.now = options.now ?? Date.now;
  }

  /** Admits the field or throws a FORBIDDEN GraphQL error with its reason; a refused field spends nothing. */
  async admit(ctx: Pick<CoordinationContext, 'db' | 'caller'>, info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, query: StatisticsQuery): Promise<void> {
    const analyst = ctx.caller.actorId;
    const perMember = touchesPerMember(info);
    const touches = query.memberCount * perMember;
    // Checked and reserved before any await: aliased fields of one request resolve side by side.
    const personsPerRequest = this.settings.personsPerRequest ?? PERSONS_PER_REQUEST_FACTOR * await this.personsInStore(ctx.db);
    const release = this.reserveWork(ctx, analyst, touches, query, perMember, personsPerRequest);
    try {
      await this.spendBudget(ctx.db as unknown as LedgerDb, analyst, query);
    } catch (error) {
      release();
      throw error;
    }
  }

  private persons: Promise<number> | undefined;

  /** The persons in coordination's store (the population), counted once. */
  private personsInStore(db: Kysely<CoordinationDb>): Promise<number> {
    this.persons ??= db.selectFrom('person').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow().then((row) => Number(row.n));
    return this.persons;
  }

  private reserveWork(request: object, analyst: string, touches: number, query: StatisticsQuery, perMember: number, personsPerRequest: number): () => void {
    const { personsPerMinute } = this.settings;
    const field = `${fmt(query.memberCount)} ${query.kind === 'cohort' ? 'members' : 'participations'} × ${perMember} = ${fmt(touches)}`;
    const before = this.perRequest.get(request) ?? 0;
    if (before + touches > personsPerRequest) {
      throw refusal('ANALYST_WORK_LIMIT', `This request would touch ${fmt(before + touches)} person records at coordination and the agencies (this ${query.kind}: ${field}), `
        + `over the limit of ${fmt(personsPerRequest)} per request. Ask fewer or narrower cohorts in one request.`, { limit: personsPerRequest, touches: before + touches });
    }
    const now = this.now();
    const window = (this.recent.get(analyst) ?? []).filter((entry) => entry.at > now - WORK_WINDOW_MS);
    const used = window.reduce((sum, entry) => sum + entry.touches, 0);
    if (used + touches > personsPerMinute) {
      // When enough of the minute's work has aged out for this field to fit.
      let freed = used + touches - personsPerMinute;
      const frees = window.find((entry) => (freed -= entry.touches) <= 0);
      const seconds = frees ? Math.max(1, Math.ceil((frees.at + WORK_WINDOW_MS - now) / 1000)) : 60;
      this.recent.set(analyst, window);
      throw refusal('ANALYST_WORK_LIMIT', `Your requests touched ${fmt(used)} person records in the last minute and this ${query.kind} would add ${field}, `
        + `over the limit of ${fmt(personsPerMinute)} per analyst per minute. Try again in ${seconds} s.`, { limit: personsPerMinute, touches: used + touches, retryAfterSeconds: seconds });
    }
    const entry = { at: now, touches };
    window.push(entry);
    this.recent.set(analyst, window);
    this.perRequest.set(request, before + touches);
    return () => {
      const list = this.recent.get(analyst);
      const i = list?.indexOf(entry) ?? -1;
      if (i >= 0) list!.splice(i, 1);
      this.perRequest.set(request, (this.perRequest.get(request) ?? touches) - touches);
    };
  }

  /** One unit per distinct definition in the last 30 days; a repeat is free. Serialised per analyst. */
  private spendBudget(db: LedgerDb, analyst: string, query: StatisticsQuery): Promise<void> {
    const previous = this.budgetQueue.get(analyst) ?? Promise.resolve();
    const turn = previous.catch(() => undefined).then(() => this.spendBudgetNow(db, analyst, query));
    const tail = turn.catch(() => undefined);
    this.budgetQueue.set(analyst, tail);
    void tail.then(() => { if (this.budgetQueue.get(analyst) === tail) this.budgetQueue.delete(analyst); });
    return turn;
  }

  private async spendBudgetNow(db: LedgerDb, analyst: string, query: StatisticsQuery): Promise<void> {
    const digest = createHash('sha256').update(`${query.kind}\n${query.definition}`).digest('hex');
    const now = this.now();
    const since = new Date(now - BUDGET_WINDOW_MS).toISOString();
    const asked = await db.selectFrom('analyst_query').select(['definition_digest', 'first_asked_at'])
      .where('analyst', '=', analyst).where('first_asked_at', '>', since).orderBy('first_asked_at').execute();
    if (asked.some((row) => row.definition_digest === digest)) return;
    const { queryBudget } = this.settings;
    if (asked.length >= queryBudget) {
      const next = asked.length > 0 ? new Date(Date.parse(asked[asked.length - queryBudget]!.first_asked_at) + BUDGET_WINDOW_MS).toISOString() : null;
      throw refusal('QUERY_BUDGET_SPENT', `Your query budget allows ${fmt(queryBudget)} distinct statistics queries per 30 days, and it is spent. `
        + (next ? `The next unit frees up at ${next}. ` : '') + 'Queries you asked in the last 30 days can be asked again at no cost.', { budget: queryBudget, ...(next ? { nextUnitAt: next } : {}) });
    }
    // A definition last asked more than 30 days ago is asked anew: it spends a unit again.
    await db.insertInto('analyst_query').values({ analyst, definition_digest: digest, first_asked_at: new Date(now).toISOString() })
      .onConflict((oc) => oc.columns(['analyst', 'definition_digest']).doUpdateSet({ first_asked_at: new Date(now).toISOString() }))
      .execute();
  }
}

let processAllowance: AnalystAllowance | undefined;

/** The allowance of a coordination process started on process.env (main.ts). */
export function defaultAllowance(): AnalystAllowance {
  return (processAllowance ??= new AnalystAllowance(allowanceSettings(process.env)));
}

/**
 * Admits an analyst's statistics query, or throws a coded GraphQL error (FORBIDDEN with reason
 * QUERY_BUDGET_SPENT or ANALYST_WORK_LIMIT) before any agency is asked.
 */
export async function admitStatisticsQuery(ctx: CoordinationContext, info: GraphQLResolveInfo, query: StatisticsQuery): Promise<void> {
  if (ctx.caller.role !== 'analyst') return;
  await ctx.allowance.admit(ctx, info, query);
}
