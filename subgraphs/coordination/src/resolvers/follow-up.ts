import type { GraphQLResolveInfo } from 'graphql';
import { cohortId, protectedCount, type CohortDefinition, type CohortFilter } from '@finsam/kit/cohort';
import { addDays, dateProblem } from '@finsam/kit/dates';
import { failure, success, valueOrThrow, type Result } from '@finsam/kit/errors';
import { AGENCIES, type Agency } from '@finsam/kit/agencies';
import { selectedFields } from '@finsam/kit/selection';
import { admitStatisticsQuery } from '../analyst-allowance.ts';
import type { CoordinationContext } from '../context.ts';
import {
  followUpCatalogueOf, followUpSnapshot, interventionsRunning, participationsForFollowUp, releasesOf, type Db, type FollowUpRow,
} from '../data.ts';
import { DifferencingGuard, type BaseSet } from '../differencing-guard.ts';
import { ageBand, groupKeysOf, type Dimension } from '../follow-up.ts';
import { releasedFilter, releasedReport, releasesForPeriod, type FollowUpFigure } from '../released-follow-up.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';


export interface FollowUpArgs {
  from: string;
  to: string;
  groupBy?: Dimension | null;
  filter?: CohortFilter | null;
}


/**
 * A municipality or an intervention can be a filter value only if at least this many persons
 * (protected identities not counted) have taken part in the register: a smaller one would make
 * every cohort over it small, and each of its figures close to one person's.
 */
export const MIN_FILTER_POPULATION = 25;

/** A period of whole months, or the argument that is not. */
function checkedPeriod(args: Pick<FollowUpArgs, 'from' | 'to'>): Result<{ from: string; to: string }> {
  for (const argument of ['from', 'to'] as const) {
    const problem = dateProblem(argument, args[argument]);
    if (problem) return failure('BAD_USER_INPUT', `${problem} Periods are whole months.`, { argument });
  }
  if (!args.from.endsWith('-01')) {
    return failure('BAD_USER_INPUT', `from must be the first day of a month (YYYY-MM-01); got "${args.from}". Periods are whole months.`, { argument: 'from' });
  }
  if (addDays(args.to, 1).slice(8) !== '01') {
    return failure('BAD_USER_INPUT', `to must be the last day of a month (e.g. 2025-06-30); got "${args.to}". Periods are whole months.`, { argument: 'to' });
  }
  if (args.from > args.to) return failure('BAD_USER_INPUT', `from (${args.from}) is after to (${args.to}).`, { argument: 'from' });
  return success({ from: args.from, to: args.to });
}

const analystsOnly = (ctx: CoordinationContext): Result<true> => (ctx.caller.role === 'analyst'
  ? success(true) : failure('FORBIDDEN', 'Intervention follow-up and cohorts are for the analyst role.', { reason: 'ROLE_NOT_ALLOWED' }));

/** The cohort's query space is narrowed on purpose (docs/disclosure-control.md): whole months, one value per filter, known values. */
function checkedDefinition(ctx: CoordinationContext, register: readonly FollowUpRow[], args: CohortDefinition): Result<Required<CohortDefinition>> {
  const role = analystsOnly(ctx);
  if (!role.ok) return role;
  const period = checkedPeriod(args);
  if (!period.ok) return period;
  const filter = args.filter ?? {};
  const populations = filterPopulations(register);
  for (const [argument, values, known, what] of [
    ['filter.interventionIds', filter.interventionIds, populations.interventions, 'intervention id'],
    ['filter.municipalityCodes', filter.municipalityCodes, populations.municipalities, 'kommunkod'],
  ] as const) {
    if (!values || values.length === 0) continue;
    if (values.length > 1) {
      return failure('BAD_USER_INPUT', `${argument} takes one value at most; got ${values.length}. Ask one query per value, or group by it.`, { argument });
    }
    const population = known.get(values[0]!);
    if (population === undefined) return failure('BAD_USER_INPUT', `${argument}: "${values[0]}" is not a known ${what}.`, { argument });
    if (population < MIN_FILTER_POPULATION) {
      return failure('BAD_USER_INPUT', `${argument}: "${values[0]}" has fewer than ${MIN_FILTER_POPULATION} participants, too few to filter by; group by it instead.`, { argument });
    }
  }
  // One written form per definition, so that equal definitions are one query (budget, cohort id).
  const normal: CohortFilter = {};
  if (filter.interventionIds?.length) normal.interventionIds = [...filter.interventionIds];
  if (filter.municipalityCodes?.length) normal.municipalityCodes = [...filter.municipalityCodes];
  if (filter.sex) normal.sex = filter.sex;
  if (filter.ageBand) normal.ageBand = filter.ageBand;
  if (filter.priorityGroup) normal.priorityGroup = filter.priorityGroup;
  return success({ from: args.from, to: args.to, filter: normal });
}

const populationsOf = new WeakMap<readonly FollowUpRow[], { interventions: Map<string, number>; municipalities: Map<string, number> }>();

/** Persons per intervention and per municipality over the whole register, once per snapshot. */
function filterPopulations(register: readonly FollowUpRow[]) {
  let found = populationsOf.get(register);
  if (!found) {
    const count = (key: (r: FollowUpRow) => string) => {
      const persons = new Map<string, Set<string>>();
      for (const row of register) if (row.identity_protection === 'NONE') (persons.get(key(row)) ?? persons.set(key(row), new Set()).get(key(row))!).add(row.personnummer);
      // Values known to the register but with no unprotected participant still count as known.
      for (const row of register) if (!persons.has(key(row))) persons.set(key(row), new Set());
      return new Map([...persons].map(([k, s]) => [k, s.size]));
    };
    found = { interventions: count((r) => r.intervention_id), municipalities: count((r) => r.municipality_code) };
    populationsOf.set(register, found);
  }
  return found;
}

/**
 * The participations in the period that match the filter, persons with protected identity left
 * out: they count in no analyst figure at all, so no filter or grouping can isolate them.
 */
export async function matchingParticipations(ctx: CoordinationContext, args: CohortDefinition) {
  const register = await followUpSnapshot(ctx.db);
  const definition = valueOrThrow(checkedDefinition(ctx, register, args));
  const filter = definition.filter ?? {};
  const rows = (await participationsForFollowUp(ctx.db, definition.from, definition.to, {
    interventionIds: filter.interventionIds ?? undefined, municipalityCodes: filter.municipalityCodes ?? undefined, sex: filter.sex ?? undefined,
  })).filter((row) => row.identity_protection === 'NONE'
    && (!filter.ageBand || ageBand(row.birth_date, row.registered_in) === filter.ageBand)
    && (!filter.priorityGroup || row.priority_groups.includes(filter.priorityGroup)));
  return { definition, register, rows };
}

const groupKeysCache = new WeakMap<readonly FollowUpRow[], Map<Dimension, { key: string; label: string }[]>>();

/**
 * The groups a report shows: every value of the dimension in the register (for interventions,
 * every one that ran in the period), narrowed by the filter on it, so that a group's presence
 * does not tell that someone is in it.
 */
export async function reportGroups(ctx: CoordinationContext, register: readonly FollowUpRow[], dimension: Dimension, definition: Required<CohortDefinition>) {
  const filter = definition.filter ?? {};
  const cache = groupKeysCache.get(register) ?? groupKeysCache.set(register, new Map()).get(register)!;
  const all = dimension === 'INTERVENTION'
    ? (await interventionsRunning(ctx.db, definition.from, definition.to)).map((i) => ({ key: i.id, label: i.name })).sort((a, b) => a.key.localeCompare(b.key))
    : cache.get(dimension) ?? cache.set(dimension, groupKeysOf(register.filter((r) => r.identity_protection === 'NONE'), dimension)).get(dimension)!;
  const only = dimension === 'INTERVENTION' ? filter.interventionIds : dimension === 'MUNICIPALITY' ? filter.municipalityCodes
    : dimension === 'SEX' && filter.sex ? [filter.sex] : dimension === 'AGE_BAND' && filter.ageBand ? [filter.ageBand]
      : dimension === 'PRIORITY_GROUP' && filter.priorityGroup ? [filter.priorityGroup] : undefined;
  return only?.length ? all.filter((g) => only.includes(g.key)) : all;
}

const guards = new WeakMap<Db, DifferencingGuard>();

/** Refuses a statistic whose persons differ from one of the analyst's earlier ones by a few (differencing-guard.ts). */
function guardAgainstDifferencing(ctx: CoordinationContext, description: string, sets: BaseSet[]): void {
  const guard = guards.get(ctx.db) ?? guards.set(ctx.db, new DifferencingGuard()).get(ctx.db)!;
  guard.admit(ctx.caller.actorId, description, sets);
}

/** A cohort's members whose consent covers each agency: the sets each agency's figures are computed over. */
async function consentingMembers(ctx: CoordinationContext, members: readonly string[]): Promise<BaseSet[]> {
  const isMember = new Set(members);
  const covered = new Map(AGENCIES.map((agency) => [agency, new Set<string>()]));
  for (const consent of await ctx.consentsInForceOf(members)) {
    const personnummer = consent.record.slice(0, consent.record.indexOf(' '));
    if (isMember.has(personnummer)) covered.get(consent.agency as Agency)?.add(personnummer);
  }
  return AGENCIES.map((agency) => ({ label: `members whose consent covers ${agency}`, persons: covered.get(agency)! }));
}

const FIGURES = new Set<FollowUpFigure>([
  'started', 'ended', 'occupationBefore', 'occupationAfter', 'incomeSourcesBefore', 'incomeSourcesAfter', 'inWorkOrStudiesAfter', 'shareInWorkOrStudiesAfter', 'medianDaysInIntervention',
]);

/** The figures a request selects of the report's groups and of its total: only their tables are read, each where it is selected. */
function selectedFigures(info: GraphQLResolveInfo): { groups: Set<FollowUpFigure>; total: Set<FollowUpFigure> } {
  const figures = { groups: new Set<FollowUpFigure>(), total: new Set<FollowUpFigure>() };
  for (const node of info.fieldNodes) {
    if (!node.selectionSet) continue;
    for (const part of selectedFields(node.selectionSet, info.fragments)) {
      const name = part.node.name.value;
      if ((name !== 'groups' && name !== 'total') || !part.node.selectionSet) continue;
      for (const field of selectedFields(part.node.selectionSet, info.fragments)) {
        if (FIGURES.has(field.node.name.value as FollowUpFigure)) figures[name].add(field.node.name.value as FollowUpFigure);
      }
    }
  }
  return figures;
}

export const followUpResolvers = {
  Query: {
    /**
     * Answered from the stored monthly statistics releases only (released-follow-up.ts): no
     * participation is read, so there is no per-analyst memory, budget or noise to keep.
     */
    async interventionFollowUp(_root: unknown, args: FollowUpArgs, ctx: CoordinationContext, info: GraphQLResolveInfo) {
      valueOrThrow(analystsOnly(ctx));
      const period = valueOrThrow(checkedPeriod(args));
      const groupBy = args.groupBy ?? 'INTERVENTION';
      const [catalogue, released] = await Promise.all([followUpCatalogueOf(ctx.db), releasesOf(ctx.db)]);
      const filter = valueOrThrow(releasedFilter(args.filter, catalogue));
      const question = { fromMonth: period.from.slice(0, 7), toMonth: period.to.slice(0, 7), groupBy, filter, figures: selectedFigures(info) };
      const releases = valueOrThrow(releasesForPeriod(released, question.fromMonth, question.toMonth));
      const report = valueOrThrow(releasedReport(question, releases, catalogue));
      return { from: period.from, to: period.to, groupBy, suppressionThreshold: 0, ...report };
    },
    /**
     * A cohort's members go to the agencies through the query plan only, each agency getting
     * those whose consent covers it (resolvers/cohort.ts).
     */
    async cohort(_root: unknown, args: CohortDefinition, ctx: CoordinationContext, info: GraphQLResolveInfo) {
      const { definition, rows } = await matchingParticipations(ctx, args);
      const members = await admitCohort(ctx, info, definition, rows);
      const cohort = { id: cohortId(definition), size: protectedCount(ctx.recordKeys, members), members };
      admittedCohorts.add(cohort);
      return cohort;
    },
  },
} satisfies Resolvers;

/**
 * The analysts' controls on a cohort (query budget, work bound, overlap control), however the
 * cohort is reached: by `cohort`, or again by its id through the query plan. Returns its members.
 */
export async function admitCohort(ctx: CoordinationContext, info: GraphQLResolveInfo, definition: CohortDefinition, rows: readonly FollowUpRow[]): Promise<string[]> {
  const members = cohortMembers(rows);
  const described = JSON.stringify(definition);
  await admitStatisticsQuery(ctx, info, { kind: 'cohort', definition: described, memberCount: members.length });
  guardAgainstDifferencing(ctx, `cohort ${described}`, [{ label: 'members', persons: new Set(members) }, ...await consentingMembers(ctx, members)]);
  return members;
}

/**
 * The cohorts `cohort` made in this process: only their members are handed to agencies. A cohort
 * reached through `_entities` carries whatever the caller wrote in its representation, so its
 * `members` are never used.
 */
export const admittedCohorts = new WeakSet<object>();

/** A cohort's members: each person of its participations once, sorted (the order every list handed over keeps). */
export const cohortMembers = (rows: readonly FollowUpRow[]): string[] => [...new Set(rows.map((r) => r.personnummer))].sort();


