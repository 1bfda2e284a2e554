/**
 * `npm run bench -- soak`: the graph under a steady mixed load for BENCH_SOAK_MINUTES (10), after
 * BENCH_WARM_UP_SECONDS (60) of the same load, to see whether a process keeps memory it should
 * have given back (a cache without a bound, a listener per request, a map that only grows) or
 * begins to fail after minutes. The load is bounded, as a förbund's working day is:
 *
 * - BENCH_SOAK_COORDINATORS (6) coordinators, each on their own caseload, sending the registered
 *   operations the client sends (PersonOverview, Caseload, FindPerson) one after another;
 * - BENCH_SOAK_ANALYSTS (2) analysts running the operations of schema/operations/analyst/ in
 *   turn, one at a time with BENCH_SOAK_ANALYST_PAUSE_MS (2500) between them, so that they stay
 *   under the per-analyst 30 a minute (docs/analyst-limits.md); a 429 is waited out as its
 *   `retry-after` says, as in analyst-load.ts;
 * - BENCH_SOAK_WRITERS (2) coordinators writing in a cycle: RegisterParticipation (an anonymous
 *   participant, with a fresh submissionKey), EndParticipation of it, RecordConsent and
 *   RevokeConsent for a person of their caseload, and HandleSignal for a signal their Caseload
 *   shows, BENCH_SOAK_WRITE_PAUSE_MS (250) between writes.
 *
 * What each process holds is read at the end of the warm-up and at the end of the soak, under the
 * load, KEPT_READINGS times 10 s apart (the medians compared): reading its `/metrics` makes a
 * process started with --expose-gc (the soak alone starts the graph so) collect in full and
 * compact (`nodejs_heap_used_after_full_gc_bytes`, kit metrics.ts), and its resident set is read
 * 2 s later. More than 10 % growth of either, the heap used after that collection or the
 * resident set after it, fails the run, as does any error not among the expected refusals below.
 *
 * Each process's resident set is also sampled every 10 s (VmRSS from /proc/<pid>/status) and the
 * median of the last minute of each phase printed, as an operator's graph would show it; it is not
 * the criterion. Between collections it holds the garbage V8 has not yet collected and the pages a
 * full collection leaves fragmented: the same processes' samples moved from −18 % to +25 % between
 * runs whose heap and resident set after a compacting collection moved by less than 7 %
 * (docs/performance.md, "Soak"), so that median cannot tell a leak from V8's sizing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main as analystsCommand } from '@finsam/gateway/analysts-cli';
import { mintDevToken } from '@finsam/gateway/dev-issuer';
import { capturedOutput } from '@finsam/kit/command-output';
import { intFromEnv } from '@finsam/kit/config';
import { addDays, todayIso } from '@finsam/kit/dates';
import { generatePopulation } from '@finsam/devkit/population/generate';
import type { Post } from './analyst-load.ts';
import { metricSum, residentMb, scrapeMetrics } from './measure.ts';

export interface SoakOptions {
  gateway: string;
  dataDir: string;
  persons: number;
  post: Post;
  /** The graph's processes by name (the gateway and the five subgraphs), each started with `--expose-gc`. */
  processes: Record<string, { pid: number; url: string }>;
  /** METRICS_TOKEN, for each process's `/metrics`. */
  metricsToken: string;
}

/** What a process keeps, read after a full collection: its JavaScript heap used, and its resident set then. */
interface Kept { heapMb: number; rssMb: number; committedMb: number; spacesMb: Record<string, number> }

const SOAK_MINUTES = intFromEnv('BENCH_SOAK_MINUTES', 10);
const WARM_UP_SECONDS = intFromEnv('BENCH_WARM_UP_SECONDS', 60);
const COORDINATORS = intFromEnv('BENCH_SOAK_COORDINATORS', 6);
const ANALYSTS = intFromEnv('BENCH_SOAK_ANALYSTS', 2);
const WRITERS = intFromEnv('BENCH_SOAK_WRITERS', 2);
const ANALYST_PAUSE_MS = intFromEnv('BENCH_SOAK_ANALYST_PAUSE_MS', 2500);
const WRITE_PAUSE_MS = intFromEnv('BENCH_SOAK_WRITE_PAUSE_MS', 250);
const SAMPLE_MS = 10_000;
/** V8's heap spaces (prom-client's `space` label), whose committed sizes tell which part of a heap grew. */
const SPACES = ['new', 'old', 'code', 'large_object', 'new_large_object', 'code_large_object'] as const;
/** How often what each process keeps is read at the end of each phase, and how far apart. */
const KEPT_READINGS = 3;
const KEPT_READING_GAP_MS = 10_000;
/** More growth than this, median to median, fails the soak. */
const GROWTH_BOUND = 0.10;

const operationsDir = path.resolve(import.meta.dirname, '../../schema/operations');
const operation = (name: string) => fs.readFileSync(path.join(operationsDir, `${name}.graphql`), 'utf8');
const OPERATIONS = Object.fromEntries(['PersonOverview', 'Caseload', 'FindPerson', 'RegisterParticipation', 'EndParticipation', 'RecordConsent', 'RevokeConsent', 'HandleSignal']
  .map((name) => [name, operation(name)])) as Record<string, string>;
const ANALYST_OPERATIONS = fs.readdirSync(path.join(operationsDir, 'analyst')).filter((f) => f.endsWith('.graphql')).sort()
  .map((file) => ({ name: `analyst ${file.replace('.graphql', '')}`, query: fs.readFileSync(path.join(operationsDir, 'analyst', file), 'utf8') }));

/**
 * The refusals that are answers, not faults, by kind of request: a sector a person has not
 * consented to (FORBIDDEN naming the agency) in a coordinator's read, and an analyst's request
 * refused for the analysts' share of the gateway (429 RATE_LIMITED) and waited out.
 */
function expectedRefusal(kind: string, status: number, error?: { extensions?: Record<string, unknown> }): string | undefined {
  if (kind.startsWith('analyst ') && status === 429) return 'RATE_LIMITED (429, waited)';
  if (status === 200 && error?.extensions?.code === 'FORBIDDEN' && error.extensions.agency && ['PersonOverview', 'Caseload'].includes(kind)) return 'FORBIDDEN for want of consent';
  return undefined;
}

interface Tally { requests: number; answered: number; times: number[]; expected: Map<string, number>; unexpected: Map<string, number>; firstUnexpected?: string }

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

/** Runs the soak and prints its tables; whether it passed (no process grew past the bound, no unexpected error). */
export async function soak(options: SoakOptions): Promise<boolean> {
  const today = todayIso();
  const population = generatePopulation({ seed: 1, persons: options.persons, referenceDate: today });
  const caseloads = new Map<string, typeof population.persons>();
  for (const p of population.persons) caseloads.set(p.coordinatorId, [...(caseloads.get(p.coordinatorId) ?? []), p]);
  const coordinatorIds = [...caseloads.keys()];
  if (coordinatorIds.length < COORDINATORS + WRITERS) throw new Error(`SEED_PERSONS=${options.persons} gives ${coordinatorIds.length} coordinators; the soak wants ${COORDINATORS + WRITERS}`);
  // Long enough for the whole run, within the issuer's 12 h at most.
  const hours = Math.min(12, Math.ceil((WARM_UP_SECONDS + SOAK_MINUTES * 60) / 3600) + 1);
  const token = (sub: string, role: 'coordinator' | 'analyst') => mintDevToken(options.dataDir, { sub, role, expiresIn: `${hours}h` });
  const readers = await Promise.all(coordinatorIds.slice(0, COORDINATORS).map(async (id) => ({ token: `Bearer ${await token(id, 'coordinator')}`, persons: caseloads.get(id)! })));
  const writers = await Promise.all(coordinatorIds.slice(COORDINATORS, COORDINATORS + WRITERS).map(async (id) => {
    const forbundId = population.coordinators.find((c) => c.id === id)!.forbundId;
    // An individual-oriented intervention of the writer's förbund running today, as registerParticipation requires.
    const intervention = population.interventions.find((i) => i.kind === 'INDIVIDUAL' && i.forbundId === forbundId && i.startDate <= today && (i.endDate === null || i.endDate >= today));
    if (!intervention) throw new Error(`no running intervention for ${id}`);
    return { id, token: `Bearer ${await token(id, 'coordinator')}`, persons: caseloads.get(id)!, interventionId: intervention.id };
  }));
  // On the förbund's list of analysts first, as analyst-load.ts does: the gateway refuses any other analyst.
  const analystSubs = Array.from({ length: ANALYSTS }, (_, i) => `soak-analyst-${i + 1}`);
  for (const sub of analystSubs) {
    const output = capturedOutput();
    if (await analystsCommand(['add', sub], { ...process.env, DATA_DIR: options.dataDir }, output) !== 0) throw new Error(output.all());
  }
  const analysts = await Promise.all(analystSubs.map(async (sub) => `Bearer ${await token(sub, 'analyst')}`));
  const url = `${options.gateway}/graphql`;
  while (analysts.length && (await options.post(url, analysts.at(-1)!, '{ __typename }', {})).status === 403) await pause(250);

  let counting = false;
  const tallies = new Map<string, Tally>();
  /** One request of a kind, counted once the warm-up is over; its answer, or undefined for a failure of any sort. */
  const send = async (kind: string, authorization: string, query: string, variables: Record<string, unknown>) => {
    const started = performance.now();
    const answer = await options.post(url, authorization, query, variables).catch((error: Error) => ({ status: 0, retryAfter: undefined, body: { errors: [{ message: error.message }] } as Awaited<ReturnType<Post>>['body'] }));
    const ms = performance.now() - started;
    const errors = answer.body.errors ?? [];
    const refusals = answer.status === 200 ? errors.map((e) => expectedRefusal(kind, 200, e)) : [expectedRefusal(kind, answer.status)];
    const unexpected = answer.status !== 200 ? (refusals[0] ? [] : [`HTTP ${answer.status} ${String(errors[0]?.extensions?.code ?? errors[0]?.message ?? '')}`])
      : errors.filter((_, k) => !refusals[k]).map((e) => String(e.extensions?.code ?? 'no code'));
    if (counting) {
      const tally = tallies.get(kind) ?? tallies.set(kind, { requests: 0, answered: 0, times: [], expected: new Map(), unexpected: new Map() }).get(kind)!;
      tally.requests++;
      for (const r of refusals.filter(Boolean) as string[]) tally.expected.set(r, (tally.expected.get(r) ?? 0) + 1);
      for (const u of unexpected) tally.unexpected.set(u, (tally.unexpected.get(u) ?? 0) + 1);
      if (unexpected.length) tally.firstUnexpected ??= `${errors[0]?.message ?? ''}`.slice(0, 200);
      if (answer.status === 200 && unexpected.length === 0) {
        tally.answered++;
        tally.times.push(ms);
      }
    }
    return { ...answer, ok: answer.status === 200 && unexpected.length === 0 };
  };

  const coordinatorLoop = (deadline: () => number) => readers.map(async (reader, c) => {
    for (let i = c; Date.now() < deadline(); i++) {
      const person = reader.persons[i % reader.persons.length]!;
      // Three overviews for each caseload page and each search, as a coordinator's day goes.
      if (i % 5 === 3) await send('Caseload', reader.token, OPERATIONS.Caseload!, { first: 20 });
      else if (i % 5 === 4) await send('FindPerson', reader.token, OPERATIONS.FindPerson!, { text: person.familyName.slice(0, 4), first: 10 });
      else await send('PersonOverview', reader.token, OPERATIONS.PersonOverview!, { personnummer: person.personnummer });
    }
  });
  const analystLoop = (deadline: () => number) => analysts.map(async (authorization, a) => {
    for (let i = a; Date.now() < deadline(); i++) {
      const { name, query } = ANALYST_OPERATIONS[i % ANALYST_OPERATIONS.length]!;
      const answer = await send(name, authorization, query, {});
      const wait = answer.status === 429 ? (answer.retryAfter ?? 1) * 1000 : ANALYST_PAUSE_MS;
      await pause(Math.min(wait, Math.max(0, deadline() - Date.now())));
    }
  });
  const run = Math.random().toString(36).slice(2, 8);
  const writerLoop = (deadline: () => number) => writers.map(async (writer, w) => {
    for (let i = 0; Date.now() < deadline(); i++) {
      const key = `soak-${run}-${w}-${i}`;
      const registered = await send('RegisterParticipation', writer.token, OPERATIONS.RegisterParticipation!, { input: {
        submissionKey: key, anonymous: { sex: i % 2 ? 'FEMALE' : 'MALE', reason: 'NO_REGISTRATION_CONSENT' }, interventionId: writer.interventionId,
        registeredIn: today, incomeSources: ['SJUKPENNING'], occupation: 'OVRIGT', occupationShareOfFullTime: 25, educationLevel: 'GYMNASIAL', yearsOnPublicSupport: 3,
      } });
      await pause(WRITE_PAUSE_MS);
      const participationId = registered.body.data?.registerParticipation?.participation?.id;
      if (participationId) {
        await send('EndParticipation', writer.token, OPERATIONS.EndParticipation!, { input: {
          submissionKey: `end-${key}`, participationId, registeredOut: today, reason: 'MOVED_ON_EARLY', occupation: 'FORVARVSARBETE', incomeSources: ['LON'],
        } });
        await pause(WRITE_PAUSE_MS);
      }
      const person = writer.persons[i % writer.persons.length]!;
      await send('RecordConsent', writer.token, OPERATIONS.RecordConsent!, { input: {
        personnummer: person.personnummer, agencies: ['EMPLOYMENT'], validFrom: today, validTo: addDays(today, 365), formReference: `SOAK-${run}-${w}-${i}`,
      } });
      await pause(WRITE_PAUSE_MS);
      await send('RevokeConsent', writer.token, OPERATIONS.RevokeConsent!, { personnummer: person.personnummer, agency: 'EMPLOYMENT' });
      await pause(WRITE_PAUSE_MS);
      // A signal the writer's caseload shows now (its id is signed for today), handled as the client's work list does.
      const caseload = await send('Caseload', writer.token, OPERATIONS.Caseload!, { first: 20 });
      const nodes: { id: string; signals?: { id: string; needsAction: boolean }[] }[] = caseload.body.data?.me?.caseload?.nodes ?? [];
      const withSignals = nodes.filter((n) => n.signals?.length);
      const node = withSignals[i % Math.max(1, withSignals.length)];
      const signal = node?.signals!.find((s) => s.needsAction) ?? node?.signals![0];
      if (node && signal) {
        await send('HandleSignal', writer.token, OPERATIONS.HandleSignal!, { personId: node.id, signalId: signal.id, action: 'Ringde upp och bokade möte', followUp: addDays(today, 7) });
      }
      await pause(WRITE_PAUSE_MS);
    }
  });

  // Memory, sampled all through: the warm-up's samples and the soak's, each with its time.
  const samples: { at: number; phase: 'warm-up' | 'soak'; mb: Record<string, number> }[] = [];
  let phase: 'warm-up' | 'soak' = 'warm-up';
  const sample = () => samples.push({ at: Date.now(), phase, mb: Object.fromEntries(Object.entries(options.processes).map(([name, { pid }]) => [name, residentMb(pid).now])) });
  const sampler = setInterval(sample, SAMPLE_MS);
  /**
   * Each process's memory kept: reading `/metrics` makes a process started with --expose-gc
   * collect in full and compact (metrics.ts), and its resident set is read a moment later, once V8
   * has given back the pages it freed. Read under the load, right after the last sample of a
   * phase, so that the collections it forces move no sample compared; KEPT_READINGS times,
   * KEPT_READING_GAP_MS apart, and the median taken, as a reading can fall in a burst of requests.
   */
  const keptOnce = async (): Promise<Record<string, Kept>> => Object.fromEntries(await Promise.all(Object.entries(options.processes).map(async ([name, { pid, url }]) => {
    const heap = metricSum(await scrapeMetrics(url, options.metricsToken), 'nodejs_heap_used_after_full_gc_bytes');
    await pause(2_000);
    const rssMb = residentMb(pid).now;
    // The heap's committed size as it stands after that collection (a scrape reads it before collecting).
    const after = await scrapeMetrics(url, options.metricsToken);
    const committed = metricSum(after, 'nodejs_heap_size_total_bytes');
    const spacesMb = Object.fromEntries(SPACES.map((space) => [space, metricSum(after, 'nodejs_heap_space_size_total_bytes', { space }) / 2 ** 20]));
    return [name, { heapMb: heap / 2 ** 20, rssMb, committedMb: committed / 2 ** 20, spacesMb }] as const;
  })));
  const kept = async (): Promise<Record<string, Kept>> => {
    const readings: Record<string, Kept>[] = [];
    for (let i = 0; i < KEPT_READINGS; i++) {
      if (i > 0) await pause(KEPT_READING_GAP_MS);
      readings.push(await keptOnce());
    }
    return Object.fromEntries(Object.keys(options.processes).map((name) => {
      const of = readings.map((r) => r[name]!);
      return [name, {
        heapMb: median(of.map((k) => k.heapMb)), rssMb: median(of.map((k) => k.rssMb)), committedMb: median(of.map((k) => k.committedMb)),
        spacesMb: Object.fromEntries(SPACES.map((space) => [space, median(of.map((k) => k.spacesMb[space]!))])),
      }];
    }));
  };

  console.log(`\nSoak: ${WARM_UP_SECONDS} s of warm-up, then ${SOAK_MINUTES} min of ${COORDINATORS} coordinators reading, ${ANALYSTS} analysts, ${WRITERS} writers; ${options.persons} persons, ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}\n`);
  const warmUpEnds = Date.now() + WARM_UP_SECONDS * 1000;
  const soakEnds = warmUpEnds + SOAK_MINUTES * 60_000;
  // One load from start to end (no gap between the phases); the phase decides only what is counted.
  let keptAfterWarmUp: Promise<Record<string, Kept>> | undefined;
  let keptAfterSoak: Promise<Record<string, Kept>> | undefined;
  // The load runs on past the soak's end until what each process keeps has been read under it.
  let stopAt = Infinity;
  const switchPhase = setTimeout(() => {
    sample();
    phase = 'soak';
    counting = true;
    keptAfterWarmUp = kept();
  }, WARM_UP_SECONDS * 1000);
  const endSoak = setTimeout(() => {
    sample();
    clearInterval(sampler);
    counting = false;
    keptAfterSoak = kept().finally(() => { stopAt = 0; });
  }, soakEnds - Date.now());
  const until = () => stopAt;
  await Promise.all([...coordinatorLoop(until), ...analystLoop(until), ...writerLoop(until)]);
  clearTimeout(switchPhase);
  clearTimeout(endSoak);
  const [warmKept, soakKept] = [await keptAfterWarmUp!, await keptAfterSoak!];

  const lastMinute = (which: 'warm-up' | 'soak') => {
    const of = samples.filter((s) => s.phase === which);
    const end = of.at(-1)?.at ?? 0;
    return of.filter((s) => s.at >= end - 60_000);
  };
  const warm = lastMinute('warm-up');
  const soaked = lastMinute('soak');
  let passed = true;
  // As an operator's graph shows it, and not the measure: it holds the garbage V8 has not yet collected.
  console.log(`| process | RSS MB sampled, last minute of warm-up (median of ${warm.length}) | RSS MB sampled, last minute of soak (median of ${soaked.length}) | change (not a criterion) | max MB |`);
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const name of Object.keys(options.processes)) {
    const before = median(warm.map((s) => s.mb[name]!));
    const after = median(soaked.map((s) => s.mb[name]!));
    const growth = after / before - 1;
    console.log(`| ${name} | ${fmt(before)} | ${fmt(after)} | ${fmt(growth * 100)} % | ${fmt(Math.max(...samples.map((s) => s.mb[name]!)))} |`);
  }
  console.log(`\n| process | heap MB after a compacting full GC, after warm-up | after soak | growth | RSS MB after it, after warm-up | after soak | growth | heap committed MB then, after warm-up | after soak |`);
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const name of Object.keys(options.processes)) {
    const [before, after] = [warmKept[name]!, soakKept[name]!];
    const heapGrowth = after.heapMb / before.heapMb - 1;
    const rssGrowth = after.rssMb / before.rssMb - 1;
    const heapGrew = !(heapGrowth <= GROWTH_BOUND);
    const rssGrew = !(rssGrowth <= GROWTH_BOUND);
    if (heapGrew || rssGrew) passed = false;
    console.log(`| ${name} | ${fmt(before.heapMb)} | ${fmt(after.heapMb)} | ${fmt(heapGrowth * 100)} %${heapGrew ? ' (over 10 %)' : ''} | ${fmt(before.rssMb)} | ${fmt(after.rssMb)} | ${fmt(rssGrowth * 100)} %${rssGrew ? ' (over 10 %)' : ''} | ${fmt(before.committedMb)} | ${fmt(after.committedMb)} |`);
  }
  console.log('\n| process | committed MB by heap space after a full GC, after warm-up → after soak |');
  console.log('| --- | --- |');
  for (const name of Object.keys(options.processes)) {
    console.log(`| ${name} | ${SPACES.map((space) => `${space} ${fmt(warmKept[name]!.spacesMb[space]!)} → ${fmt(soakKept[name]!.spacesMb[space]!)}`).join(', ')} |`);
  }
  console.log('\n| request kind | requests | answered | p50 ms | expected refusals | unexpected errors |');
  console.log('| --- | ---: | ---: | ---: | --- | --- |');
  const list = (m: Map<string, number>) => [...m].map(([k, v]) => `${k} ${v}`).join(', ') || '–';
  for (const [kind, t] of [...tallies].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (t.unexpected.size) passed = false;
    console.log(`| ${kind} | ${t.requests} | ${t.answered} | ${fmt(median(t.times))} | ${list(t.expected)} | ${list(t.unexpected)} |`);
  }
  for (const [kind, t] of tallies) if (t.firstUnexpected !== undefined) console.log(`first unexpected error of ${kind}: ${t.firstUnexpected}`);
  const kinds = [...Object.keys(OPERATIONS), ...ANALYST_OPERATIONS.map((o) => o.name)].filter((k) => (k !== 'HandleSignal' || WRITERS > 0) && !tallies.has(k));
  if (kinds.length) console.log(`never sent during the soak: ${kinds.join(', ')}`);
  console.log(`\nSoak ${passed ? 'passed' : 'FAILED'}: ${passed ? 'no process grew more than 10 % (heap and resident set after a compacting full collection), no unexpected error' : 'see the tables above'}\n`);
  return passed;
}
