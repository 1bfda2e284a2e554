import type { Agency } from '../agencies.ts';
import { isIsoDate, addDays } from '../dates.ts';
import { failure, success, type Result } from '../errors.ts';
import type { CompactRelease } from './compact.ts';
import { periodBounds } from './periods.ts';
import { filteredCounts, groupKey } from './read.ts';
import { DEFAULT_MEASURE, type Marginal, type MeasureFilter, type ParticipationRow, type Workload } from './tables.ts';
import type { ReleaseMember, ReleaseMemberList } from './agency-release.ts';

/**
 * An agency's statistics release, the pure part (docs/statistics-release.md, "The agencies'
 * releases"): the workload every agency releases its own categories by, the rows it counts, and
 * the figures an analyst's cohort is answered with from the stored releases. The same for the
 * four agencies; each names only its kinds of category. No I/O: the agency's server side is
 * agency-statistics-release.ts.
 */

/** The release's dimensions of a member, as coordination hands them over (the follow-up's). */
export const RELEASE_SEXES = ['FEMALE', 'MALE'] as const;
export const RELEASE_AGE_BANDS = ['FROM_16_TO_24', 'FROM_25_TO_29', 'FROM_30_TO_44', 'FROM_45_TO_64', 'FROM_65'] as const;
/** The priority groups (insatsernas målgrupper) and NONE, the group of a member in none of them. */
export const RELEASE_PRIORITY_GROUPS = ['LONG_TERM_SICK_LISTED', 'YOUNG_WITH_ACTIVITY_COMPENSATION', 'YOUNG_WITH_DISABILITY', 'MENTAL_ILL_HEALTH', 'NONE'] as const;
export const NO_PRIORITY_GROUP = 'NONE';

/** The attribute a row says yes or no to a priority group by, and the measure that counts its yeses. */
export const priorityGroupAttribute = (group: string) => `priorityGroup.${group}`;
export const agencyPriorityGroupMeasure = priorityGroupAttribute;

/** The one priority group whose members are also released by municipality (the analysts' CohortAcrossSectors asks it). */
const BY_MUNICIPALITY_GROUP = 'MENTAL_ILL_HEALTH';

/** The single-valued dimensions of a member, as the list gives them. */
const MEMBER_DIMENSIONS = ['intervention', 'municipality', 'sex', 'ageBand'] as const;

/**
 * One kind of category an agency releases (`benefitsNow`), a multi-valued dimension: a member is
 * in the cell of each of its categories, at most `valuesPerPerson` (k) of them, the first k in
 * the domain's order; a member in none is in no cell.
 */
export interface ReleaseKindDomain {
  /** The dimension's name, and the field of the agency's Cohort figures that reads it. */
  name: string;
  /** Every category, in the order the figures list them. */
  domain: readonly string[];
  /** k: the most categories of this kind one member contributes (L2 sensitivity √k). */
  valuesPerPerson: number;
}

/**
 * The workload of an agency's release, per kind of category (each table counts members, one row
 * each, in up to k cells):
 * - the kind alone, and by municipality, by intervention, by sex and by age band: a cohort with
 *   no filter, or filtered on one of those (a list of municipalities or interventions sums its cells);
 * - the kind among the members of each priority group (and NONE): a cohort filtered on the group;
 * - the kind among members with mental ill health by municipality (the analysts' CohortAcrossSectors).
 * 11 tables a kind, all of weight 1: no table is read much more than another. The intervention
 * and municipality domains are the list's (every value coordination's register holds), the
 * others fixed, so a cell's presence tells nothing.
 */
export function agencyReleaseWorkload(kinds: readonly ReleaseKindDomain[], domains: ReleaseMemberList['domains']): Workload {
  const measures: Record<string, MeasureFilter> = {};
  for (const group of RELEASE_PRIORITY_GROUPS) measures[agencyPriorityGroupMeasure(group)] = { [priorityGroupAttribute(group)]: 'YES' };
  const marginals: Marginal[] = [];
  const kindDomains: Record<string, readonly string[]> = {};
  const multiValued: Record<string, number> = {};
  for (const kind of kinds) {
    if ((MEMBER_DIMENSIONS as readonly string[]).includes(kind.name) || kind.name.startsWith('priorityGroup.')) {
      throw new RangeError(`kind ${kind.name} is named like a dimension of the members`);
    }
    kindDomains[kind.name] = [...kind.domain];
    multiValued[kind.name] = kind.valuesPerPerson;
    marginals.push(
      { dimensions: [kind.name] },
      ...MEMBER_DIMENSIONS.map((d) => ({ dimensions: [kind.name, d] })),
      ...RELEASE_PRIORITY_GROUPS.map((group) => ({ measure: agencyPriorityGroupMeasure(group), dimensions: [kind.name] })),
      { measure: agencyPriorityGroupMeasure(BY_MUNICIPALITY_GROUP), dimensions: [kind.name, 'municipality'] },
    );
  }
  return {
    domains: {
      intervention: [...domains.intervention], municipality: [...domains.municipality], sex: [...RELEASE_SEXES], ageBand: [...RELEASE_AGE_BANDS],
      ...kindDomains,
    },
    measures,
    multiValued,
    marginals,
  };
}

/**
 * One row per counted member: the member's dimensions from the list, a yes or no per priority
 * group, and its categories of each kind (`categories[kind][i]` for `members[i]`). The
 * personnummer keys the row inside the release only; it is in no cell. The row's id is the
 * member's place in the list, which is what protectTables names when it refuses a row (a
 * category outside its domain), so that no personnummer reaches an error or a log line.
 */
export function agencyReleaseRows(members: readonly ReleaseMember[], categories: Readonly<Record<string, readonly (readonly string[])[]>>, asOf: string): ParticipationRow[] {
  return members.map((member, i) => {
    const attributes: Record<string, string> = { intervention: member.intervention, municipality: member.municipality, sex: member.sex, ageBand: member.ageBand };
    for (const group of RELEASE_PRIORITY_GROUPS) {
      const inGroup = group === NO_PRIORITY_GROUP ? member.priorityGroups.length === 0 : member.priorityGroups.includes(group);
      attributes[priorityGroupAttribute(group)] = inGroup ? 'YES' : 'NO';
    }
    const sets = Object.fromEntries(Object.entries(categories).map(([kind, values]) => [kind, values[i] ?? []]));
    return { person: member.personnummer, id: `member ${i}`, at: asOf, attributes, sets };
  });
}

/**
 * What is wrong with a decrypted member list for this agency and period, or null. The list is
 * coordination's, signed: a wrong one is coordination's mistake, said without any personnummer.
 * `agency` and `period` say whether the list is the one the basis was for; `shape` anything else.
 */
export function memberListProblem(list: unknown, agency: Agency, period: string, today: string): { of: 'agency' | 'period' | 'shape'; problem: string } | null {
  const shape = (problem: string) => ({ of: 'shape' as const, problem });
  if (typeof list !== 'object' || list === null || Array.isArray(list)) return shape('the list is not a JSON object');
  const l = list as Partial<Record<keyof ReleaseMemberList, unknown>>;
  if (l.agency !== agency) return { of: 'agency', problem: `the list is for ${String(l.agency)}, not ${agency}` };
  if (l.period !== period) return { of: 'period', problem: `the list is for period ${String(l.period)}, not ${period}` };
  const bounds = periodBounds(period);
  if (l.from !== bounds.from || l.to !== bounds.to) return shape(`from and to must be ${bounds.from} and ${bounds.to}, the period's first and last day`);
  if (typeof l.asOf !== 'string' || !isIsoDate(l.asOf)) return shape('asOf must be a date YYYY-MM-DD');
  // A day after tomorrow has no data yet; a day in the past is a rerun, and categories have dates.
  if (l.asOf > addDays(today, 1)) return shape(`asOf ${l.asOf} is after today (${today}): categories are released as they are, never ahead`);
  const domains = l.domains as Partial<Record<string, unknown>> | undefined;
  for (const d of ['intervention', 'municipality'] as const) {
    const values = domains?.[d];
    if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string') || new Set(values).size !== values.length) {
      return shape(`domains.${d} must list every value once (at least one)`);
    }
  }
  if (!Array.isArray(l.members)) return shape('members must be a list');
  const known = {
    intervention: new Set(domains!.intervention as string[]), municipality: new Set(domains!.municipality as string[]),
    sex: new Set<string>(RELEASE_SEXES), ageBand: new Set<string>(RELEASE_AGE_BANDS),
  };
  const groups = new Set<string>(RELEASE_PRIORITY_GROUPS.filter((g) => g !== NO_PRIORITY_GROUP));
  const seen = new Set<string>();
  for (const [i, m] of (l.members as unknown[]).entries()) {
    const member = m as Partial<Record<keyof ReleaseMember, unknown>> | null;
    if (typeof member !== 'object' || member === null) return shape(`member ${i} is not an object`);
    if (typeof member.personnummer !== 'string' || !/^\d{12}$/.test(member.personnummer)) return shape(`member ${i} has no 12-digit personnummer`);
    if (seen.has(member.personnummer)) return shape(`member ${i} is listed twice`);
    seen.add(member.personnummer);
    if (typeof member.consentValidFrom !== 'string' || !isIsoDate(member.consentValidFrom) || typeof member.consentValidTo !== 'string' || !isIsoDate(member.consentValidTo)) {
      return shape(`member ${i}'s consent dates are not dates`);
    }
    for (const d of MEMBER_DIMENSIONS) {
      if (typeof member[d] !== 'string' || !known[d].has(member[d])) return shape(`member ${i}'s ${d} is not a value of its domain`);
    }
    if (!Array.isArray(member.priorityGroups) || !member.priorityGroups.every((g) => typeof g === 'string' && groups.has(g))) {
      return shape(`member ${i}'s priorityGroups are not priority groups`);
    }
    if (member.controllers !== undefined && (!Array.isArray(member.controllers) || !member.controllers.every((c) => typeof c === 'string' && /^\d{2}(\d{2})?$/.test(c)))) {
      return shape(`member ${i}'s controllers are not kommunkoder or länskoder`);
    }
  }
  return null;
}

/** The filter of an analyst's cohort, as the schema's FollowUpFilter (cohort.ts CohortFilter). */
export interface AgencyFiguresFilter {
  interventionIds?: readonly string[] | null;
  municipalityCodes?: readonly string[] | null;
  sex?: string | null;
  ageBand?: string | null;
  priorityGroup?: string | null;
}

/** One category of a kind and its count: a sum of protected cells. */
export interface ReleasedCategory {
  category: string;
  count: number;
}

/** What the release holds of a kind, for the message that refuses a combination it does not. */
const RELEASED_TABLES = 'for all members, by municipality, by intervention, by sex, by age band, for each priority group, and for MENTAL_ILL_HEALTH by municipality';

/**
 * The figures of a cohort, per kind: each category's count summed over the period's releases
 * (`releases`, releasesForPeriod's choice) from the table of the filter's dimensions and the kind
 * (read.ts `filteredCounts`, as coordination reads its own), a list of interventions or
 * municipalities summing its cells. Post-processing of
 * what was released: no privacy is spent, and the same question always gives the same numbers.
 * Every category of the kind's domain is listed (over `all` the stored releases, so the list is
 * the same for every period), and a value filtered on must be in some release's domain. A filter
 * no table answers is refused with BAD_USER_INPUT naming `filter`, and what is released.
 */
export function agencyFigures<K extends string>(
  releases: readonly CompactRelease[], all: readonly CompactRelease[], kinds: readonly K[], filter: AgencyFiguresFilter | null | undefined,
): Result<Record<K, ReleasedCategory[]>> {
  const union = (dimension: string) => {
    const values: string[] = [];
    // The newest release's order first: a domain's order is the agency's, categories added later come last.
    for (const release of [...all].reverse()) for (const v of release.domains[dimension] ?? []) if (!values.includes(v)) values.push(v);
    return values;
  };
  // A cohort's id can be written by whoever calls `_entities`: its filter is checked as untrusted input.
  for (const [argument, value, list] of [
    ['filter.interventionIds', filter?.interventionIds, true], ['filter.municipalityCodes', filter?.municipalityCodes, true],
    ['filter.sex', filter?.sex, false], ['filter.ageBand', filter?.ageBand, false], ['filter.priorityGroup', filter?.priorityGroup, false],
  ] as const) {
    const fits = value == null || (list ? Array.isArray(value) && value.every((v) => typeof v === 'string') : typeof value === 'string');
    if (!fits) return failure('BAD_USER_INPUT', `${argument}: not ${list ? 'a list of values' : 'a value'} of the filter.`, { argument });
  }
  const selections: { dimension: string; values: ReadonlySet<string> }[] = [];
  const selected = [
    ['intervention', filter?.interventionIds, 'filter.interventionIds'],
    ['municipality', filter?.municipalityCodes, 'filter.municipalityCodes'],
    ['sex', filter?.sex ? [filter.sex] : null, 'filter.sex'],
    ['ageBand', filter?.ageBand ? [filter.ageBand] : null, 'filter.ageBand'],
  ] as const;
  for (const [dimension, values, argument] of selected) {
    if (!values || values.length === 0) continue;
    const known = new Set(union(dimension));
    const unknown = values.find((v) => !known.has(v));
    if (unknown !== undefined) return failure('BAD_USER_INPUT', `${argument}: "${unknown}" is not a value of ${dimension} in the statistics release.`, { argument });
    selections.push({ dimension, values: new Set(values) });
  }
  let measure = DEFAULT_MEASURE;
  if (filter?.priorityGroup) {
    if (!(RELEASE_PRIORITY_GROUPS as readonly string[]).includes(filter.priorityGroup)) {
      return failure('BAD_USER_INPUT', `filter.priorityGroup: "${filter.priorityGroup}" is not a priority group of the statistics release.`, { argument: 'filter.priorityGroup' });
    }
    measure = agencyPriorityGroupMeasure(filter.priorityGroup);
  }
  const cells = Object.fromEntries(selections.map((s) => [s.dimension, [...s.values]]));
  const asked = [filter?.priorityGroup ? `priority group ${filter.priorityGroup}` : null, ...selections.map((s) => s.dimension)].filter(Boolean).join(' with ');
  const figures = {} as Record<K, ReleasedCategory[]>;
  for (const kind of kinds) {
    const counts = filteredCounts(releases, measure, cells, [kind], () => ({
      argument: 'filter', what: `${kind} by ${asked || 'nothing'} together (it holds ${kind} ${RELEASED_TABLES}; filter on one of those at a time)`,
    }));
    if (!counts.ok) return counts;
    figures[kind] = union(kind).map((category) => ({ category, count: counts.value.get(groupKey(category)) ?? 0 }));
  }
  return success(figures);
}
