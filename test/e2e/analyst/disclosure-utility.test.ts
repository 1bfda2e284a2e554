import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse, print, valueFromASTUntyped, visit, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraph, type TestGraph } from '../../support/graph.ts';

/** The gateway's rate limit far above what is asked here; it is not what is tested. */
const NO_RATE_LIMIT: NodeJS.ProcessEnv = { ANALYST_REQUESTS_PER_MINUTE: '1000000', ANALYST_CONCURRENT_REQUESTS: '100', ANALYST_CONCURRENT_REQUESTS_TOTAL: '100' };

/**
 * Issues 11 and 20, the other side of disclosure control: the figures must stay useful. Over the
 * example operations in schema/operations/analyst/, the published follow-up counts whose true
 * value is 20 or more are off by less than 10 % on average (mean absolute relative error, issue
 * 20's target), no published count is negative, and a figure reached by two routes is the same
 * number.
 *
 * `interventionFollowUp` is answered from the statistics releases (docs/statistics-release.md):
 * a whole calendar year of the query's period from the year's own release, any other month from
 * the month's. So its truth is counted here as the releases count, from the coordination store
 * and independently of the release code: each year or month on its own, persons with protected
 * identity in no figure, one participation per person per period and measure — `started`: the
 * earliest (registered in, then id) of the person's participations registered in during the
 * period; `ended`: the earliest registered in of those registered out during it, whenever
 * registered in — and the query's figure the sum over its periods. (Summed from monthly cells
 * alone, a year's per-intervention counts of 20–35 were 24–32 % off: twelve months' noise.) A group or a
 * filter value is read from the counted participation (intervention, age band at its registration
 * in) or its person (municipality, sex, priority groups); FORBUND sums its municipalities, a filter
 * list sums its values, a PRIORITY_GROUP group counts that priority group's persons (NONE: none);
 * income sources count a person once in each of its sources, the first three in the schema's
 * order; inWorkOrStudiesAfter is occupation after FORVARVSARBETE plus STUDIER of the ended.
 * Compared: started, ended, occupation and income sources before and after and in work or
 * studies after, per group and in total. Not compared: the median time in intervention and the
 * share in work or studies (not counts).
 *
 * A cohort's size is the follow-up's `started` for the same period and filter (the same cells),
 * and its truth is counted the same way.
 */

const dir = path.join(import.meta.dirname, '../../../schema/operations/analyst');
const OCCUPATIONS = ['FORVARVSARBETE', 'STUDIER', 'AKTIVT_ARBETSSOKANDE', 'OVRIGT'];
/** In the schema's (and the release's domain) order: a person's first three of them are counted. */
const INCOME_SOURCES = [
  'LON', 'A_KASSA', 'AKTIVITETSSTOD', 'UTVECKLINGSERSATTNING', 'ETABLERINGSERSATTNING', 'SJUKPENNING', 'REHABILITERINGSPENNING',
  'SJUKERSATTNING', 'AKTIVITETSERSATTNING', 'FORSORJNINGSSTOD', 'INGEN_OFFENTLIG', 'OKAND',
];
const INCOME_SOURCES_PER_PERSON = 3;
const AGE_BANDS: [string, number, number][] = [
  ['FROM_16_TO_24', 16, 24], ['FROM_25_TO_29', 25, 29], ['FROM_30_TO_44', 30, 44], ['FROM_45_TO_64', 45, 64], ['FROM_65', 65, 200],
];
/** Counts whose true value is at least this are scored. */
const SCORED_FROM = 20;

interface Row {
  id: string;
  personnummer: string;
  registeredIn: string;
  registeredOut: string | null;
  occupationBefore: string;
  occupationAfter: string | null;
  incomeBefore: string[];
  incomeAfter: string[];
  intervention: string;
  forbund: string;
  municipality: string;
  sex: string;
  band: string;
  priorityGroups: string[];
  protectedIdentity: boolean;
}

interface Filter { interventionIds?: string[]; municipalityCodes?: string[]; sex?: string; ageBand?: string; priorityGroup?: string }

interface Args {
  from: string;
  to: string;
  groupBy?: string;
  filter?: Filter | null;
}

function ageOn(birthDate: string, day: string): number {
  const years = Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return day.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

const hasPriorityGroup = (r: Row, group: string) => (group === 'NONE' ? r.priorityGroups.length === 0 : r.priorityGroups.includes(group));

function matches(r: Row, filter: Filter | null | undefined): boolean {
  const f = filter ?? {};
  return (!f.interventionIds?.length || f.interventionIds.includes(r.intervention))
    && (!f.municipalityCodes?.length || f.municipalityCodes.includes(r.municipality))
    && (!f.sex || r.sex === f.sex) && (!f.ageBand || r.band === f.ageBand)
    && (!f.priorityGroup || hasPriorityGroup(r, f.priorityGroup));
}

/**
 * One participation per person per released period: among the person's participations whose
 * `day` falls in the period, the earliest registered in (then the smallest id). A query's period
 * is read as whole calendar years where it covers one (each year has a release of its own) and
 * months elsewhere: `periodOf` says which period a day falls in for the query.
 */
function boundedPerPeriod(rows: readonly Row[], day: (r: Row) => string | null, periodOf: (date: string) => string): { month: string; row: Row }[] {
  const chosen = new Map<string, { month: string; row: Row }>();
  for (const row of rows) {
    const date = day(row);
    if (date === null) continue;
    const month = date.slice(0, 7);
    const key = `${row.personnummer}|${periodOf(date)}`;
    const held = chosen.get(key);
    if (!held || row.registeredIn < held.row.registeredIn || (row.registeredIn === held.row.registeredIn && row.id < held.row.id)) chosen.set(key, { month, row });
  }
  return [...chosen.values()];
}

/** The sources a person is counted in: its own (each once), the first three in INCOME_SOURCES' order. */
const boundedSources = (sources: readonly string[]) => INCOME_SOURCES.filter((s) => sources.includes(s)).slice(0, INCOME_SOURCES_PER_PERSON);

/** The true figures of one group (or the total) of a follow-up, keyed as the answer's paths are: `started`, `occupationBefore.STUDIER`, … */
function trueFigures(started: readonly Row[], ended: readonly Row[]): Map<string, number> {
  const out = new Map<string, number>();
  const add = (key: string) => out.set(key, (out.get(key) ?? 0) + 1);
  for (const o of OCCUPATIONS) for (const side of ['occupationBefore', 'occupationAfter']) out.set(`${side}.${o}`, 0);
  out.set('started', 0); out.set('ended', 0); out.set('inWorkOrStudiesAfter', 0);
  for (const r of started) {
    add('started');
    add(`occupationBefore.${r.occupationBefore}`);
    for (const s of boundedSources(r.incomeBefore)) add(`incomeSourcesBefore.${s}`);
  }
  for (const r of ended) {
    add('ended');
    if (r.occupationAfter) add(`occupationAfter.${r.occupationAfter}`);
    if (r.occupationAfter === 'FORVARVSARBETE' || r.occupationAfter === 'STUDIER') add('inWorkOrStudiesAfter');
    for (const s of boundedSources(r.incomeAfter)) add(`incomeSourcesAfter.${s}`);
  }
  return out;
}

/** Whether a counted participation is in a group of the report (a priority group: its person is in it). */
const IN_GROUP: Record<string, (r: Row, key: string) => boolean> = {
  INTERVENTION: (r, key) => r.intervention === key, FORBUND: (r, key) => r.forbund === key, MUNICIPALITY: (r, key) => r.municipality === key,
  SEX: (r, key) => r.sex === key, AGE_BAND: (r, key) => r.band === key, PRIORITY_GROUP: hasPriorityGroup,
};

/** The published count cells of one group (or total), keyed as trueFigures keys them. */
function publishedFigures(group: Record<string, any>): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const [field, value] of Object.entries(group)) {
    if (value && typeof value === 'object' && 'suppressed' in value) out.set(field, value.value);
    if (Array.isArray(value)) for (const c of value) if (c?.count && 'suppressed' in c.count) out.set(`${field}.${c.category}`, c.count.value);
  }
  return out;
}

/** Every published count of an answer, wherever it is ({ value, suppressed } objects), with its path. */
function everyCount(value: unknown, at: string, out: { at: string; value: number | null }[] = []): { at: string; value: number | null }[] {
  if (Array.isArray(value)) value.forEach((v, i) => everyCount(v, `${at}[${(v as any)?.key ?? (v as any)?.category ?? (v as any)?.code ?? i}]`, out));
  else if (value && typeof value === 'object') {
    if ('suppressed' in value && 'value' in value) out.push({ at, value: (value as { value: number | null }).value });
    else for (const [k, v] of Object.entries(value)) everyCount(v, `${at}.${k}`, out);
  }
  return out;
}

/** The operation with `key` asked of every follow-up group, so that groups can be matched to the truth. */
function withGroupKeys(text: string): string {
  return print(visit(parse(text), {
    Field(node: FieldNode) {
      if (node.name.value !== 'groups' || !node.selectionSet) return undefined;
      if (node.selectionSet.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'key')) return undefined;
      return { ...node, selectionSet: { ...node.selectionSet, selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: 'key' } }, ...node.selectionSet.selections] } };
    },
  }));
}

describe('disclosure control keeps the analysts\' figures useful (issues 11 and 20)', () => {
  let graph: TestGraph;
  let analyst: string;
  let rows: Row[];
  beforeAll(async () => {
    graph = await startGraph({ cohortReleases: true, persons: 2000, env: NO_RATE_LIMIT });
    analyst = await graph.token('analyst', 'analyst-1');
    const db = graph.store('coordination');
    try {
      rows = (await sql<Record<string, string | number | null>>`
        SELECT p.id, p.personnummer, p.registered_in, p.registered_out, p.occupation_before, p.occupation_after, p.income_sources_before,
               p.income_sources_after, p.intervention_id, m.forbund_id, person.municipality_code, person.sex, person.birth_date,
               person.priority_groups, person.identity_protection
        FROM participation p JOIN person ON person.personnummer = p.personnummer
             JOIN municipality m ON m.code = person.municipality_code
        -- A participation registered in error (felregistrerad) was never one: no release counts it (docs/participations.md).
        WHERE p.end_reason IS NULL OR p.end_reason <> 'REGISTERED_IN_ERROR'`.execute(db)).rows
        .map((raw) => {
          const r = raw as Record<string, string | null>;
          const age = ageOn(r.birth_date!, r.registered_in!);
          return {
            id: String(raw.id), personnummer: r.personnummer!, registeredIn: r.registered_in!, registeredOut: r.registered_out ?? null,
            occupationBefore: r.occupation_before!, occupationAfter: r.occupation_after ?? null,
            incomeBefore: JSON.parse(r.income_sources_before!) as string[],
            incomeAfter: r.income_sources_after == null ? [] : (JSON.parse(r.income_sources_after) as string[]),
            intervention: r.intervention_id!, forbund: r.forbund_id!, municipality: r.municipality_code!, sex: r.sex!,
            band: AGE_BANDS.find(([, min, max]) => age >= min && age <= max)?.[0] ?? 'FROM_16_TO_24',
            priorityGroups: JSON.parse(r.priority_groups!) as string[], protectedIdentity: r.identity_protection !== 'NONE',
          };
        });
    } finally {
      await db.destroy();
    }
  });
  afterAll(() => graph?.close());

  it('publishes follow-up counts of 20 or more with a mean absolute relative error under 10 % in the example operations, none negative', async () => {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort();
    const answers: { file: string; field: FieldNode; args: Args; data: Record<string, any> }[] = [];
    for (const file of files) {
      const text = withGroupKeys(fs.readFileSync(path.join(dir, file), 'utf8'));
      const response = await graph.query(analyst, text);
      expect(response.body.errors, file).toBeUndefined();
      const operation = parse(text).definitions[0] as OperationDefinitionNode;
      for (const field of operation.selectionSet.selections as FieldNode[]) {
        const args = Object.fromEntries((field.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)])) as unknown as Args;
        answers.push({ file, field, args, data: response.body.data![field.alias?.value ?? field.name.value] });
      }
    }

    // No published count is negative, and each is a whole number (or null, suppressed).
    const counts = answers.flatMap((a) => everyCount(a.data, `${a.file} ${a.field.name.value}`));
    expect(counts.length).toBeGreaterThan(0);
    for (const { at, value } of counts) if (value !== null) expect(Number.isInteger(value) && value >= 0, `${at} = ${value}`).toBe(true);

    // Persons with protected identity are in no figure; a follow-up counts one participation per person per month and measure.
    const counted = rows.filter((r) => !r.protectedIdentity);
    // Whole calendar years inside the query's period are read from the year's release (every year
    // the operations cover whole has ended and is released); other months from the month's.
    const periodOf = (args: Args) => (date: string) => (args.from <= `${date.slice(0, 4)}-01-01` && args.to >= `${date.slice(0, 4)}-12-31` ? date.slice(0, 4) : date.slice(0, 7));
    const inPeriod = (day: (r: Row) => string | null, args: Args) => boundedPerPeriod(counted, day, periodOf(args))
      .filter(({ month }) => month >= args.from.slice(0, 7) && month <= args.to.slice(0, 7)).map(({ row }) => row).filter((r) => matches(r, args.filter));

    const errors: { where: string; truth: number; published: number }[] = [];
    const compare = (where: string, truth: Map<string, number>, published: Map<string, number | null>) => {
      for (const [key, value] of published) {
        const exact = truth.get(key) ?? 0;
        if (value !== null && exact >= SCORED_FROM) errors.push({ where: `${where} ${key}`, truth: exact, published: value });
      }
    };
    let cohortSizes = 0;
    for (const { file, field, args, data } of answers) {
      if (field.name.value === 'interventionFollowUp') {
        const started = inPeriod((r) => r.registeredIn, args);
        const ended = inPeriod((r) => r.registeredOut, args);
        const groupBy = args.groupBy ?? 'INTERVENTION';
        const inGroup = IN_GROUP[groupBy]!;
        for (const group of data.groups as Record<string, any>[]) {
          const of = (list: Row[]) => list.filter((r) => inGroup(r, group.key));
          compare(`${file} ${group.key}`, trueFigures(of(started), of(ended)), publishedFigures(group));
        }
        if (data.total) compare(`${file} total`, trueFigures(started, ended), publishedFigures(data.total));
      } else if (field.name.value === 'cohort' && data.size) {
        const size = inPeriod((r) => r.registeredIn, args).length;
        if (data.size.value !== null && size >= SCORED_FROM) cohortSizes++;
        compare(`${file} size`, new Map([['size', size]]), new Map([['size', data.size.value]]));
      }
    }
    const relative = errors.map((e) => Math.abs(e.published - e.truth) / e.truth);
    const mean = relative.reduce((s, v) => s + v, 0) / relative.length;
    const worst = errors.map((e, i) => ({ ...e, error: relative[i]! })).sort((a, b) => b.error - a.error).slice(0, 5);
    // Where the error is: by operation and figure (`size`, `started`, `occupationBefore`, …).
    const byPart = new Map<string, number[]>();
    errors.forEach((e, i) => {
      const [file, , key] = e.where.split(' ');
      const part = `${file!.replace('.graphql', '')} ${key!.split('.')[0]}`;
      byPart.set(part, [...(byPart.get(part) ?? []), relative[i]!]);
    });
    const breakdown = Object.fromEntries([...byPart].map(([part, r]) => [part, { counts: r.length, mare: Math.round((r.reduce((s, v) => s + v, 0) / r.length) * 1000) / 1000 }]));
    console.log(`disclosure utility: ${JSON.stringify({ counts: errors.length, cohortSizes, meanAbsoluteRelativeError: mean, worst, breakdown })}`);
    expect(errors.length - cohortSizes, 'published follow-up counts of 20 or more to compare').toBeGreaterThanOrEqual(30);
    expect(mean, `mean absolute relative error over ${errors.length} counts of 20 or more; worst: ${JSON.stringify(worst)}`).toBeLessThan(0.1);
  });

  it('publishes the same number for a figure reached by two routes', async () => {
    const report = async (from: string, to: string, groupBy: string, filter: string, figures: string) => {
      const response = await graph.query(analyst, `{ interventionFollowUp(from: "${from}", to: "${to}", groupBy: ${groupBy}${filter ? `, filter: ${filter}` : ''}) {
        groups { key ${figures} } total { ${figures} } } }`);
      expect(response.body.errors, `${from}–${to} by ${groupBy} ${filter}`).toBeUndefined();
      return response.body.data!.interventionFollowUp as { groups: Record<string, any>[]; total: Record<string, any> };
    };
    const COUNTS = 'started { value suppressed } ended { value suppressed } inWorkOrStudiesAfter { value suppressed }';
    const OCCUPATIONS_TOO = `${COUNTS} occupationBefore { category count { value suppressed } } occupationAfter { category count { value suppressed } }`;

    // A group of FollowUpByIntervention's report and the total of the same report filtered to that intervention.
    const byIntervention = await report('2025-01-01', '2025-12-31', 'INTERVENTION', '', COUNTS);
    const intervention = byIntervention.groups[0]!;
    const toIntervention = await report('2025-01-01', '2025-12-31', 'INTERVENTION', `{ interventionIds: ["${intervention.key}"] }`, COUNTS);
    expect(publishedFigures(toIntervention.total)).toEqual(publishedFigures(intervention));
    // A municipality of OccupationBeforeAndAfterByMunicipality's report and the total filtered to it.
    const byMunicipality = await report('2024-01-01', '2025-12-31', 'MUNICIPALITY', '', OCCUPATIONS_TOO);
    const municipality = byMunicipality.groups[0]!;
    const toMunicipality = await report('2024-01-01', '2025-12-31', 'MUNICIPALITY', `{ municipalityCodes: ["${municipality.key}"] }`, OCCUPATIONS_TOO);
    expect(publishedFigures(toMunicipality.total)).toEqual(publishedFigures(municipality));
    // Two half years and the months they are made of: the same monthly cells, summed.
    const [first, second] = [await report('2025-01-01', '2025-06-30', 'INTERVENTION', '', COUNTS), await report('2025-07-01', '2025-09-30', 'INTERVENTION', '', COUNTS)];
    const [third, both] = [await report('2025-10-01', '2025-12-31', 'INTERVENTION', '', COUNTS), await report('2025-07-01', '2025-12-31', 'INTERVENTION', '', COUNTS)];
    expect(first.total.started.value).toBeGreaterThan(0);
    for (const figure of ['started', 'ended', 'inWorkOrStudiesAfter'] as const) expect(second.total[figure].value + third.total[figure].value, figure).toBe(both.total[figure].value);
  });
});
