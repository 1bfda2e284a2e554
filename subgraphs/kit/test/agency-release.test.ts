import { importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RELEASE_REQUEST_BYTES, agencyReleaseUrl } from '../src/agency-statistics-release.ts';
import { signStatisticsBasis } from '../src/release-basis.ts';
import { AnswerLayout, Answers, answersInListOrder } from '../src/signal-statistics.ts';
import { KEY_AGREEMENT_ALGORITHM, loadOrCreateEncryptionKey } from '../src/signing-key.ts';
import {
  DEFAULT_MEASURE, DEFAULT_RHO_PER_RELEASE, RHO_PER_YEAR_OF_SCHEDULE, RHO_PER_YEAR_RELEASE, STATISTICS_RELEASE_PATH, agencyFigures, agencyReleaseRows,
  agencyReleaseWorkload, compactRelease, isReleasePeriod, memberListProblem, protectTables, rhoOfPeriod, seededRandom, wholeMonths,
  type ReleaseKindDomain, type ReleaseMember, type ReleaseMemberList, type StatisticsRelease,
} from '../src/statistics-release/index.ts';
import { NOW, coordinationAndAgency } from './support/release-fixtures.ts';

const KINDS: ReleaseKindDomain[] = [
  { name: 'benefitsNow', domain: ['SJUKPENNING', 'AKTIVITETSERSATTNING', 'SJUKERSATTNING'], valuesPerPerson: 2 },
  { name: 'sickLeaveByDegree', domain: ['25', '50', '100'], valuesPerPerson: 1 },
];
const DOMAINS = { intervention: ['I-1', 'I-2'], municipality: ['1280', '1281', '1480'] };

const member = (n: number, over: Partial<ReleaseMember> = {}): ReleaseMember => ({
  personnummer: `19800101${String(n).padStart(4, '0')}`, consentValidFrom: '2025-01-01', consentValidTo: '2027-12-31',
  intervention: 'I-1', municipality: '1280', sex: 'FEMALE', ageBand: 'FROM_30_TO_44', priorityGroups: [], ...over,
});

/** A release with noise far below one person (σ² = k/(2ρ) ≈ 10⁻⁷): its cells are the true counts, so what is counted where can be checked. */
function exactRelease(period: string, members: ReleaseMember[], categories: Record<string, string[][]>, kinds = KINDS): StatisticsRelease {
  return protectTables(agencyReleaseRows(members, categories, '2026-02-10'), agencyReleaseWorkload(kinds, DOMAINS), 1e7, seededRandom(period), { period });
}

describe('an agency release\'s workload', () => {
  it('holds eleven tables a kind: the kind alone, by each member dimension, per priority group, and mental ill health by municipality', () => {
    const workload = agencyReleaseWorkload(KINDS, DOMAINS);
    const of = (kind: string) => workload.marginals.filter((m) => m.dimensions[0] === kind).map((m) => `${m.measure ?? DEFAULT_MEASURE} [${m.dimensions.join(', ')}]`);
    expect(of('benefitsNow')).toEqual([
      'participants [benefitsNow]', 'participants [benefitsNow, intervention]', 'participants [benefitsNow, municipality]', 'participants [benefitsNow, sex]',
      'participants [benefitsNow, ageBand]', 'priorityGroup.LONG_TERM_SICK_LISTED [benefitsNow]', 'priorityGroup.YOUNG_WITH_ACTIVITY_COMPENSATION [benefitsNow]',
      'priorityGroup.YOUNG_WITH_DISABILITY [benefitsNow]', 'priorityGroup.MENTAL_ILL_HEALTH [benefitsNow]', 'priorityGroup.NONE [benefitsNow]',
      'priorityGroup.MENTAL_ILL_HEALTH [benefitsNow, municipality]',
    ]);
    expect(workload.marginals).toHaveLength(22);
    expect(workload.multiValued).toEqual({ benefitsNow: 2, sickLeaveByDegree: 1 });
    expect(workload.domains.municipality).toEqual(DOMAINS.municipality);
  });

  it('refuses a category outside its kind\'s domain without naming the member', () => {
    const draw = () => exactRelease('2026-01', [member(7)], { benefitsNow: [['ARBETSLOSHETSERSATTNING']], sickLeaveByDegree: [[]] });
    expect(draw).toThrow(/member 0 has benefitsNow = ARBETSLOSHETSERSATTNING, outside the domain/);
    expect(draw).not.toThrow(new RegExp(member(7).personnummer));
  });

  it('refuses a kind named like a member dimension', () => {
    expect(() => agencyReleaseWorkload([{ name: 'sex', domain: ['A'], valuesPerPerson: 1 }], DOMAINS)).toThrow(/named like a dimension/);
  });

  it('counts a member once in each of its categories up to k (the first k in the domain\'s order), in no cell of a kind it has none of, and in NONE without a priority group', () => {
    const members = [member(1, { priorityGroups: ['MENTAL_ILL_HEALTH'] }), member(2, { municipality: '1480' }), member(3)];
    const release = exactRelease('2026-01', members, {
      benefitsNow: [['SJUKERSATTNING', 'AKTIVITETSERSATTNING', 'SJUKPENNING'], ['SJUKERSATTNING'], []],
      sickLeaveByDegree: [['50'], [], ['100']],
    });
    const cells = (measure: string, dimensions: string[]) => Object.fromEntries(release.tables.find((t) => t.measure === measure && t.dimensions.join() === dimensions.join())!
      .cells.filter((c) => c.count > 0).map((c) => [Object.values(c.values).join('/'), c.count]));
    // k = 2: the first two of the domain's order, whatever order the register gave them in.
    expect(cells('participants', ['benefitsNow'])).toEqual({ SJUKPENNING: 1, AKTIVITETSERSATTNING: 1, SJUKERSATTNING: 1 });
    expect(cells('participants', ['benefitsNow', 'municipality'])).toEqual({ 'SJUKPENNING/1280': 1, 'AKTIVITETSERSATTNING/1280': 1, 'SJUKERSATTNING/1480': 1 });
    expect(cells('priorityGroup.NONE', ['sickLeaveByDegree'])).toEqual({ 100: 1 });
    expect(cells('priorityGroup.MENTAL_ILL_HEALTH', ['sickLeaveByDegree', 'municipality'])).toEqual({ '50/1280': 1 });
    expect(release.tables.find((t) => t.dimensions.join() === 'benefitsNow')).toMatchObject({ contributionsPerPerson: 2 });
  });
});

describe('a cohort\'s figures from an agency\'s releases', () => {
  const members = [
    member(1, { municipality: '1280', sex: 'MALE', priorityGroups: ['MENTAL_ILL_HEALTH'] }), member(2, { municipality: '1281', intervention: 'I-2' }),
    member(3, { municipality: '1480', priorityGroups: ['MENTAL_ILL_HEALTH', 'LONG_TERM_SICK_LISTED'] }),
  ];
  const january = exactRelease('2026-01', members, { benefitsNow: [['SJUKPENNING'], ['SJUKPENNING'], ['SJUKERSATTNING']], sickLeaveByDegree: [['50'], ['25'], []] });
  const february = exactRelease('2026-02', members, { benefitsNow: [['SJUKPENNING'], [], ['SJUKPENNING']], sickLeaveByDegree: [['100'], [], ['50']] });
  const both = [compactRelease(january), compactRelease(february)];
  const figures = (filter: Parameters<typeof agencyFigures>[3], releases = both) => agencyFigures(releases, both, ['benefitsNow', 'sickLeaveByDegree'] as const, filter);
  const counts = (result: ReturnType<typeof figures>, kind: 'benefitsNow' | 'sickLeaveByDegree') => {
    if (!result.ok) throw new Error(result.refusal.message);
    return Object.fromEntries(result.value[kind].map((c) => [c.category, c.count]));
  };

  it('sums each category\'s cells over the period\'s releases, every category listed', () => {
    expect(counts(figures(null), 'benefitsNow')).toEqual({ SJUKPENNING: 4, AKTIVITETSERSATTNING: 0, SJUKERSATTNING: 1 });
    expect(counts(figures(null), 'sickLeaveByDegree')).toEqual({ 25: 1, 50: 2, 100: 1 });
    expect(counts(figures(null, [both[1]!]), 'benefitsNow')).toEqual({ SJUKPENNING: 2, AKTIVITETSERSATTNING: 0, SJUKERSATTNING: 0 });
  });

  it('reads a filter from the one table of its dimension, a list summing its values\' cells', () => {
    expect(counts(figures({ municipalityCodes: ['1280', '1480'] }), 'benefitsNow')).toEqual({ SJUKPENNING: 3, AKTIVITETSERSATTNING: 0, SJUKERSATTNING: 1 });
    expect(counts(figures({ interventionIds: ['I-2'] }), 'sickLeaveByDegree')).toEqual({ 25: 1, 50: 0, 100: 0 });
    expect(counts(figures({ sex: 'MALE' }), 'benefitsNow')).toEqual({ SJUKPENNING: 2, AKTIVITETSERSATTNING: 0, SJUKERSATTNING: 0 });
    expect(counts(figures({ priorityGroup: 'LONG_TERM_SICK_LISTED' }), 'sickLeaveByDegree')).toEqual({ 25: 0, 50: 1, 100: 0 });
    expect(counts(figures({ priorityGroup: 'NONE' }), 'benefitsNow')).toEqual({ SJUKPENNING: 1, AKTIVITETSERSATTNING: 0, SJUKERSATTNING: 0 });
    expect(counts(figures({ priorityGroup: 'MENTAL_ILL_HEALTH', municipalityCodes: ['1480'] }), 'benefitsNow')).toEqual({ SJUKPENNING: 1, AKTIVITETSERSATTNING: 0, SJUKERSATTNING: 1 });
    // An empty list is no filter, as coordination reads it.
    expect(figures({ interventionIds: [] })).toEqual(figures(null));
  });

  it('refuses a combination no table holds naming filter and listing what is released, and a value no release has naming its argument', () => {
    const refusal = (result: ReturnType<typeof figures>) => (result.ok ? null : { ...result.refusal.details, message: result.refusal.message, code: result.refusal.code });
    expect(refusal(figures({ sex: 'MALE', ageBand: 'FROM_65' }))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter', message: expect.stringContaining('by municipality, by intervention, by sex, by age band') });
    expect(refusal(figures({ priorityGroup: 'YOUNG_WITH_DISABILITY', municipalityCodes: ['1280'] }))).toMatchObject({ argument: 'filter' });
    expect(refusal(figures({ municipalityCodes: ['9999'] }))).toMatchObject({ argument: 'filter.municipalityCodes' });
    expect(refusal(figures({ priorityGroup: 'EVERYONE' }))).toMatchObject({ argument: 'filter.priorityGroup' });
    // A cohort id is anyone's to write through _entities: a filter of the wrong shape is refused, not thrown.
    expect(refusal(figures({ municipalityCodes: '1280' as unknown as string[] }))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.municipalityCodes' });
    expect(refusal(figures({ sex: ['MALE'] as unknown as string }))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.sex' });
  });

  it('lists a category a later release added, 0 in the periods before it', () => {
    const widened = [...KINDS.slice(0, 1), { ...KINDS[1]!, domain: ['25', '50', '75', '100'] }];
    const march = compactRelease(exactRelease('2026-03', members, { benefitsNow: [[], [], []], sickLeaveByDegree: [['75'], [], []] }, widened));
    const result = agencyFigures([both[0]!], [...both, march], ['sickLeaveByDegree'] as const, null);
    expect(result.ok && result.value.sickLeaveByDegree).toEqual([{ category: '25', count: 1 }, { category: '50', count: 1 }, { category: '75', count: 0 }, { category: '100', count: 0 }]);
  });
});

describe('a member list for an agency\'s release', () => {
  const list = (over: Partial<ReleaseMemberList> = {}): ReleaseMemberList => ({
    agency: 'CARE', period: '2026-01', from: '2026-01-01', to: '2026-01-31', asOf: '2026-02-15', domains: DOMAINS, members: [member(1), member(2)], ...over,
  });
  const problem = (l: unknown) => memberListProblem(l, 'CARE', '2026-01', '2026-02-15');

  it('is taken as coordination writes it', () => {
    expect(problem(list())).toBeNull();
    expect(problem(list({ period: '2025', from: '2025-01-01', to: '2025-12-31' }))).toMatchObject({ of: 'period' });
  });

  it('tells a list for another agency or period from one of the wrong shape, naming no personnummer', () => {
    expect(problem(list({ agency: 'EMPLOYMENT' }))).toMatchObject({ of: 'agency' });
    expect(problem(list({ period: '2026-02', from: '2026-02-01', to: '2026-02-28' }))).toMatchObject({ of: 'period' });
    const shapes = [
      list({ to: '2026-01-30' }), list({ asOf: '2026-02-17' }), list({ asOf: 'soon' }), list({ domains: { intervention: [], municipality: ['1280'] } }),
      list({ members: [member(1), member(1)] }), list({ members: [member(1, { municipality: '0000' })] }), list({ members: [member(1, { sex: 'OTHER' })] }),
      list({ members: [member(1, { priorityGroups: ['NONE'] })] }), list({ members: [{ ...member(1), personnummer: '1980' }] }), [], null,
    ];
    for (const l of shapes) {
      const found = problem(l);
      expect(found?.of, JSON.stringify(l)).toBe('shape');
      expect(found!.problem).not.toMatch(/\d{12}/);
    }
  });
});

describe('periods and ρ of the releases', () => {
  it('takes whole months only, naming from or to', () => {
    expect(wholeMonths('2025-01-01', '2025-12-31')).toEqual({ ok: true, value: { fromMonth: '2025-01', toMonth: '2025-12' } });
    const argument = (from: string, to: string) => { const r = wholeMonths(from, to); return r.ok ? null : r.refusal.details?.argument; };
    expect([argument('2025-01-02', '2025-01-31'), argument('2025-01-01', '2025-01-30'), argument('2025-02-30', '2025-03-31'), argument('2025-03-01', '2025-01-31')])
      .toEqual(['from', 'to', 'from', 'from']);
  });

  it('names a month or a calendar year, and spends a month\'s ρ on a month and the year\'s on a year', () => {
    expect(['2025', '2025-01', '2025-12'].every(isReleasePeriod)).toBe(true);
    expect(['2025-13', '2025-1', '25', '2025-01-01', ''].some(isReleasePeriod)).toBe(false);
    expect([rhoOfPeriod('2025-03'), rhoOfPeriod('2025')]).toEqual([DEFAULT_RHO_PER_RELEASE, RHO_PER_YEAR_RELEASE]);
    expect(RHO_PER_YEAR_OF_SCHEDULE).toBe(14);
  });
});

describe('the release\'s answers and address', () => {
  it('places the answers on the counted members in the list\'s order, the others not released', () => {
    const layout = new AnswerLayout<'yes'>([['yes', 1]]);
    const answered = Answers.empty(layout, 2);
    answered.set(0, 'released');
    answered.set(1, 'released');
    answered.set(1, 'yes');
    const placed = answersInListOrder([false, true, false, true], answered);
    expect([0, 1, 2, 3].map((i) => [placed.get(i, 'released'), placed.get(i, 'yes')])).toEqual([[false, false], [true, false], [false, false], [true, true]]);
  });

  it('is the agency\'s GraphQL URL with /graphql replaced', () => {
    expect(agencyReleaseUrl('http://127.0.0.1:4005/graphql')).toBe(`http://127.0.0.1:4005${STATISTICS_RELEASE_PATH}`);
    expect(agencyReleaseUrl('https://127.0.0.1:8443/region/graphql?x=1')).toBe(`https://127.0.0.1:8443/region${STATISTICS_RELEASE_PATH}`);
  });
});

describe('a request for a large association', () => {
  let parties: Awaited<ReturnType<typeof coordinationAndAgency>>;
  beforeAll(async () => { parties = await coordinationAndAgency(); });
  afterAll(() => parties.close());

  it('fits a list of 100,000 members, signed and sealed, within the bound the route takes, and the agency reads it back', async () => {
    const members = Array.from({ length: 100_000 }, (_, n) => member(n, {
      personnummer: `19${String(50 + (n % 50)).padStart(2, '0')}0101${String(n).padStart(4, '0')}`.slice(0, 12),
      intervention: `INTERVENTION-${String(n % 900).padStart(4, '0')}`, municipality: String(1000 + (n % 290)), sex: n % 2 ? 'MALE' : 'FEMALE',
      ageBand: 'FROM_45_TO_64', priorityGroups: n % 3 ? ['LONG_TERM_SICK_LISTED', 'MENTAL_ILL_HEALTH'] : [],
    }));
    const list = JSON.stringify({ agency: 'CARE', period: '2026', from: '2026-01-01', to: '2026-12-31', asOf: '2027-01-15', domains: DOMAINS, members } satisfies ReleaseMemberList);
    const careKey = await loadOrCreateEncryptionKey(parties.dataDir, 'care');
    const recipient = { kid: careKey.kid, key: await importJWK(careKey.publicJwk, KEY_AGREEMENT_ALGORITHM) };
    const basis = await signStatisticsBasis(parties.key, 'CARE', '2026', list, recipient, NOW);
    const body = JSON.stringify({ basis, period: '2026' });
    // About 32 MB with two priority groups for two members in three and long intervention ids: half the bound.
    expect(body.length).toBeLessThan(MAX_RELEASE_REQUEST_BYTES * 0.55);
    const verified = await (await import('../src/release-basis.ts')).createReleaseBasisVerifier({}, parties.dataDir, { now: () => NOW, decryptionKey: careKey }).statistics('CARE', basis, '2026');
    expect(verified.ok && verified.list).toBe(list);
  }, 60_000);
});
