/**
 * `npm run bench -- national`: a förbund the size of the largest, measured, and what each part
 * must then carry for all 83 (docs/operations.md, "National figures"). The synthetic
 * Samordningsförbundet Storstockholm (`forbund-storstockholm`: ten municipalities, each its own
 * social-services store; participations over ten years) with SEED_PERSONS (60,000) persons.
 * Reported, each as a table:
 *
 * - the seeding: each process's time from start to listening and its CPU seconds by then, each
 *   store's size once seeded;
 * - the statistics release of every settled month and year, its time and what it adds to each store;
 * - the coordinator operations as the client sends them (by their registered hash; `Caseload`
 *   with `first: 100`, `PersonOverview` by the person's `id` from the caseload), each alone, at
 *   BENCH_CLIENTS (8) coordinators for BENCH_SECONDS (20) and at one for half that: answers per
 *   second, p50/p95, and per operation the requests each process receives, its CPU time (/proc),
 *   its database statements (`/metrics`), the audit records each store writes and their bytes,
 *   the audit checkpoints' bytes, each process's resident memory;
 * - the analyst operations of schema/operations/analyst/ (the `analyst` mode's), with the
 *   municipality they name (1480, the default förbund's) replaced by this förbund's first;
 * - the national figures those give under the assumptions of NATIONAL below.
 *
 * Each part also says how much CPU the machine's other processes spent meanwhile (/proc/stat): a
 * tenth of a core or more means it shared the cores with something else, and is to be run again.
 * BENCH_DATA_DIR=<dir> keeps the seeded folder (a later run neither seeds nor releases again);
 * BENCH_RELEASE_AGAIN=1 with it deletes the stored releases first, so that they are made and timed
 * again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request, type Dispatcher } from 'undici';
import { mintDevToken } from '@finsam/gateway/dev-issuer';
import { intFromEnv } from '@finsam/kit/config';
import { todayIso } from '@finsam/kit/dates';
import { FORBUND } from '@finsam/devkit/population/catalogue';
import { generatePopulation } from '@finsam/devkit/population/generate';
import type { Forbund } from '@finsam/devkit/population/types';
import { cpuSeconds, metricSum, othersMeter, releaseFigures, residentMb, scrapeMetrics, storeFigures, type StoreFigures } from './measure.ts';
import SQLite from 'better-sqlite3';

/** The catalogue's förbund the size of the largest: ten members, participations over ten years. */
export const NATIONAL_FORBUND: Forbund = FORBUND.find((f) => f.id === 'forbund-storstockholm')!;
export const NATIONAL_PERSONS = 60_000;

/** Its members as SOCIAL_SERVICES_CONTROLLERS lists them. */
export const controllersOf = (forbund: Forbund): string => forbund.municipalities.map((m) => `${m.code}=${m.name}`).join(',');

/**
 * What the national figures assume besides what is measured. docs/operations.md states each; change
 * one here and the bench prints the figures it gives.
 */
export const NATIONAL = {
  forbund: 83,
  /** Participants a year in all förbund (finsam.se, end 2018: 32,715 in 1,105 interventions). */
  participantsPerYear: 32_715,
  /** The largest förbund: 60,000 participants over ten years, the bench's seed. */
  largestParticipantsPerYear: 6_000,
  /**
   * Every participant of a year counted as in an intervention all year (an upper bound: with
   * interventions of about a year, about half are in one at any time).
   */
  activeShare: 1,
  /** A coordinator's caseload (the seed's: 20–60). */
  caseloadSize: 40,
  /** Each participant's overview opened once every working day (a coordinator meets most weekly). */
  overviewsPerParticipantPerDay: 1,
  /** The client opened four times a working day by each coordinator: one `Caseload` each (whole caseload, one page). */
  caseloadsPerCoordinatorPerDay: 4,
  workingHoursPerDay: 8,
  workingDaysPerYear: 250,
  /** The busiest quarter hour at three times the working day's average rate. */
  peakFactor: 3,
  /** Cores sized to be half busy at the peak. */
  utilisation: 0.5,
  /** Statistics releases a year: twelve months and the year. */
  releasesPerYear: 13,
};

type Operation = 'PersonOverview' | 'Caseload';

export interface NationalOptions {
  gateway: string;
  dataDir: string;
  persons: number;
  forbund: Forbund;
  /** The graph's processes by name (the five subgraphs and `gateway`): pid and base URL. */
  processes: Record<string, { pid: number; url: string }>;
  metricsToken: string;
  /** Each process's start: ms from spawn to listening and its CPU seconds then. */
  startup: Record<string, { ms: number; cpuSeconds: number }>;
  /** CPU seconds per second other processes on the machine spent meanwhile. */
  othersDuringStart: number;
  /** False when BENCH_DATA_DIR held seeded stores already: the start did not seed. */
  seeded: boolean;
  dispatcher: Dispatcher;
  /** The release job as the analyst mode runs it. */
  release: () => Promise<ReleaseTiming>;
  /** The analyst mode's table, with each operation's text passed through `rewrite`. */
  analystOperations: (rewrite: (text: string) => string) => Promise<void>;
}

/**
 * BENCH_RELEASE_AGAIN=1 with a kept BENCH_DATA_DIR: the stored releases are deleted before the
 * graph starts (the bench's own folder, never a deployment's), so that the run makes and times them
 * again without seeding again. The audit records of the earlier releases stay.
 */
export function forgetReleases(dataDir: string): void {
  for (const file of fs.readdirSync(dataDir).filter((f) => f.endsWith('.sqlite'))) {
    const db = new SQLite(path.join(dataDir, file));
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('statistics_release', 'signal_release', 'agency_statistics_release', 'released_member_set')").all() as { name: string }[]).map((t) => t.name);
      for (const table of tables) db.prepare(`DELETE FROM ${table}`).run();
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
  }
}

export interface ReleaseTiming {
  ms: number;
  /** From start until the follow-up's releases were stored (the job's summary line). */
  followUpMs: number;
  periods: number;
  cohortPeriods: number;
  /** The job's report: a line per period released, with its time. */
  output: string;
}

/** The job's own time per period (its report's lines), the median of months and of years, for the follow-up and the cohorts. */
function periodTimes(output: string) {
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const of = (pattern: RegExp, period: RegExp) => median([...output.matchAll(pattern)].filter((m) => period.test(m[1]!)).map((m) => Number(m[2])));
  const followUp = /^(\d{4}(?:-\d{2})?): released, .*, (\d+) ms\.$/gm;
  const cohorts = /^(\d{4}(?:-\d{2})?): signal counts released .*, (\d+) ms;/gm;
  const month = /^\d{4}-\d{2}$/;
  const year = /^\d{4}$/;
  return { month: { followUp: of(followUp, month), cohorts: of(cohorts, month) }, year: { followUp: of(followUp, year), cohorts: of(cohorts, year) } };
}

const SECONDS = intFromEnv('BENCH_SECONDS', 20);
const CLIENTS = intFromEnv('BENCH_CLIENTS', 8);
const WARM_UP_SECONDS = intFromEnv('BENCH_WARM_UP_SECONDS', 10);
const IDLE_SECONDS = 10;

const manifest = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../schema/operations/manifest.json'), 'utf8')) as { operations: { id: string; name: string }[] };
const HASH = Object.fromEntries(manifest.operations.map((o) => [o.name, o.id])) as Record<Operation, string>;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–');
const mb = (bytes: number) => fmt(bytes / 1_000_000, 1);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Coordinator { id: string; token: string }
interface Answer { ms: number; whole: boolean; persons: number }

/** An operation as the coordinator client sends it: its registered hash alone (PersistedQueryLink), the client's name. */
async function send(options: NationalOptions, token: string, operation: Operation, variables: Record<string, unknown>) {
  const response = await request(`${options.gateway}/graphql`, {
    method: 'POST', dispatcher: options.dispatcher,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'apollographql-client-name': 'finsam-coordinator' },
    body: JSON.stringify({ operationName: operation, variables, extensions: { persistedQuery: { version: 1, sha256Hash: HASH[operation] } } }),
  });
  return { status: response.statusCode, body: (await response.body.json()) as { data?: any; errors?: { extensions?: Record<string, unknown> }[] } };
}

/** The whole caseload, page by page of 100 as the client reads it: each person's id. */
async function caseload(options: NationalOptions, coordinator: Coordinator): Promise<Answer & { ids: string[] }> {
  const started = performance.now();
  const ids: string[] = [];
  let after: string | null = null;
  let whole = true;
  for (;;) {
    const { status, body } = await send(options, coordinator.token, 'Caseload', { first: 100, after });
    const page = body.data?.me?.caseload;
    whole &&= status === 200 && !body.errors && page?.nodes?.length > 0;
    if (!page) break;
    ids.push(...page.nodes.map((n: { id: string }) => n.id));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { ms: performance.now() - started, whole, persons: ids.length, ids };
}

async function overview(options: NationalOptions, coordinator: Coordinator & { ids: string[] }, i: number): Promise<Answer> {
  const started = performance.now();
  const { status, body } = await send(options, coordinator.token, 'PersonOverview', { id: coordinator.ids[i % coordinator.ids.length] });
  // A sector refused for want of consent (FORBIDDEN naming the agency) is part of a whole answer.
  const unexpected = (body.errors ?? []).filter((e) => e.extensions?.code !== 'FORBIDDEN' || !e.extensions?.agency);
  return { ms: performance.now() - started, whole: status === 200 && !!body.data?.person && unexpected.length === 0, persons: 1 };
}

interface Snapshot { cpu: Record<string, number>; metrics: Record<string, Map<string, number>>; stores: Record<string, StoreFigures> }

async function snapshot(options: NationalOptions): Promise<Snapshot> {
  const names = Object.keys(options.processes);
  const metrics = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await scrapeMetrics(options.processes[name]!.url, options.metricsToken)] as const)));
  const cpu = Object.fromEntries(names.map((name) => [name, cpuSeconds(options.processes[name]!.pid)]));
  return { cpu, metrics, stores: storeFigures(options.dataDir) };
}

interface TurnResult {
  operation: Operation;
  clients: number;
  seconds: number;
  /** CPU seconds per second other processes on the machine spent meanwhile. */
  others: number;
  answers: Answer[];
  /** Per process: /graphql requests received, CPU ms, data and audit statements, each per operation. */
  perProcess: Record<string, { requests: number; cpuMs: number; dataStatements: number; auditStatements: number }>;
  /** Per store: audit records per operation, and the growth of its audit pages and of the database. */
  perStore: Record<string, { records: number; auditBytes: number; databaseBytes: number; rows: number }>;
}

async function turn(options: NationalOptions, coordinators: (Coordinator & { ids: string[] })[], operation: Operation, clients: number, seconds: number): Promise<TurnResult> {
  const crowd = coordinators.slice(0, clients);
  const others = othersMeter(Object.values(options.processes).map((p) => p.pid));
  const before = await snapshot(options);
  const answers: Answer[] = [];
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(crowd.map(async (coordinator, c) => {
    for (let i = c; Date.now() < deadline; i++) {
      answers.push(await (operation === 'Caseload' ? caseload(options, coordinator) : overview(options, coordinator, i)).catch(() => ({ ms: NaN, whole: false, persons: 0 })));
    }
  }));
  const othersPerSecond = others();
  // The audit appends of the last answers are committed on writer threads; let them land.
  await sleep(1000);
  const after = await snapshot(options);
  const n = answers.length;
  const perProcess = Object.fromEntries(Object.keys(options.processes).map((name) => {
    const delta = (metric: string, labels: Record<string, string>) => metricSum(after.metrics[name]!, metric, labels) - metricSum(before.metrics[name]!, metric, labels);
    return [name, {
      requests: delta('http_requests_total', { route: '/graphql' }) / n,
      cpuMs: ((after.cpu[name]! - before.cpu[name]!) * 1000) / n,
      dataStatements: delta('db_statements_total', { kind: 'data' }) / n,
      auditStatements: delta('db_statements_total', { kind: 'audit' }) / n,
    }];
  }));
  const perStore = Object.fromEntries(Object.keys(after.stores).map((store) => {
    const [a, b] = [after.stores[store]!, before.stores[store]!];
    return [store, { records: (a.auditRows - b.auditRows) / n, rows: a.auditRows - b.auditRows, auditBytes: a.auditBytes - b.auditBytes, databaseBytes: a.databaseBytes - b.databaseBytes }];
  }));
  return { operation, clients, seconds, others: othersPerSecond, answers, perProcess, perStore };
}

function printTurns(turns: TurnResult[], processes: string[]) {
  console.log('| operation | coordinators at once | answers | per second | p50 ms | p95 ms | max ms | persons per answer | not whole | other processes\' CPU s/s |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const t of turns) {
    const times = t.answers.filter((a) => a.whole).map((a) => a.ms).sort((a, b) => a - b);
    const persons = t.answers.reduce((sum, a) => sum + a.persons, 0) / t.answers.length;
    console.log(`| ${t.operation} | ${t.clients} | ${t.answers.length} | ${fmt(t.answers.length / t.seconds)} | ${fmt(pct(times, 50))} | ${fmt(pct(times, 95))} | ${fmt(times.at(-1) ?? NaN)} | ${fmt(persons)} | ${t.answers.filter((a) => !a.whole).length} | ${fmt(t.others, 2)} |`);
  }
  for (const t of turns) {
    console.log(`\n${t.operation}, ${t.clients} at once: per operation, at each process\n`);
    console.log('| process | requests received | CPU ms | CPU ms per request received | data statements | audit statements |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const name of processes) {
      const p = t.perProcess[name]!;
      console.log(`| ${name} | ${fmt(p.requests, 2)} | ${fmt(p.cpuMs, 2)} | ${fmt(p.requests > 0 ? p.cpuMs / p.requests : NaN, 2)} | ${fmt(p.dataStatements, 2)} | ${fmt(p.auditStatements, 2)} |`);
    }
    console.log(`| all | ${fmt(processes.reduce((s, n) => s + t.perProcess[n]!.requests, 0), 2)} | ${fmt(processes.reduce((s, n) => s + t.perProcess[n]!.cpuMs, 0), 2)} | | | |`);
  }
}

/** Per store, over every turn: audit records per operation, bytes of audit pages and of database per record. */
function auditFigures(turns: TurnResult[]) {
  const stores = Object.keys(turns[0]!.perStore);
  return Object.fromEntries(stores.map((store) => {
    const rows = turns.reduce((s, t) => s + t.perStore[store]!.rows, 0);
    const auditBytes = turns.reduce((s, t) => s + t.perStore[store]!.auditBytes, 0);
    const databaseBytes = turns.reduce((s, t) => s + t.perStore[store]!.databaseBytes, 0);
    const perOperation = (operation: Operation) => {
      const of = turns.filter((t) => t.operation === operation);
      return of.reduce((s, t) => s + t.perStore[store]!.rows, 0) / of.reduce((s, t) => s + t.answers.length, 0);
    };
    const caseloads = turns.filter((t) => t.operation === 'Caseload');
    const caseloadPersons = caseloads.reduce((s, t) => s + t.answers.reduce((p, a) => p + a.persons, 0), 0);
    const perCaseloadPerson = caseloads.reduce((s, t) => s + t.perStore[store]!.rows, 0) / caseloadPersons;
    return [store, { PersonOverview: perOperation('PersonOverview'), Caseload: perOperation('Caseload'), perCaseloadPerson, rows, bytesPerRecord: rows > 0 ? auditBytes / rows : NaN, databaseBytesPerRecord: rows > 0 ? databaseBytes / rows : NaN }];
  }));
}

export async function nationalLoad(options: NationalOptions): Promise<void> {
  const processes = Object.keys(options.processes);
  const today = todayIso();
  const population = generatePopulation({ seed: 1, persons: options.persons, referenceDate: today, forbund: [options.forbund.id] });
  const participations = population.persons.flatMap((p) => p.participations);
  const years = participations.map((p) => p.registeredIn).sort();
  console.log(`\nNational figures: ${options.forbund.name} (${options.forbund.id}), ${options.forbund.municipalities.length} municipalities, ${population.persons.length} persons, ${participations.length} participations registered in ${years[0]} – ${years.at(-1)}, ${population.interventions.length} interventions, ${population.coordinators.length} coordinators; ${today}, ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}, SQLite stores\n`);

  // The seeding.
  console.log(options.seeded ? 'Seeding: every process seeds its stores on its first start, all at once on the same cores; from spawn to listening:\n' : `Start (stores kept in ${options.dataDir}, not seeded again): from spawn to listening\n`);
  console.log('| process | listening after s | CPU s by then |\n| --- | ---: | ---: |');
  for (const name of processes) console.log(`| ${name} | ${fmt(options.startup[name]!.ms / 1000)} | ${fmt(options.startup[name]!.cpuSeconds)} |`);
  console.log(`\nOther processes on the machine meanwhile: ${fmt(options.othersDuringStart, 2)} CPU s/s`);
  const seeded = storeFigures(options.dataDir);
  console.log(`\n| store (${options.seeded ? 'after seeding' : 'at start'}) | on disk MB (file + WAL) | database MB | register MB (not audit, not releases) | register bytes per person of the förbund |\n| --- | ---: | ---: | ---: | ---: |`);
  for (const [store, f] of Object.entries(seeded)) console.log(`| ${store} | ${mb(f.bytes)} | ${mb(f.databaseBytes)} | ${mb(f.registerBytes)} | ${fmt(f.registerBytes / options.persons, 0)} |`);
  const sum = (key: keyof StoreFigures) => Object.values(seeded).reduce((s, f) => s + f[key], 0);
  console.log(`| all | ${mb(sum('bytes'))} | ${mb(sum('databaseBytes'))} | ${mb(sum('registerBytes'))} | ${fmt(sum('registerBytes') / options.persons, 0)} |`);

  // The statistics release: every settled month and year of the ten years.
  const othersInRelease = othersMeter(Object.values(options.processes).map((p) => p.pid));
  const release = await options.release();
  const othersDuringRelease = othersInRelease();
  const released = storeFigures(options.dataDir);
  const times = periodTimes(release.output);
  console.log(`\nStatistics release: ${release.periods} follow-up periods and ${release.cohortPeriods} cohort periods in ${fmt(release.ms / 1000)} s (the job's process, start to exit: the follow-up's ${fmt(release.followUpMs / 1000)} s, the cohorts' ${fmt((release.ms - release.followUpMs) / 1000)} s); in the job's report, the median month ${fmt(times.month.followUp, 0)} ms for the follow-up and ${fmt(times.month.cohorts, 0)} ms for the cohorts, the median year ${fmt(times.year.followUp, 0)} and ${fmt(times.year.cohorts, 0)} ms; other processes on the machine meanwhile ${fmt(othersDuringRelease, 2)} CPU s/s\n`);
  // What the stores hold of releases, by their tables: the same figures from a kept folder, whose releases were made before.
  const stored = releaseFigures(options.dataDir);
  console.log(`| store | database growth MB (this run's release) | audit records added | release tables MB (${stored.periods} periods stored) | per period kB |\n| --- | ---: | ---: | ---: | ---: |`);
  const releaseBytesPerPeriod: Record<string, number> = {};
  for (const store of Object.keys(released)) {
    const growth = released[store]!.databaseBytes - (seeded[store]?.databaseBytes ?? 0);
    releaseBytesPerPeriod[store] = stored.periods > 0 ? stored.bytes[store]! / stored.periods : NaN;
    console.log(`| ${store} | ${mb(growth)} | ${released[store]!.auditRows - (seeded[store]?.auditRows ?? 0)} | ${mb(stored.bytes[store]!)} | ${fmt(releaseBytesPerPeriod[store]! / 1000)} |`);
  }

  // The coordinator operations.
  const crowd = population.coordinators.slice(0, Math.max(CLIENTS, 1));
  const coordinators = await Promise.all(crowd.map(async (c) => {
    const token = await mintDevToken(options.dataDir, { sub: c.id, role: 'coordinator', expiresIn: '1h' });
    return { id: c.id, token };
  }));
  // Each coordinator's persons, as the client reads them first (again if an answer was not whole: a
  // cold graph can time a subgraph out); a coordinator left without any is not used.
  const withIds = (await Promise.all(coordinators.map(async (c) => {
    let first = await caseload(options, c);
    for (let attempt = 1; attempt < 5 && !first.whole; attempt++) first = await caseload(options, c);
    return { ...c, ids: first.whole ? first.ids : [] };
  }))).filter((c) => c.ids.length > 0);
  console.log(`\nCoordinator operations: ${CLIENTS} coordinators at once for ${SECONDS} s, then one for ${SECONDS / 2} s, each operation alone, after ${WARM_UP_SECONDS} s of warm-up; caseloads of ${withIds.map((c) => c.ids.length).join(', ')} persons\n`);
  const warmUp = Date.now() + WARM_UP_SECONDS * 1000;
  await Promise.all(withIds.map(async (c, k) => { for (let i = k; Date.now() < warmUp; i++) await (i % 5 === 4 ? caseload(options, c) : overview(options, c, i)); }));
  // At rest: what the processes spend with nobody asking.
  const idleBefore = Object.fromEntries(processes.map((name) => [name, cpuSeconds(options.processes[name]!.pid)]));
  await sleep(IDLE_SECONDS * 1000);
  const idle = Object.fromEntries(processes.map((name) => [name, (cpuSeconds(options.processes[name]!.pid) - idleBefore[name]!) / IDLE_SECONDS]));
  const turns = [
    await turn(options, withIds, 'PersonOverview', CLIENTS, SECONDS),
    await turn(options, withIds, 'Caseload', CLIENTS, SECONDS),
    await turn(options, withIds, 'PersonOverview', 1, SECONDS / 2),
    await turn(options, withIds, 'Caseload', 1, SECONDS / 2),
  ];
  printTurns(turns, processes);
  console.log(`\nResident memory after the turns, MB (peak since start): ${processes.map((n) => { const r = residentMb(options.processes[n]!.pid); return `${n} ${fmt(r.now, 0)} (${fmt(r.peak, 0)})`; }).join(', ')}`);
  console.log(`\nAt rest (${IDLE_SECONDS} s, nobody asking), CPU seconds per second: ${processes.map((n) => `${n} ${fmt(idle[n]!, 3)}`).join(', ')}`);
  const audit = auditFigures(turns);
  console.log('\n| store | audit records per PersonOverview | per Caseload | per person of a Caseload | records in all turns | bytes per record (audit table and index) | database growth per record |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [store, a] of Object.entries(audit)) console.log(`| ${store} | ${fmt(a.PersonOverview, 2)} | ${fmt(a.Caseload, 2)} | ${fmt(a.perCaseloadPerson, 2)} | ${a.rows} | ${fmt(a.bytesPerRecord, 0)} | ${fmt(a.databaseBytesPerRecord, 0)} |`);
  // The chain heads kept beside the records (every AUDIT_CHECKPOINT_INTERVAL_MS, when the other's head moved).
  const ended = storeFigures(options.dataDir);
  const kept = Object.values(ended).filter((f) => f.checkpointRows > 0);
  // A store that has kept none yet (a short run) is counted at the others' mean: the rows are alike.
  const meanCheckpoint = kept.reduce((s, f) => s + f.checkpointBytes, 0) / kept.reduce((s, f) => s + f.checkpointRows, 0);
  const checkpointBytes = Object.fromEntries(Object.entries(ended).map(([store, f]) => [store, f.checkpointRows > 0 ? f.checkpointBytes / f.checkpointRows : meanCheckpoint]));
  console.log(`\nAudit checkpoints kept (since the folder was made): ${Object.entries(ended).map(([store, f]) => `${store} ${f.checkpointRows} (${fmt(checkpointBytes[store]!, 0)} bytes each)`).join(', ')}`);

  // The analyst operations, as the analyst mode runs them, on this förbund's first municipality.
  const municipality = options.forbund.municipalities[0]!.code;
  console.log(`\nAnalyst operations (schema/operations/analyst/, municipality 1480 read as ${municipality}):`);
  const othersInAnalysts = othersMeter(Object.values(options.processes).map((p) => p.pid));
  await options.analystOperations((text) => text.replaceAll('"1480"', `"${municipality}"`));
  console.log(`\nOther processes on the machine meanwhile: ${fmt(othersInAnalysts(), 2)} CPU s/s`);

  // Per operation from the turns of one coordinator at a time: at national rates requests seldom
  // overlap, and alone a request shares no audit commit with another (the costlier case).
  const alone = turns.slice(2);
  const caseloads = alone[1]!.answers;
  const personsPerCaseload = caseloads.reduce((s, a) => s + a.persons, 0) / caseloads.length;
  printNational({ turns: alone, audit, checkpointBytes, releaseBytesPerPeriod, seeded, persons: options.persons, personsPerCaseload, forbund: options.forbund, processes });
}

interface Measured {
  /** The turns of one coordinator at a time, one per operation. */
  turns: TurnResult[];
  audit: ReturnType<typeof auditFigures>;
  /** Bytes each audit checkpoint takes in each store. */
  checkpointBytes: Record<string, number>;
  releaseBytesPerPeriod: Record<string, number>;
  seeded: Record<string, StoreFigures>;
  persons: number;
  /** Persons in the measured Caseload answers, on average. */
  personsPerCaseload: number;
  forbund: Forbund;
  processes: string[];
}

/** What a förbund (or all of them) with this many participants a year asks of each part, from the measured figures and NATIONAL. */
function load(m: Measured, participantsPerYear: number, forbund = 1) {
  const active = participantsPerYear * NATIONAL.activeShare;
  const perDay: Record<Operation, number> = {
    PersonOverview: active * NATIONAL.overviewsPerParticipantPerDay,
    Caseload: (active / NATIONAL.caseloadSize) * NATIONAL.caseloadsPerCoordinatorPerDay,
  };
  const seconds = NATIONAL.workingHoursPerDay * 3600;
  const of = (operation: Operation) => m.turns.find((t) => t.operation === operation)!;
  // A Caseload's CPU and audit records go with its persons: the measured ones scaled to NATIONAL.caseloadSize.
  const scale: Record<Operation, number> = { PersonOverview: 1, Caseload: NATIONAL.caseloadSize / m.personsPerCaseload };
  const processLoad = (name: string) => {
    const requests = (['PersonOverview', 'Caseload'] as const).reduce((s, op) => s + perDay[op] * of(op).perProcess[name]!.requests, 0);
    const cpuMs = (['PersonOverview', 'Caseload'] as const).reduce((s, op) => s + perDay[op] * of(op).perProcess[name]!.cpuMs * scale[op], 0);
    return { requestsPerDay: requests, averageRps: requests / seconds, peakRps: (requests / seconds) * NATIONAL.peakFactor, cores: ((cpuMs / 1000 / seconds) * NATIONAL.peakFactor) / NATIONAL.utilisation };
  };
  const storeLoad = (store: string) => {
    const a = m.audit[store]!;
    const records = perDay.PersonOverview * a.PersonOverview + perDay.Caseload * a.perCaseloadPerson * NATIONAL.caseloadSize;
    const auditBytesPerYear = records * NATIONAL.workingDaysPerYear * (Number.isFinite(a.bytesPerRecord) ? a.bytesPerRecord : 0);
    const releaseBytesPerYear = NATIONAL.releasesPerYear * Math.max(0, m.releaseBytesPerPeriod[store] ?? 0);
    // Coordination's own register grows with its participants; the agencies' registers are their own.
    const registerBytesPerYear = store === 'coordination' ? (m.seeded[store]!.registerBytes / m.persons) * participantsPerYear : 0;
    // Checkpoints (AUDIT_CHECKPOINT_INTERVAL_MS, 60 s) are kept when the other's head moved: each
    // working minute with a request in it, operations spread evenly (Poisson) over the working day,
    // every förbund as one of the average size. A subgraph's store keeps each förbund's gateway's
    // head; the gateway keeps the head of each chain that coordinators' requests move.
    const minutes = NATIONAL.workingHoursPerDay * 60;
    const operationsPerForbund = (perDay.PersonOverview + perDay.Caseload) / forbund;
    const activeMinutes = minutes * (1 - Math.exp(-operationsPerForbund / minutes));
    const chainsMoved = Object.keys(m.audit).filter((s) => s !== 'gateway' && m.audit[s]!.PersonOverview > 0).length;
    const checkpoints = activeMinutes * (store === 'gateway' ? chainsMoved * forbund : a.PersonOverview > 0 ? forbund : 0);
    const checkpointBytesPerYear = checkpoints * NATIONAL.workingDaysPerYear * (Number.isFinite(m.checkpointBytes[store]!) ? m.checkpointBytes[store]! : 0);
    return {
      recordsPerDay: records, auditBytesPerYear, releaseBytesPerYear, registerBytesPerYear, checkpoints, checkpointBytesPerYear,
      bytesPerYear: auditBytesPerYear + releaseBytesPerYear + registerBytesPerYear + checkpointBytesPerYear,
    };
  };
  return { perDay, processLoad, storeLoad };
}

function printNational(m: Measured) {
  const n = NATIONAL;
  const average = n.participantsPerYear / n.forbund;
  console.log(`\nNational figures from these measurements: ${n.forbund} förbund, ${n.participantsPerYear} participants a year (the largest ${n.largestParticipantsPerYear}, the average ${fmt(average, 0)}), all counted as active at once × ${n.activeShare}; ${n.overviewsPerParticipantPerDay} PersonOverview per participant and ${n.caseloadsPerCoordinatorPerDay} Caseload per coordinator (caseload ${n.caseloadSize}; the measured Caseload's CPU and audit records × ${fmt(n.caseloadSize / m.personsPerCaseload, 2)} from its ${fmt(m.personsPerCaseload)} persons) a working day of ${n.workingHoursPerDay} h, ${n.workingDaysPerYear} days a year; peak ${n.peakFactor} × the day's average; cores half busy at the peak (× ${1 / n.utilisation}); ${n.releasesPerYear} releases a year; an audit checkpoint kept each working minute with a request in it, for each chain that moved\n`);
  const national = load(m, n.participantsPerYear, n.forbund);
  const largest = load(m, n.largestParticipantsPerYear);
  const averageLoad = load(m, average);
  console.log(`Operations a working day: all förbund ${fmt(national.perDay.PersonOverview, 0)} PersonOverview and ${fmt(national.perDay.Caseload, 0)} Caseload; the largest ${fmt(largest.perDay.PersonOverview, 0)} and ${fmt(largest.perDay.Caseload, 0)}; the average ${fmt(averageLoad.perDay.PersonOverview, 0)} and ${fmt(averageLoad.perDay.Caseload, 0)}\n`);
  console.log('| national agency, from all förbund | requests a day | average per s | peak per s | cores at peak | audit records a day | audit GB a year | checkpoints a day | checkpoint GB a year | releases GB a year |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const agency of ['sickness-insurance', 'employment']) {
    const p = national.processLoad(agency);
    const s = national.storeLoad(agency);
    // Every förbund's releases, each at most the largest's size.
    const releases = n.forbund * s.releaseBytesPerYear;
    console.log(`| ${agency} | ${fmt(p.requestsPerDay, 0)} | ${fmt(p.averageRps, 2)} | ${fmt(p.peakRps, 1)} | ${fmt(p.cores, 2)} | ${fmt(s.recordsPerDay, 0)} | ${fmt(s.auditBytesPerYear / 1e9, 2)} | ${fmt(s.checkpoints, 0)} | ${fmt(s.checkpointBytesPerYear / 1e9, 2)} | ${fmt(releases / 1e9, 2)} |`);
  }
  console.log(`\nBesides: each gateway exchanges audit checkpoints with every store it calls once a minute (AUDIT_CHECKPOINT_INTERVAL_MS), day and night: ${fmt(n.forbund / 60, 2)} exchanges a second at each national agency from ${n.forbund} gateways, not in the requests above.`);
  for (const [label, l] of [['the largest förbund', largest], ['the average förbund', averageLoad]] as const) {
    console.log(`\n${label}: each part\n`);
    console.log('| part | requests a day | peak per s | cores at peak |\n| --- | ---: | ---: | ---: |');
    for (const name of m.processes) {
      const p = l.processLoad(name);
      console.log(`| ${name} | ${fmt(p.requestsPerDay, 0)} | ${fmt(p.peakRps, 2)} | ${fmt(p.cores, 3)} |`);
    }
    console.log('\n| store | audit records a day | audit MB a year | checkpoints a day | checkpoint MB a year | releases MB a year | register MB a year | MB a year |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const store of Object.keys(m.audit)) {
      const s = l.storeLoad(store);
      console.log(`| ${store} | ${fmt(s.recordsPerDay, 0)} | ${mb(s.auditBytesPerYear)} | ${fmt(s.checkpoints, 0)} | ${mb(s.checkpointBytesPerYear)} | ${mb(s.releaseBytesPerYear)} | ${mb(s.registerBytesPerYear)} | ${mb(s.bytesPerYear)} |`);
    }
  }
  console.log('');
}
