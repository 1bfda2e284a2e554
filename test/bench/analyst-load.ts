/**
 * `npm run bench -- analyst-load`: the issue-20 acceptance load, in three turns of one run so the
 * ratio is read side by side: after BENCH_WARM_UP_SECONDS (10) of coordinators alone, not counted, 4 coordinators ask PersonOverview in a loop alone for half of
 * BENCH_SECONDS, then beside 20 analysts (distinct subs) for BENCH_SECONDS (60), then alone again
 * for half. The analysts send a mix of analyst requests with varied definitions, each waiting for
 * its answer before the next (and after a 429 the `retry-after` it names; 200 ms with
 * BENCH_RETRY_AFTER=ignore). Reported: the coordinators' overviews answered whole and their
 * latency in each turn and the ratio of the p50s; the analysts' answers, 429s and refusals by
 * reason; each process's CPU seconds per turn (from /proc), to see where analysts' work lands;
 * each store's growth on disk (SQLite file + WAL; every member municipality's store too) and in
 * audit rows (measure.ts). BENCH_ANALYSTS (20) and
 * BENCH_COORDINATORS (4) change the crowd.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main as analystsCommand } from '@finsam/gateway/analysts-cli';
import { mintDevToken } from '@finsam/gateway/dev-issuer';
import { capturedOutput } from '@finsam/kit/command-output';
import { intFromEnv } from '@finsam/kit/config';
import { todayIso } from '@finsam/kit/dates';
import { generatePopulation } from '@finsam/devkit/population/generate';
import { cpuSeconds, storeFigures } from './measure.ts';

/** How the bench POSTs a request to the gateway (run.ts's `post`): the loads share it. */
export type Post = (url: string, authorization: string, query: string, variables: Record<string, unknown>) =>
  Promise<{ status: number; retryAfter?: number; body: { data?: any; errors?: { message?: string; extensions?: Record<string, unknown> }[] } }>;

export interface AnalystLoadOptions {
  gateway: string;
  dataDir: string;
  persons: number;
  post: Post;
  /** Coordinators with their caseloads, from the coordinator bench's workload. */
  coordinators: { coordinator: string; token: string; persons: string[] }[];
  /** The graph's processes by name, for their CPU time. */
  pids: Record<string, number>;
}

const SECONDS = intFromEnv('BENCH_SECONDS', 60);
const ANALYSTS = intFromEnv('BENCH_ANALYSTS', 20);
const COORDINATORS = intFromEnv('BENCH_COORDINATORS', 4);
const WARM_UP_SECONDS = intFromEnv('BENCH_WARM_UP_SECONDS', 10);
const PERSON_OVERVIEW = fs.readFileSync(path.resolve(import.meta.dirname, '../../schema/operations/PersonOverview.graphql'), 'utf8');

const COUNT = '{ value suppressed }';
const DIMENSIONS = ['INTERVENTION', 'FORBUND', 'MUNICIPALITY', 'SEX', 'AGE_BAND', 'PRIORITY_GROUP'];
const PRIORITY_GROUPS = ['LONG_TERM_SICK_LISTED', 'YOUNG_WITH_ACTIVITY_COMPENSATION', 'YOUNG_WITH_DISABILITY', 'MENTAL_ILL_HEALTH'];
/** Periods of released months (the seed's registrations begin in 2025; a month is released two weeks after it ends). */
const PERIODS = [['2025-01-01', '2025-12-31'], ['2025-01-01', '2025-06-30'], ['2025-07-01', '2025-12-31'], ['2025-04-01', '2025-09-30'], ['2025-01-01', '2025-03-31'], ['2025-10-01', '2025-12-31']];

const FOLLOW_UP = `query($from: String!, $to: String!, $groupBy: FollowUpDimension, $filter: FollowUpFilter) {
  interventionFollowUp(from: $from, to: $to, groupBy: $groupBy, filter: $filter) {
    groups { key started ${COUNT} ended ${COUNT} }
    total { started ${COUNT} ended ${COUNT} occupationBefore { category count ${COUNT} } shareInWorkOrStudiesAfter }
  }
}`;
const COHORT_FIELDS = `size ${COUNT}
    sicknessInsurance { benefitsNow { category count ${COUNT} } sickLeaveByDegree { category count ${COUNT} } }
    employment { registeredNow ${COUNT} inProgrammeNow { category count ${COUNT} } }
    socialServices { assistanceMonthsLast12 { category count ${COUNT} } }
    care { certificatesByChapter { category count ${COUNT} } }
    signals { byCode { code count ${COUNT} } }`;
const COHORT = `query($from: String!, $to: String!, $filter: FollowUpFilter) { cohort(from: $from, to: $to, filter: $filter) { ${COHORT_FIELDS} } }`;
/** The attacker's request: 20 aliased cohorts with signals in one document. */
const ALIASED_SIGNAL_COHORTS = (filters: string[]) => `{ ${filters.map((f, i) => `c${i}: cohort(from: "2025-01-01", to: "2025-12-31"${f ? `, filter: ${f}` : ''}) { size { value } signals { byCode { code } } }`).join('\n')} }`;

interface Request { kind: string; query: string; variables: Record<string, unknown> }

/** The i-th request of an analyst: follow-ups, cohorts and now and then the heavy aliased one, definitions varied by analyst and turn. */
function analystRequest(analyst: number, i: number, municipalities: string[]): Request {
  const pick = <T>(list: readonly T[], n: number) => list[((n % list.length) + list.length) % list.length]!;
  const n = analyst * 7 + i;
  const [from, to] = pick(PERIODS, n);
  switch (i % 6) {
    case 0: case 3:
      // Read from the statistics release: every dimension released for started and ended (a priority-group filter is not).
      return { kind: 'interventionFollowUp', query: FOLLOW_UP, variables: { from, to, groupBy: pick(DIMENSIONS.filter((d) => d !== 'PRIORITY_GROUP'), n), filter: null } };
    case 1:
      return { kind: 'cohort', query: COHORT, variables: { from, to, filter: { municipalityCodes: [pick(municipalities, n)] } } };
    case 4:
      // The releases hold the cohort tables by one filter dimension, or a priority group (mental ill health also by municipality).
      return { kind: 'cohort', query: COHORT, variables: { from, to, filter: { priorityGroup: pick(PRIORITY_GROUPS, n) } } };
    case 2:
      return { kind: 'cohort (whole population, all agencies)', query: COHORT, variables: { from: '2025-01-01', to: '2025-12-31', filter: null } };
    default:
      return { kind: '20 aliased signal cohorts', query: ALIASED_SIGNAL_COHORTS(Array.from({ length: 20 }, (_, k) => (k === 0 ? '' : `{ municipalityCodes: ["${pick(municipalities, k + analyst)}"] }`))), variables: {} };
  }
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const mb = (bytes: number) => (bytes / 1_000_000).toFixed(2);

export async function analystLoad(options: AnalystLoadOptions): Promise<void> {
  const population = generatePopulation({ seed: 1, persons: options.persons, referenceDate: todayIso() });
  const municipalities = population.forbund.flatMap((f) => f.municipalities.map((m) => m.code));
  const subs = Array.from({ length: ANALYSTS }, (_, i) => `analyst-load-${i + 1}`);
  // On the förbund's list first (`npm run analysts -- add`), as an administrator would: the gateway refuses any other analyst.
  for (const sub of subs) {
    const output = capturedOutput();
    if (await analystsCommand(['add', sub], { ...process.env, DATA_DIR: options.dataDir }, output) !== 0) throw new Error(output.all());
  }
  const analysts = await Promise.all(subs.map((sub) => mintDevToken(options.dataDir, { sub, role: 'analyst', expiresIn: '1h' })));
  // The running gateway rereads the list every few seconds (KNOWN_ANALYSTS_MAX_AGE_MS): wait until it serves the last one added.
  while ((await options.post(`${options.gateway}/graphql`, `Bearer ${analysts.at(-1)!}`, '{ __typename }', {})).status === 403) await new Promise((r) => setTimeout(r, 250));
  const coordinators = options.coordinators.slice(0, COORDINATORS);
  const url = `${options.gateway}/graphql`;

  const before = storeFigures(options.dataDir);
  const analystOutcomes = new Map<string, number>();
  const byKind = new Map<string, Map<string, number>>();
  const count = (kind: string, outcome: string) => {
    analystOutcomes.set(outcome, (analystOutcomes.get(outcome) ?? 0) + 1);
    const map = byKind.get(kind) ?? byKind.set(kind, new Map()).get(kind)!;
    map.set(outcome, (map.get(outcome) ?? 0) + 1);
  };
  const analystTimes: number[] = [];
  /** The first error message of each refusal, with its request's variables: what an analyst would read. */
  const firstMessages = new Map<string, string>();

  const analystsUntil = (deadline: number) => analysts.map(async (token, a) => {
    for (let i = 0; Date.now() < deadline; i++) {
      const request = analystRequest(a, i, municipalities);
      const started = performance.now();
      const answer = await options.post(url, `Bearer ${token}`, request.query, request.variables).catch(() => ({ status: 0, retryAfter: undefined, body: {} as { errors?: { extensions?: Record<string, unknown> }[] } }));
      const reasons = [...new Set((answer.body.errors ?? []).map((e) => String(e.extensions?.reason ?? e.extensions?.code)))];
      if (answer.status === 429) {
        count(request.kind, '429 RATE_LIMITED');
        // As an HTTP client should, after `retry-after` (BENCH_RETRY_AFTER=ignore: 200 ms, an analyst's script that does not).
        const wait = process.env.BENCH_RETRY_AFTER === 'ignore' || answer.retryAfter === undefined ? 200 : answer.retryAfter * 1000;
        await new Promise((resolve) => setTimeout(resolve, Math.min(wait, Math.max(0, deadline - Date.now()))));
      } else if (answer.status === 200 && reasons.length === 0) {
        count(request.kind, 'answered');
        analystTimes.push(performance.now() - started);
      } else {
        const outcome = `HTTP ${answer.status} ${reasons.sort().join('+')}`;
        count(request.kind, outcome);
        if (!firstMessages.has(outcome)) firstMessages.set(outcome, `${(answer.body.errors?.[0] as { message?: string } | undefined)?.message ?? ''} (${JSON.stringify(request.variables)})`);
      }
    }
  });
  type Overview = { ms: number; whole: boolean; codes: string[] };
  const coordinatorsUntil = (deadline: number, overviews: Overview[]) => coordinators.map(async (work, c) => {
    for (let i = c; Date.now() < deadline; i += coordinators.length) {
      const started = performance.now();
      const answer = await options.post(url, `Bearer ${work.token}`, PERSON_OVERVIEW, { personnummer: work.persons[i % work.persons.length] })
        .catch(() => ({ status: 0, body: {} as { data?: any; errors?: { extensions?: Record<string, unknown> }[] } }));
      // A consent refusal (FORBIDDEN naming the agency) is the whole answer for that person.
      const unexpected = (answer.body.errors ?? []).filter((e) => e.extensions?.code !== 'FORBIDDEN' || !e.extensions?.agency);
      overviews.push({ ms: performance.now() - started, whole: answer.status === 200 && !!answer.body.data?.person && unexpected.length === 0, codes: unexpected.map((e) => String(e.extensions?.code)) });
    }
  });

  console.log(`\nAnalyst load: after ${WARM_UP_SECONDS} s of warm-up, ${COORDINATORS} coordinators alone for ${SECONDS / 2} s, beside ${ANALYSTS} analysts for ${SECONDS} s, alone again for ${SECONDS / 2} s; ${options.persons} persons, ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}\n`);
  const turns: { name: string; seconds: number; analysts: boolean }[] = [
    { name: 'alone', seconds: SECONDS / 2, analysts: false },
    { name: `beside ${ANALYSTS} analysts`, seconds: SECONDS, analysts: true },
    { name: 'alone again', seconds: SECONDS / 2, analysts: false },
  ];
  // Warm up first (compiled code, caches, the release job's garbage): the first seconds after start were 40 % slower.
  await Promise.all(coordinatorsUntil(Date.now() + WARM_UP_SECONDS * 1000, []));
  const results: { name: string; overviews: Overview[]; cpu: Record<string, number> }[] = [];
  for (const turn of turns) {
    const cpuBefore = Object.fromEntries(Object.entries(options.pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
    const deadline = Date.now() + turn.seconds * 1000;
    const overviews: Overview[] = [];
    await Promise.all([...(turn.analysts ? analystsUntil(deadline) : []), ...coordinatorsUntil(deadline, overviews)]);
    // The audit appends of the last answers are committed on writer threads; let them land.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    results.push({ name: turn.name, overviews, cpu: Object.fromEntries(Object.entries(options.pids).map(([name, pid]) => [name, (cpuSeconds(pid) - cpuBefore[name]!) / turn.seconds])) });
  }
  const after = storeFigures(options.dataDir);

  const p50Of = (overviews: Overview[]) => pct(overviews.filter((o) => o.whole).map((o) => o.ms).sort((a, b) => a - b), 50);
  console.log('| coordinators\' PersonOverview | answered whole / total | p50 ms | p95 ms | max ms | not whole, by error code |');
  console.log('| --- | ---: | ---: | ---: | ---: | --- |');
  for (const { name, overviews } of results) {
    const times = overviews.filter((o) => o.whole).map((o) => o.ms).sort((a, b) => a - b);
    const failedCodes = new Map<string, number>();
    for (const o of overviews.filter((x) => !x.whole)) for (const code of o.codes.length ? o.codes : ['no answer']) failedCodes.set(code, (failedCodes.get(code) ?? 0) + 1);
    console.log(`| ${name} | ${times.length} / ${overviews.length} | ${fmt(pct(times, 50))} | ${fmt(pct(times, 95))} | ${fmt(times.at(-1) ?? NaN)} | ${[...failedCodes].map(([k, v]) => `${k} ${v}`).join(', ') || '–'} |`);
  }
  const alone = p50Of([...results[0]!.overviews, ...results[2]!.overviews]);
  console.log(`\nCoordinators' p50 beside analysts ÷ alone (both alone turns): ${(p50Of(results[1]!.overviews) / alone).toFixed(2)} (target 1.25)`);
  console.log(`\n| CPU seconds per second | ${results.map((r) => r.name).join(' | ')} |\n| --- |${results.map(() => ' ---: |').join('')}`);
  for (const name of Object.keys(options.pids)) console.log(`| ${name} | ${results.map((r) => r.cpu[name]!.toFixed(2)).join(' | ')} |`);
  console.log(`| all | ${results.map((r) => Object.values(r.cpu).reduce((a, b) => a + b, 0).toFixed(2)).join(' | ')} |`);

  const aTimes = analystTimes.sort((a, b) => a - b);
  console.log(`\n| analysts' requests | count |\n| --- | ---: |`);
  for (const [outcome, n] of [...analystOutcomes].sort((a, b) => b[1] - a[1])) console.log(`| ${outcome} | ${n} |`);
  console.log(`| answered: p50 / p95 ms | ${fmt(pct(aTimes, 50))} / ${fmt(pct(aTimes, 95))} |`);
  console.log('\n| analyst request kind | outcomes |\n| --- | --- |');
  for (const [kind, outcomes] of byKind) console.log(`| ${kind} | ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')} |`);
  for (const [outcome, message] of firstMessages) console.log(`first ${outcome}: ${message.slice(0, 300)}`);

  console.log('\n| store | growth MB (file + WAL) | audit rows added |\n| --- | ---: | ---: |');
  for (const store of Object.keys(after)) {
    console.log(`| ${store} | ${mb(after[store]!.bytes - before[store]!.bytes)} | ${after[store]!.auditRows - before[store]!.auditRows} |`);
  }
  console.log('');
}
