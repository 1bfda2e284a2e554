import { failure, success, type Result } from '@finsam/kit/errors';
import { monthBounds, summedTable, type CompactRelease } from '@finsam/kit/statistics-release';
import {
  INCOME_SOURCES, OCCUPATIONS, ageBandLabel, priorityGroupLabel, sexLabel, type Dimension, type FollowUpGroupFigures,
} from './follow-up.ts';
import {
  AGE_BANDS, ENDED, PRIORITY_GROUPS, SEXES, STARTED, endedPriorityGroupMeasure, medianDaysFromBands, priorityGroupMeasure,
} from './statistics-release-job.ts';

/**
 * The intervention follow-up answered from the stored monthly statistics releases
 * (docs/statistics-release.md): every figure is a sum of protected cells of the months of the
 * period, read from the one table whose dimensions are the query's filter and grouping. Nothing
 * here reads a participation: the answer is post-processing of what the release job published,
 * so asking again, differencing two periods, combining analysts or restarting the subgraph
 * learns nothing the releases did not already publish. Pure, so the rules are tested without a
 * database.
 */

/** A figure of a follow-up group, as the schema names it. */
export type FollowUpFigure =
  | 'started' | 'ended' | 'occupationBefore' | 'occupationAfter' | 'incomeSourcesBefore' | 'incomeSourcesAfter'
  | 'inWorkOrStudiesAfter' | 'shareInWorkOrStudiesAfter' | 'medianDaysInIntervention';

/** The filter in the release's terms: each dimension with the values kept (a list sums its cells). */
export interface ReleasedFilter {
  intervention?: readonly string[];
  municipality?: readonly string[];
  sex?: string;
  ageBand?: string;
  priorityGroup?: string;
}

export interface Catalogue {
  /** Every intervention, with the days it ran (an open end: still running). */
  interventions: readonly { id: string; name: string; start_date: string; end_date: string | null }[];
  municipalities: readonly { code: string; name: string; forbund_id: string }[];
  forbund: readonly { id: string; name: string }[];
}

export interface ReleasedQuestion {
  /** First and last month of the period (`YYYY-MM`). */
  fromMonth: string;
  toMonth: string;
  groupBy: Dimension;
  filter: ReleasedFilter;
  /** The figures the request selects of the groups, and of the total; only these are read, each where it is selected. */
  figures: { groups: ReadonlySet<FollowUpFigure>; total: ReadonlySet<FollowUpFigure> };
}

/** Which table a figure is read from: people registered in (started) or out (ended), by one more dimension or none. */
const SOURCE: Record<Exclude<FollowUpFigure, 'shareInWorkOrStudiesAfter' | 'inWorkOrStudiesAfter'>, { of: 'started' | 'ended'; by: string | null }> = {
  started: { of: 'started', by: null },
  ended: { of: 'ended', by: null },
  occupationBefore: { of: 'started', by: 'occupationBefore' },
  occupationAfter: { of: 'ended', by: 'occupationAfter' },
  incomeSourcesBefore: { of: 'started', by: 'incomeBefore' },
  incomeSourcesAfter: { of: 'ended', by: 'incomeAfter' },
  medianDaysInIntervention: { of: 'ended', by: 'daysBand' },
};

/** The figures a figure is computed from: the share from two published counts, work or studies from occupation after. */
const READS: Record<FollowUpFigure, readonly (keyof typeof SOURCE)[]> = {
  started: ['started'], ended: ['ended'], occupationBefore: ['occupationBefore'], occupationAfter: ['occupationAfter'],
  incomeSourcesBefore: ['incomeSourcesBefore'], incomeSourcesAfter: ['incomeSourcesAfter'],
  inWorkOrStudiesAfter: ['occupationAfter'], shareInWorkOrStudiesAfter: ['occupationAfter', 'ended'], medianDaysInIntervention: ['medianDaysInIntervention'],
};

const DIMENSION_OF: Record<Exclude<Dimension, 'PRIORITY_GROUP'>, string> = {
  INTERVENTION: 'intervention', FORBUND: 'municipality', MUNICIPALITY: 'municipality', SEX: 'sex', AGE_BAND: 'ageBand',
};

const FILTER_ARGUMENT: Record<keyof ReleasedFilter, string> = {
  intervention: 'filter.interventionIds', municipality: 'filter.municipalityCodes', sex: 'filter.sex', ageBand: 'filter.ageBand', priorityGroup: 'filter.priorityGroup',
};

export { monthsOf, releasesForPeriod } from '@finsam/kit/statistics-release';

interface Group { key: string; label: string }

/** The interventions that ran on some day of the months [fromMonth, toMonth], by id with their names. */
export function interventionsThatRan(catalogue: Catalogue, fromMonth: string, toMonth: string): Map<string, string> {
  const [first, last] = [`${fromMonth}-01`, monthBounds(toMonth).to];
  return new Map(catalogue.interventions.filter((i) => i.start_date <= last && (i.end_date === null || i.end_date >= first)).map((i) => [i.id, i.name]));
}

/** The groups of the report: every value the releases' domains hold (so a group's presence tells nothing), narrowed by the filter on it. */
function groupsOf(question: ReleasedQuestion, releases: readonly CompactRelease[], catalogue: Catalogue): Group[] {
  const { groupBy, filter } = question;
  const domain = (d: string) => [...new Set(releases.flatMap((r) => r.domains[d] ?? []))].sort();
  const only = (values: readonly string[], kept: readonly string[] | string | undefined) =>
    kept === undefined ? values : values.filter((v) => (typeof kept === 'string' ? v === kept : kept.includes(v)));
  switch (groupBy) {
    case 'INTERVENTION': {
      // Those that ran on some day of the period (the catalogue is public; who took part is not):
      // the others' cells are noise around 0, and listing them would read as activity.
      const ran = interventionsThatRan(catalogue, question.fromMonth, question.toMonth);
      return only(domain('intervention'), filter.intervention).filter((key) => ran.has(key)).map((key) => ({ key, label: ran.get(key)! }));
    }
    case 'MUNICIPALITY': {
      const names = new Map(catalogue.municipalities.map((m) => [m.code, m.name]));
      return only(domain('municipality'), filter.municipality).map((key) => ({ key, label: names.get(key) ?? key }));
    }
    case 'FORBUND': {
      const forbundOf = new Map(catalogue.municipalities.map((m) => [m.code, m.forbund_id]));
      const ids = new Set(only(domain('municipality'), filter.municipality).map((code) => forbundOf.get(code)).filter((id) => id !== undefined));
      return catalogue.forbund.filter((f) => ids.has(f.id)).map((f) => ({ key: f.id, label: f.name }));
    }
    case 'SEX': return only(SEXES, filter.sex).map((key) => ({ key, label: sexLabel(key) }));
    case 'AGE_BAND': return only(AGE_BANDS, filter.ageBand).map((key) => ({ key, label: ageBandLabel(key) }));
    case 'PRIORITY_GROUP': return only(PRIORITY_GROUPS, filter.priorityGroup).map((key) => ({ key, label: priorityGroupLabel(key) }));
  }
}

const cell = (count: number) => ({ value: count, suppressed: false as const });

/**
 * The report from the releases: for each group and the total, the figures asked for. Every count
 * is a sum of published cells, so a figure reached by two routes (a group of one report and the
 * total of another filtered to that group) is the same number, and no count is negative; parts
 * need not add up to their total (each table has its own noise).
 */
export function releasedReport(question: ReleasedQuestion, releases: readonly CompactRelease[], catalogue: Catalogue): Result<{ groups: FollowUpGroupFigures[]; total: FollowUpGroupFigures }> {
  const { groupBy, filter } = question;
  const filterDimensions = (['intervention', 'municipality', 'sex', 'ageBand'] as const).filter((d) => filter[d] !== undefined);
  const groupDimension = groupBy === 'PRIORITY_GROUP' ? null : DIMENSION_OF[groupBy];
  const forbundOf = new Map(catalogue.municipalities.map((m) => [m.code, m.forbund_id]));
  const groups = groupsOf(question, releases, catalogue);
  const wanted = {
    groups: new Set([...question.figures.groups].flatMap((f) => READS[f])),
    total: new Set([...question.figures.total].flatMap((f) => READS[f])),
  };
  const indexes = new Map<string, Map<string, Map<string, number>>>();

  /** The measure a figure counts, for a priority group (the filter's, or the group's under PRIORITY_GROUP) or everyone. */
  const measureOf = (of: 'started' | 'ended', priorityGroup: string | undefined) =>
    priorityGroup === undefined ? (of === 'started' ? STARTED : ENDED) : of === 'started' ? priorityGroupMeasure(priorityGroup) : endedPriorityGroupMeasure(priorityGroup);

  /** Sums the cells of a figure's table that match the filter (and the group), by the figure's own dimension's value ('' without one). */
  const read = (name: keyof typeof SOURCE, group: Group | null): Result<Map<string, number>> => {
    const { of, by } = SOURCE[name];
    const priorityGroup = groupBy === 'PRIORITY_GROUP' && group ? group.key : filter.priorityGroup;
    const measure = measureOf(of, priorityGroup);
    const dimensions = [...new Set([...filterDimensions, ...(group && groupDimension ? [groupDimension] : []), ...(by ? [by] : [])])];
    const grouped = group !== null && groupDimension !== null;
    const indexKey = JSON.stringify([measure, dimensions, grouped]);
    let index = indexes.get(indexKey);
    if (!index) {
      const summed = summedTable(releases, measure, dimensions, () => {
        if (priorityGroup !== undefined && !releases.some((r) => r.tables.some((t) => t.measure === measure))) {
          return { argument: groupBy === 'PRIORITY_GROUP' && group ? 'groupBy' : 'filter.priorityGroup', what: `${name} for priority group ${priorityGroup}` };
        }
        const withoutGroup = [...filterDimensions, ...(by ? [by] : [])];
        const groupIsTheReason = grouped
          && releases.some((r) => r.tables.some((t) => t.measure === measure && withoutGroup.every((d) => t.dimensions.includes(d))));
        return groupIsTheReason
          ? { argument: 'groupBy', what: `${name} by ${groupBy}${filterDimensions.length ? ` with the filter on ${filterDimensions.join(', ')}` : ''}` }
          : { argument: 'filter', what: `${name}${filterDimensions.length ? ` filtered on ${filterDimensions.join(', ')}` : ''}` };
      });
      if (!summed.ok) return summed;
      // One pass over the summed cells: the filter kept, then by group ('' for the total) and by the figure's own category.
      index = new Map();
      const at = new Map(dimensions.map((d, i) => [d, i]));
      for (const { values, count } of summed.value) {
        const value = (d: string) => values[at.get(d)!]!;
        if (!filterDimensions.every((d) => { const kept = filter[d]!; return typeof kept === 'string' ? value(d) === kept : kept.includes(value(d)); })) continue;
        const groupValue = grouped ? (groupBy === 'FORBUND' ? forbundOf.get(value(groupDimension!)) : value(groupDimension!)) : '';
        if (groupValue === undefined) continue;
        const byCategory = index.get(groupValue) ?? index.set(groupValue, new Map()).get(groupValue)!;
        const category = by ? value(by) : '';
        byCategory.set(category, (byCategory.get(category) ?? 0) + count);
      }
      indexes.set(indexKey, index);
    }
    return success(index.get(grouped ? group!.key : '') ?? new Map());
  };

  const figuresOf = (group: Group | null): Result<FollowUpGroupFigures> => {
    const read_: Partial<Record<keyof typeof SOURCE, Map<string, number>>> = {};
    for (const name of group ? wanted.groups : wanted.total) {
      const result = read(name, group);
      if (!result.ok) return result;
      read_[name] = result.value;
    }
    const count = (name: keyof typeof SOURCE) => read_[name]?.get('') ?? 0;
    // A figure not selected is never read by the schema: it is left empty rather than built for thousands of groups.
    const categories = (name: keyof typeof SOURCE, list: readonly string[]) => (read_[name] ? list.map((category) => ({ category, count: cell(read_[name]!.get(category) ?? 0) })) : []);
    const ended = count('ended');
    const inWork = (read_.occupationAfter?.get('FORVARVSARBETE') ?? 0) + (read_.occupationAfter?.get('STUDIER') ?? 0);
    return success({
      key: group?.key ?? 'TOTAL',
      label: group?.label ?? 'Totalt',
      started: cell(count('started')),
      ended: cell(ended),
      occupationBefore: categories('occupationBefore', OCCUPATIONS),
      occupationAfter: categories('occupationAfter', OCCUPATIONS),
      incomeSourcesBefore: categories('incomeSourcesBefore', INCOME_SOURCES),
      incomeSourcesAfter: categories('incomeSourcesAfter', INCOME_SOURCES),
      inWorkOrStudiesAfter: cell(inWork),
      // A ratio of two published counts; capped at 1 because the two have noise of their own.
      shareInWorkOrStudiesAfter: ended > 0 ? Math.min(1, inWork / ended) : null,
      medianDaysInIntervention: read_.medianDaysInIntervention ? medianDaysFromBands(read_.medianDaysInIntervention) : null,
    });
  };

  const total = figuresOf(null);
  if (!total.ok) return total;
  const answered: FollowUpGroupFigures[] = [];
  for (const group of groups) {
    const figures = figuresOf(group);
    if (!figures.ok) return figures;
    answered.push(figures.value);
  }
  // Largest first by the published figure, then by key.
  answered.sort((a, b) => (b.started.value ?? 0) - (a.started.value ?? 0) || a.key.localeCompare(b.key));
  return success({ groups: answered, total: total.value });
}

/** Checks the filter's values against the catalogues, naming the argument; returns it in the release's terms. */
export function releasedFilter(filter: {
  interventionIds?: readonly string[] | null; municipalityCodes?: readonly string[] | null; sex?: string | null; ageBand?: string | null; priorityGroup?: string | null;
} | null | undefined, catalogue: Catalogue): Result<ReleasedFilter> {
  const out: ReleasedFilter = {};
  const known = { intervention: new Set(catalogue.interventions.map((i) => i.id)), municipality: new Set(catalogue.municipalities.map((m) => m.code)) };
  for (const [dimension, values, what] of [['intervention', filter?.interventionIds, 'intervention id'], ['municipality', filter?.municipalityCodes, 'kommunkod']] as const) {
    if (!values || values.length === 0) continue;
    const unknown = values.find((v) => !known[dimension].has(v));
    if (unknown !== undefined) return failure('BAD_USER_INPUT', `${FILTER_ARGUMENT[dimension]}: "${unknown}" is not a known ${what}.`, { argument: FILTER_ARGUMENT[dimension] });
    out[dimension] = [...new Set(values)].sort();
  }
  if (filter?.sex) out.sex = filter.sex;
  if (filter?.ageBand) out.ageBand = filter.ageBand;
  if (filter?.priorityGroup) out.priorityGroup = filter.priorityGroup;
  return success(out);
}
