/**
 * `npm run bench`: the coordinator's operations through the gateway, against the same subgraph
 * fetches made straight to the subgraphs and through the peer gateways (peer-paths.ts: stock
 * Apollo Gateway, Hive Gateway, Hive Gateway with its Rust planner; BENCH_PEERS picks them, `none`
 * for none), under the same load, then by one client alone; then the same load through the gateway
 * with one subgraph killed half-way. Everything runs as separate processes on loopback, as `npm start`
 * runs it, the gateway and the subgraphs exporting their traces to a receiver (otlp-sink.ts;
 * BENCH_TRACING=off for none). BENCH_SECONDS (20) and BENCH_CLIENTS (16) set the load, after
 * BENCH_WARM_UP_SECONDS (10) of each path, BENCH_SINGLE_SECONDS (10) the single client's;
 * SEED_PERSONS the population; BENCH_PROFILE=<dir> profiles the gateway and the subgraphs;
 * BENCH_OPERATIONS=person-overview leaves the Caseload pages out of the load and the probes.
 *
 * `npm run bench -- analyst`: each operation in schema/operations/analyst/, one at a time, as an
 * analyst runs them in GraphiQL: BENCH_RUNS (5) timed runs after one warm-up. With
 * SEED_PERSONS=100000 this is the issue-5 speed check. BENCH_DATA_DIR=<dir> keeps the seeded
 * databases there for the next run, instead of seeding a fresh temporary folder;
 * BENCH_OPERATIONS_DIR=<dir> times the operations in another folder instead.
 *
 * `npm run bench -- analyst-load`: 20 analysts and 4 coordinators at once for BENCH_SECONDS (60
 * in this mode); see analyst-load.ts.
 *
 * `npm run bench -- anonymous-flood`: 20 anonymous clients sending 1 MB bodies while 4
 * coordinators query PersonOverview, for BENCH_SECONDS (30 in this mode): the coordinators'
 * p50/p95 and the gateway's RSS; see anonymous-flood.ts.
 *
 * `npm run bench -- soak`: 6 coordinators, 2 analysts and 2 writers at once for BENCH_SOAK_MINUTES
 * (10) after BENCH_WARM_UP_SECONDS (60 in this mode): each process's RSS after the warm-up and
 * after the soak, requests and errors per operation; exits non-zero if a process grew more than
 * 10 % or an unexpected error came; see soak.ts.
 *
 * `npm run bench -- client`: the coordinator client in headless Chromium, for the largest
 * caseload of the seed; see client-caseload.ts.
 *
 * `npm run bench -- national`: a förbund the size of the largest (`forbund-storstockholm`: ten
 * municipalities, SEED_PERSONS 60,000 by default, participations over ten years) seeded, released,
 * and its coordinator and analyst operations measured per process and per store, with the national
 * figures they give (docs/operations.md, "National figures"); see national.ts. About six minutes
 * from an empty folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, print, type FieldNode, type OperationDefinitionNode, type SelectionNode } from 'graphql';
import { request } from 'undici';
import { mintDevToken } from '@finsam/gateway/dev-issuer';
import { postToSubgraph, subgraphConnections } from '@finsam/gateway/subgraph-source';
import { SUBGRAPH_NAMES, envPrefix, intFromEnv, type SubgraphName } from '@finsam/kit/config';
import { todayIso } from '@finsam/kit/dates';
import { readManifest } from '@finsam/kit/operations';
import { GatewayTokens, loadOrCreateGatewayKey } from '@finsam/kit/gateway-token';
import { generatePopulation } from '@finsam/devkit/population/generate';
import { freePort } from '../support/free-port.ts';
import { analystLoad } from './analyst-load.ts';
import { anonymousFloodLoad } from './anonymous-flood.ts';
import { clientCaseload } from './client-caseload.ts';
import { soak } from './soak.ts';
import { cpuSeconds, metricSum, othersMeter, scrapeMetrics } from './measure.ts';
import { PEER_LABELS, ensurePeersInstalled, sameAnswers, selectedPeers, startPeer, tally, type Peer, type Probe } from './peer-paths.ts';
import { NATIONAL_FORBUND, NATIONAL_PERSONS, controllersOf, forgetReleases, nationalLoad, type ReleaseTiming } from './national.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MODE = process.argv[2] ?? 'coordinator';
const SECONDS = intFromEnv('BENCH_SECONDS', 20);
const CLIENTS = intFromEnv('BENCH_CLIENTS', 16);
const WARM_UP_SECONDS = intFromEnv('BENCH_WARM_UP_SECONDS', 10);
const SINGLE_SECONDS = intFromEnv('BENCH_SINGLE_SECONDS', 10);
/**
 * The coordinator load's mix: `mixed` (a Caseload page every fifth request, PersonOverview the
 * rest), or `person-overview` alone, as issue 24's table measured it; a peer whose Caseload
 * differs from ours (Hive Gateway's planner, docs/performance.md) can be measured on the latter.
 */
const OPERATIONS = process.env.BENCH_OPERATIONS ?? 'mixed';
if (!['mixed', 'person-overview'].includes(OPERATIONS)) throw new Error(`BENCH_OPERATIONS must be mixed or person-overview, not ${OPERATIONS}`);
/** Whether the i-th request of a client's run is a Caseload page. */
const isCaseload = (i: number) => OPERATIONS === 'mixed' && i % 5 === 4;
/** The coordinator load runs as issue 24 asks it measured: every check on and tracing exported to a receiver. */
const TRACING = MODE === 'coordinator' && process.env.BENCH_TRACING !== 'off';
const PERSONS = intFromEnv('SEED_PERSONS', MODE === 'national' ? NATIONAL_PERSONS : 2000);
/** The förbund seeded (SEED_FORBUND, as the subgraphs read it); the national mode's by default. */
const SEED_FORBUND = process.env.SEED_FORBUND ?? (MODE === 'national' ? NATIONAL_FORBUND.id : undefined);
const METRICS_TOKEN = 'bench-metrics';
/**
 * The coordinator client's operations as it sends them: their registered text (schema/operations/
 * manifest.json, with the `__typename`s Apollo Client adds), which is what our gateway runs whatever
 * form of it arrives, and what a peer gateway, which runs what it is sent, must be sent to answer the same.
 */
const registered = (name: string) => readManifest(path.join(root, 'schema/operations/manifest.json')).operations.find((o) => o.name === name)!.body;
const PERSON_OVERVIEW = registered('PersonOverview');
const CASELOAD = registered('Caseload');
/** A Caseload page's variables as the client sends them (client/src/caseload-data.ts): `signals` given, not left to its default. */
const CASELOAD_PAGE = { first: 20, signals: true };


interface Graph {
  gateway: string;
  subgraphs: Record<SubgraphName, string>;
  processes: Record<string, ChildProcess>;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** Each process's start: ms from spawn to listening, and its CPU seconds then (the seeding, for a fresh folder). */
  startup: Record<string, { ms: number; cpuSeconds: number }>;
  /** Whether the data folder was empty, so that the start seeded it. */
  seeded: boolean;
  /** CPU seconds per second the machine's other processes spent during the start. */
  othersDuringStart: number;
}

const RUNS = intFromEnv('BENCH_RUNS', 5);
const ANALYST_DIR = path.resolve(process.env.BENCH_OPERATIONS_DIR ?? path.join(root, 'schema/operations/analyst'));

async function startGraph(): Promise<Graph> {
  const dataDir = process.env.BENCH_DATA_DIR ? path.resolve(process.env.BENCH_DATA_DIR) : fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-bench-'));
  fs.mkdirSync(dataDir, { recursive: true });
  const seeded = !fs.existsSync(path.join(dataDir, 'coordination.sqlite'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, SEED_PERSONS: String(PERSONS), LOG_LEVEL: 'warn', METRICS_TOKEN };
  if (MODE === 'national') {
    env.SEED_FORBUND = SEED_FORBUND;
    env.SOCIAL_SERVICES_CONTROLLERS ??= controllersOf(NATIONAL_FORBUND);
    if (!seeded && process.env.BENCH_RELEASE_AGAIN === '1') forgetReleases(dataDir);
  }
  const subgraphs = {} as Record<SubgraphName, string>;
  const processes: Record<string, ChildProcess> = {};
  if (TRACING) {
    processes['trace receiver'] = spawn(process.execPath, ['--import', 'tsx', 'test/bench/otlp-sink.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    env.OTEL_EXPORTER_OTLP_ENDPOINT = await firstLine(processes['trace receiver']);
  }
  const spawned = performance.now();
  // Every subgraph's address first, then the processes: coordination pushes consent withdrawals to
  // the agencies' subgraphs at their URLs, and started before them it would push to the default ports.
  for (const name of SUBGRAPH_NAMES) {
    subgraphs[name] = `http://127.0.0.1:${await freePort()}`;
    env[`${envPrefix(name)}_URL`] = `${subgraphs[name]}/graphql`;
  }
  // BENCH_PROFILE=<dir>: each process writes a V8 CPU profile there when it stops (open in Chrome DevTools).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  // The soak reads what each process keeps after a full collection, which --expose-gc lets `/metrics` run (kit metrics.ts).
  const collectOnRead = MODE === 'soak' ? ['--expose-gc'] : [];
  for (const name of SUBGRAPH_NAMES) {
    processes[name] = spawn(process.execPath, [...profile, ...collectOnRead, '--import', 'tsx', `subgraphs/${name}/src/main.ts`], { cwd: root, env: { ...env, PORT: new URL(subgraphs[name]).port }, stdio: 'inherit' });
  }
  const gatewayPort = await freePort();
  processes.gateway = spawn(process.execPath, [...profile, ...collectOnRead, '--import', 'tsx', 'gateway/src/main.ts'], { cwd: root, env: { ...env, PORT: String(gatewayPort) }, stdio: 'inherit' });
  const gateway = `http://127.0.0.1:${gatewayPort}`;
  // Each process's start, to listening (a subgraph listens once it has seeded its stores).
  const startup: Graph['startup'] = {};
  const listening = async (name: string, url: string) => {
    while (!(await fetch(`${url}/health`).then((r) => r.ok, () => false))) await new Promise((r) => setTimeout(r, 100));
    startup[name] = { ms: performance.now() - spawned, cpuSeconds: cpuSeconds(processes[name]!.pid!) };
  };
  const others = othersMeter(Object.values(processes).map((child) => child.pid!));
  const started = Promise.all([...SUBGRAPH_NAMES.map((name) => listening(name, subgraphs[name])), listening('gateway', gateway)]);
  for (let i = 0; i < 2400 && !(await fetch(`${gateway}/ready`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 250));
  await started;
  const othersDuringStart = others();
  if (MODE === 'analyst' || MODE === 'analyst-load' || MODE === 'soak') await releaseStatistics(env);
  return { gateway, subgraphs, processes, dataDir, env, startup, seeded, othersDuringStart };
}

/**
 * The monthly statistics releases analysts' follow-ups are read from, made as `npm start` makes
 * them: the release job in its own process once the graph is up. Its wall time is the figure of
 * "a release for SEED_PERSONS persons" (every settled month of the seed, each drawn once).
 */
async function releaseStatistics(env: NodeJS.ProcessEnv): Promise<ReleaseTiming> {
  const started = performance.now();
  const job = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/coordination/src/statistics-release-cli.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let followUpMs = NaN;
  job.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    // The follow-up's summary line ends its part; the cohorts' releases follow.
    if (Number.isNaN(followUpMs) && / already released \(/.test(out)) followUpMs = performance.now() - started;
  });
  const code = await new Promise<number | null>((resolve) => job.on('exit', resolve));
  if (code !== 0) throw new Error(`statistics release exited with ${code}: ${out}`);
  const ms = performance.now() - started;
  const released = out.split('\n').filter((line) => / released, ρ /.test(line)).length;
  const cohortPeriods = out.split('\n').filter((line) => / signal counts released over /.test(line)).length;
  console.log(`statistics release: ${released} periods (months and years) for ${PERSONS} persons in ${Math.round(ms)} ms (the job's process, start to exit)`);
  return { ms, followUpMs, periods: released, cohortPeriods, output: out };
}

/** A child's first line of output (the trace receiver's URL); the rest goes to this process's output. */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const end = out.indexOf('\n');
      if (end < 0) return;
      child.stdout!.off('data', read);
      child.stdout!.pipe(process.stdout);
      resolve(out.slice(0, end).trim());
    };
    child.stdout!.on('data', read);
    child.once('exit', (code) => reject(new Error(`${child.spawnfile} exited with ${code} before it printed its address`)));
  });
}

interface Work {
  coordinator: string;
  token: string;
  persons: string[];
}

/** Each client works as one coordinator on their own caseload, as in real use. */
async function workload(dataDir: string): Promise<Work[]> {
  const population = generatePopulation({ seed: 1, persons: PERSONS, referenceDate: todayIso(), ...(SEED_FORBUND ? { forbund: SEED_FORBUND.split(',') } : {}) });
  const caseloads = new Map<string, string[]>();
  for (const p of population.persons) caseloads.set(p.coordinatorId, [...(caseloads.get(p.coordinatorId) ?? []), p.personnummer]);
  const coordinators = [...caseloads.keys()].slice(0, CLIENTS);
  return Promise.all(coordinators.map(async (coordinator) => ({
    coordinator, persons: caseloads.get(coordinator)!, token: await mintDevToken(dataDir, { sub: coordinator, role: 'coordinator', expiresIn: '1h' }),
  })));
}

interface Outcome {
  ms: number;
  ok: boolean;
  /** Which sectors came back (PersonOverview only). */
  sectors?: Record<string, boolean>;
}

/**
 * The load generator's connections: one keep-alive pool and one HTTP client (the gateway's) for
 * both paths, so that the client's own cost, which shares the two cores, is the same per call.
 */
const connections = subgraphConnections();

async function post(url: string, authorization: string, query: string, variables: Record<string, unknown>) {
  const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query, variables }), dispatcher: connections });
  const retryAfter = response.headers['retry-after'];
  return { status: response.statusCode, retryAfter: typeof retryAfter === 'string' ? Number(retryAfter) : undefined, body: (await response.body.json()) as { data?: any; errors?: { extensions?: Record<string, unknown> }[] } };
}

/** One coordinator operation through a gateway (ours or a peer): PersonOverview, or a Caseload page every fifth request of the mixed load (isCaseload). */
async function throughGateway(gateway: string, work: Work, i: number): Promise<Outcome> {
  const started = performance.now();
  // A sector refused for want of consent is an answer. The stock gateway also hands such refusals
  // on for sectors only its plan fetched (a Caseload page's signals require them): answers all the same.
  const unexpectedIn = (errors: { extensions?: Record<string, unknown> }[] | undefined) => (errors ?? []).filter((e) => e.extensions?.code !== 'FORBIDDEN' || !e.extensions?.agency);
  if (isCaseload(i)) {
    const { status, body } = await post(`${gateway}/graphql`, `Bearer ${work.token}`, CASELOAD, CASELOAD_PAGE);
    return { ms: performance.now() - started, ok: status === 200 && unexpectedIn(body.errors).length === 0 && body.data?.me?.caseload?.nodes?.length > 0 };
  }
  const { status, body } = await post(`${gateway}/graphql`, `Bearer ${work.token}`, PERSON_OVERVIEW, { personnummer: work.persons[i % work.persons.length] });
  const person = body.data?.person;
  const unexpected = unexpectedIn(body.errors);
  const sectors = person ? Object.fromEntries(['sicknessInsurance', 'employment', 'socialServices', 'care'].map((s) => [s, person[s] !== null])) : undefined;
  return { ms: performance.now() - started, ok: status === 200 && !!person && unexpected.length === 0, sectors };
}

/**
 * The same operation as the fetches the gateway's query plan makes, hand-written: coordination,
 * then the four agencies in parallel, then coordination again for the signals. Same tokens per
 * user and subgraph (reused as the gateway reuses them), same HTTP client and timeout as the
 * gateway's (postToSubgraph).
 */
/**
 * A person's selection in a coordinator operation, split by the subgraph that answers it, so that
 * the straight path asks each subgraph what the gateway's plan asks it, whatever fields the
 * operations gain.
 */
function bySubgraph(fields: readonly FieldNode[]) {
  const of = (name: string) => fields.filter((f) => f.name.value === name).map((f) => print(f)).join(' ');
  // unseenAgencies, like signals, is computed by coordination from the agencies' answers.
  const agencies = ['sicknessInsurance', 'employment', 'socialServices', 'care', 'signals', 'unseenAgencies'];
  return {
    coordination: fields.filter((f) => !agencies.includes(f.name.value)).map((f) => print(f)).join(' '),
    sicknessInsurance: of('sicknessInsurance'), employment: of('employment'), socialServices: of('socialServices'), care: of('care'),
    signals: `${of('signals')} ${of('unseenAgencies')}`.trim(),
  };
}

/**
 * The fields under a path of fields in an operation (`person`, or `me.caseload.nodes`), those of
 * an inline fragment among them: the Caseload's signals sit under `... @include(if: $signals)`,
 * which the bench asks with its default, true.
 */
function selectionAt(operationText: string, fieldPath: string[]): FieldNode[] {
  let selections = (parse(operationText).definitions[0] as OperationDefinitionNode).selectionSet.selections;
  for (const name of fieldPath) selections = (selections.find((s) => s.kind === 'Field' && s.name.value === name) as FieldNode).selectionSet!.selections;
  const fieldsOf = (nodes: readonly SelectionNode[]): FieldNode[] => nodes.flatMap((node) => node.kind === 'Field' ? [node] : node.kind === 'InlineFragment' ? fieldsOf(node.selectionSet.selections) : []);
  return fieldsOf(selections);
}

const OVERVIEW_FIELDS = bySubgraph(selectionAt(PERSON_OVERVIEW, ['person']));
const CASELOAD_FIELDS = bySubgraph(selectionAt(CASELOAD, ['me', 'caseload', 'nodes']));
const BASES = 'sicknessInsuranceReleaseBasis employmentReleaseBasis socialServicesReleaseBasis careReleaseBasis';

async function direct(graph: Graph, work: Work, i: number, gatewayTokens: GatewayTokens): Promise<Outcome> {
  const started = performance.now();
  const subject = { actorId: work.coordinator, role: 'coordinator' as const, purpose: 'COORDINATION' };
  const tokens = Object.fromEntries(await Promise.all(SUBGRAPH_NAMES.map(async (n) => [n, `Bearer ${await gatewayTokens.for(subject, n)}`] as const))) as Record<SubgraphName, string>;
  const postTo = async (name: SubgraphName, authorization: string, query: string, variables: Record<string, unknown>) => {
    const answer = await postToSubgraph({ name, url: `${graph.subgraphs[name]}/graphql`, timeoutMs: 2000, connections },
      { authorization, 'x-request-id': `bench-${i}` }, JSON.stringify({ query, variables }));
    type Body = { data?: any; errors?: unknown[] };
    return answer.ok ? { status: answer.status, body: answer.body as Body } : { status: 0, body: {} as Body };
  };
  // As the plan: coordination first (with the bases it signs), then the four agencies in parallel, then coordination for the signals.
  const caseload = isCaseload(i);
  const fields = caseload ? CASELOAD_FIELDS : OVERVIEW_FIELDS;
  const first = caseload
    ? await postTo('coordination', tokens.coordination,
      `query($first: Int) { me { id name caseload(first: $first) { totalCount pageInfo { hasNextPage endCursor } nodes { personnummer ${fields.coordination} ${BASES} } } } }`, { first: 20 })
    : await postTo('coordination', tokens.coordination,
      `query($p: String!) { person(personnummer: $p) { personnummer ${fields.coordination} ${BASES} } }`, { p: work.persons[i % work.persons.length] });
  const persons: Record<string, unknown>[] = (caseload ? first.body.data?.me?.caseload?.nodes : [first.body.data?.person].filter(Boolean)) ?? [];
  if (persons.length === 0) return { ms: performance.now() - started, ok: false };
  // Each agency gets the basis coordination signed for it, as the gateway's plan hands it on.
  const reps = (field: string) => persons.map((p) => ({ __typename: 'Person', personnummer: p.personnummer, [`${field}ReleaseBasis`]: p[`${field}ReleaseBasis`] }));
  // What the operation asks of each sector and what signals require of it (GraphQL merges the two).
  const sectorQueries: [SubgraphName, string, string][] = [
    ['sickness-insurance', 'sicknessInsurance', `${fields.sicknessInsurance} sicknessInsurance { cases { benefit status startDate endDate decisionDate refusalReason reconciliationMeetingDate rehabilitationPlanDate dayInRehabilitationChain } }`],
    ['employment', 'employment', `${fields.employment} employment { registrations { registeredOn deregisteredOn } programmes { startDate endDate reportedSickFrom reportedSickTo } }`],
    ['social-services', 'socialServices', `${fields.socialServices} socialServices { assistanceMonths { month reasonForNeed { group } } }`],
    ['care', 'care', `${fields.care} care { certificates { issuedOn workCapacitySteps { from to reduction } } }`],
  ];
  const sectors = await Promise.all(sectorQueries.map(([name, field, selection]) =>
    postTo(name, tokens[name], `query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { ${selection} } } }`, { r: reps(field) })));
  const merged = persons.map((p, k) => Object.assign({ __typename: 'Person', personnummer: p.personnummer }, ...sectors.map((s) => s.body.data?._entities?.[k] ?? {})));
  const signals = fields.signals
    ? await postTo('coordination', tokens.coordination, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { ${fields.signals} } } }`, { r: merged })
    : { status: 200 };
  // A sector refused for want of consent is an answer; one refused for its release basis means this path is not the gateway's.
  const basisRefused = (s: { body: { errors?: unknown[] } }) => (s.body.errors ?? []).some((e) => String((e as { extensions?: { reason?: string } }).extensions?.reason).startsWith('BASIS_'));
  return { ms: performance.now() - started, ok: first.status === 200 && sectors.every((s) => s.status === 200 && !basisRefused(s)) && signals.status === 200 };
}

async function load(run: (work: Work, i: number) => Promise<Outcome>, works: Work[], seconds: number, midway?: () => void) {
  const outcomes: Outcome[] = [];
  const deadline = Date.now() + seconds * 1000;
  let midwayDone = false;
  await Promise.all(works.map(async (work, client) => {
    for (let i = client; Date.now() < deadline; i += works.length) {
      if (midway && !midwayDone && Date.now() > deadline - (seconds * 1000) / 2) {
        midwayDone = true;
        midway();
      }
      outcomes.push(await run(work, i).catch(() => ({ ms: 0, ok: false })));
    }
  }));
  return summarise(outcomes, seconds);
}

function summarise(outcomes: Outcome[], seconds: number) {
  const times = outcomes.filter((o) => o.ok).map((o) => o.ms).sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? NaN;
  return { requests: outcomes.length, rps: outcomes.length / seconds, p50: pct(50), p99: pct(99), errors: outcomes.filter((o) => !o.ok).length, outcomes };
}

const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const fmt2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');

/**
 * Each analyst operation, run after run, with the time to the whole answer (its text through
 * `rewrite` first); a run refused for the analysts' share of the clock (429) waits its
 * `retry-after` and is made again.
 */
async function analystOperations(graph: Graph, rewrite: (text: string) => string = (text) => text) {
  const token = `Bearer ${await mintDevToken(graph.dataDir, { sub: 'analyst-1', role: 'analyst', expiresIn: '1h' })}`;
  console.log(`\nAnalyst operations: ${PERSONS} persons, ${RUNS} runs each after one warm-up, one at a time, ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}\n`);
  console.log('| operation | answer bytes | min ms | median ms | max ms |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const file of fs.readdirSync(ANALYST_DIR).filter((f) => f.endsWith('.graphql')).sort()) {
    const query = rewrite(fs.readFileSync(path.join(ANALYST_DIR, file), 'utf8'));
    const times: number[] = [];
    let bytes = 0;
    let waits = 0;
    for (let run = 0; run <= RUNS; run++) {
      const started = performance.now();
      const { status, retryAfter, body } = await post(`${graph.gateway}/graphql`, token, query, {});
      const ms = performance.now() - started;
      // Analysts' share of the clock (ANALYST_MS_PER_SECOND_TOTAL) spent: wait as told, as an analyst's client would, and run again.
      if (status === 429) {
        waits++;
        await new Promise((resolve) => setTimeout(resolve, (retryAfter ?? 1) * 1000));
        run--;
        continue;
      }
      if (status !== 200 || body.errors) throw new Error(`${file}: HTTP ${status} ${JSON.stringify(body.errors)}`);
      bytes = JSON.stringify(body).length;
      if (run > 0) times.push(ms);
    }
    times.sort((a, b) => a - b);
    console.log(`| ${file.replace('.graphql', '')}${waits ? ` (${waits} × 429, waited)` : ''} | ${bytes} | ${fmt(times[0]!)} | ${fmt(times[Math.floor(times.length / 2)]!)} | ${fmt(times.at(-1)!)} |`);
  }
}

/** A path the coordinator load is measured on: a gateway (ours or a peer) or the straight fan-out. */
interface LoadPath {
  label: string;
  run: (work: Work, i: number) => Promise<Outcome>;
  /** The gateway's process, whose CPU is counted per request (none for the straight path). */
  pid?: number;
}

/** A path's turns added up: requests, time, and the CPU its gateway and the subgraphs spent in them. */
interface PathFigures {
  outcomes: Outcome[];
  seconds: number;
  gatewayCpu: number;
  subgraphsCpu: number;
  /** CPU seconds by process: each subgraph, and the load generator. */
  processCpu: Record<string, number>;
  /** What the subgraphs were asked, by `<subgraph> <calls|statements|signatures|checks>`. */
  work: Record<string, number>;
}

/**
 * Sample probes of the identical-answers check: PersonOverview for the first persons of the first
 * coordinators' caseloads, and each of their Caseload pages.
 */
function probesOf(works: Work[]): Probe[] {
  const ask = (work: Work, query: string, variables: Record<string, unknown>) => async (url: string) => (await post(`${url}/graphql`, `Bearer ${work.token}`, query, variables)).body;
  return works.slice(0, 4).flatMap((work) => [
    ...work.persons.slice(0, 3).map((personnummer) => ({ label: `PersonOverview ${personnummer} as ${work.coordinator}`, ask: ask(work, PERSON_OVERVIEW, { personnummer }) })),
    ...(OPERATIONS === 'mixed' ? [{ label: `Caseload (first 20) of ${work.coordinator}`, ask: ask(work, CASELOAD, CASELOAD_PAGE) }] : []),
  ]);
}

async function coordinatorLoad(graph: Graph) {
  const works = await workload(graph.dataDir);
  const gatewayTokens = new GatewayTokens(await loadOrCreateGatewayKey(graph.dataDir));
  const paths: LoadPath[] = [
    { label: 'through the gateway', run: (w, i) => throughGateway(graph.gateway, w, i), pid: graph.processes.gateway!.pid! },
    { label: 'straight to the subgraphs', run: (w, i) => direct(graph, w, i, gatewayTokens) },
  ];
  const peers = selectedPeers();
  if (peers.length > 0) ensurePeersInstalled();
  const peerUrls = new Map<LoadPath, { peer: Peer; url: string }>();
  for (const peer of peers) {
    const started = await startPeer(peer, graph.env, works[0]!.token);
    graph.processes[`peer ${peer}`] = started.process;
    const p: LoadPath = { label: PEER_LABELS[peer], run: (w, i) => throughGateway(started.url, w, i), pid: started.process.pid! };
    paths.push(p);
    peerUrls.set(p, { peer, url: started.url });
  }

  // A warm-up of every path (JIT, query plan cache, connection pools, caches): with 2 s the
  // gateway's first measured turn still ran at two thirds of its second.
  for (const p of paths) await load(p.run, works, WARM_UP_SECONDS);

  // Then each peer's answers to the probes, against ours: a peer any of whose answers differ is not measured.
  const refused: Peer[] = [];
  const probes = probesOf(works);
  for (const [p, { peer, url }] of peerUrls) {
    const agreement = await sameAnswers(graph.gateway, url, probes);
    if (agreement.differences.length > 0) {
      console.log(`\n${PEER_LABELS[peer]}: its answers differ from the gateway's, so it is not measured:\n${agreement.differences.join('\n')}`);
      console.log(`(errors at fields the operations did not select: ours ${tally(agreement.outside.ours)}, theirs ${tally(agreement.outside.theirs)})`);
      refused.push(peer);
      graph.processes[`peer ${peer}`]!.kill('SIGTERM');
      paths.splice(paths.indexOf(p), 1);
    } else {
      console.log(`${PEER_LABELS[peer]}: the same data and errors as the gateway on ${probes.length} probes; errors at fields the operations did not select: ours ${tally(agreement.outside.ours)}, theirs ${tally(agreement.outside.theirs)}`);
    }
  }
  const measured = peers.filter((p) => !refused.includes(p));
  console.log(`\nLoad: ${OPERATIONS === 'mixed' ? 'PersonOverview with a Caseload page every fifth request' : 'PersonOverview alone'}; ${CLIENTS} clients, ${SECONDS} s each path in two turns after ${WARM_UP_SECONDS} s of warm-up, then one client for ${SINGLE_SECONDS} s each path; ${PERSONS} persons; tracing ${TRACING ? 'exported to a receiver' : 'off'}; ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}; load average ${os.loadavg()[0]!.toFixed(2)} at the start; peers ${measured.join(', ') || 'none'}\n`);

  // The paths take turns, half the time each turn (gateway, straight, peers, gateway, straight, peers):
  // this machine's speed drifts during a run, and turns share the drift between the paths. Around
  // each turn, the CPU the path's gateway and the five subgraphs spent (from /proc).
  // Also each subgraph's and the load generator's CPU on its own, and the work each subgraph was
  // asked (GraphQL calls, data statements, basis signatures and checks, from its /metrics): the
  // same work costing more behind one gateway than another shows here.
  const subgraphPids = SUBGRAPH_NAMES.map((name) => graph.processes[name]!.pid!);
  const subgraphsCpu = () => subgraphPids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const processPids: Record<string, number> = { ...Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, graph.processes[name]!.pid!])), 'bench clients': process.pid };
  const processCpu = () => Object.fromEntries(Object.entries(processPids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  const COUNTED = { calls: ['http_requests_total', { route: '/graphql' }], statements: ['db_statements_total', {}], signatures: ['release_basis_signatures_total', {}], checks: ['release_basis_checks_total', {}] } as const;
  const workCounts = async () => Object.fromEntries((await Promise.all(SUBGRAPH_NAMES.map(async (name) => {
    const samples = await scrapeMetrics(graph.subgraphs[name], METRICS_TOKEN);
    return Object.entries(COUNTED).map(([what, [metric, labels]]) => [`${name} ${what}`, metricSum(samples, metric, labels)] as const);
  }))).flat());
  const addDifference = (into: Record<string, number>, before: Record<string, number>, after: Record<string, number>) => {
    for (const [key, value] of Object.entries(after)) into[key] = (into[key] ?? 0) + value - before[key]!;
  };
  const measure = async (p: LoadPath, clients: Work[], seconds: number, figures: PathFigures) => {
    const [gateway0, subgraphs0, processes0, work0] = [p.pid ? cpuSeconds(p.pid) : 0, subgraphsCpu(), processCpu(), await workCounts()];
    const turn = await load(p.run, clients, seconds);
    figures.gatewayCpu += (p.pid ? cpuSeconds(p.pid) : 0) - gateway0;
    figures.subgraphsCpu += subgraphsCpu() - subgraphs0;
    addDifference(figures.processCpu, processes0, processCpu());
    addDifference(figures.work, work0, await workCounts());
    figures.outcomes.push(...turn.outcomes);
    figures.seconds += seconds;
    return turn;
  };
  const empty = (): PathFigures => ({ outcomes: [], seconds: 0, gatewayCpu: 0, subgraphsCpu: 0, processCpu: {}, work: {} });
  // What each process spends with no request at all (timers, the agencies' withdrawal pulls, the
  // gateway's witnessing), per second: part of every path's CPU per request.
  const idle = { before: processCpu(), seconds: 5 };
  await new Promise((resolve) => setTimeout(resolve, idle.seconds * 1000));
  const idleCpu: Record<string, number> = {};
  addDifference(idleCpu, idle.before, processCpu());
  const loaded = paths.map(empty);
  const single = paths.map(empty);
  const ratiosByTurn: number[][] = paths.map(() => []);
  for (let turn = 0; turn < 2; turn++) {
    const rates: number[] = [];
    for (const [k, p] of paths.entries()) rates.push((await measure(p, works, SECONDS / 2, loaded[k]!)).rps);
    rates.forEach((rate, k) => ratiosByTurn[k]!.push(rate / rates[1]!));
  }
  // One client, one request after another: the latency each path adds, without queueing.
  for (let turn = 0; turn < 2; turn++) for (const [k, p] of paths.entries()) await measure(p, works.slice(0, 1), SINGLE_SECONDS / 2, single[k]!);

  const rows = paths.map((p, k) => {
    const figures = loaded[k]!;
    const summary = summarise(figures.outcomes, figures.seconds);
    return { p, summary, gatewayCpuMs: p.pid ? (figures.gatewayCpu * 1000) / summary.requests : NaN, subgraphsCpuMs: (figures.subgraphsCpu * 1000) / summary.requests, single: summarise(single[k]!.outcomes, single[k]!.seconds) };
  });
  const [ours, straight] = [rows[0]!, rows[1]!];
  const stock = rows.find((r) => r.p.label === PEER_LABELS.stock);
  const ratio = (a: number, b: number | undefined) => (b === undefined || !Number.isFinite(a / b) ? '–' : (a / b).toFixed(2));
  console.log('| path | requests | req/s | p50 ms | p99 ms | errors | × direct (turns) | × stock | gateway CPU ms/request | × stock\'s CPU | subgraphs CPU ms/request | one client p50 ms | over direct ms |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [k, r] of rows.entries()) {
    console.log(`| ${r.p.label} | ${r.summary.requests} | ${fmt(r.summary.rps)} | ${fmt(r.summary.p50)} | ${fmt(r.summary.p99)} | ${r.summary.errors} | ${ratio(r.summary.rps, straight.summary.rps)} (${ratiosByTurn[k]!.map((x) => x.toFixed(2)).join(', ')}) | ${ratio(r.summary.rps, stock?.summary.rps)} | ${fmt2(r.gatewayCpuMs)} | ${ratio(r.gatewayCpuMs, stock?.gatewayCpuMs)} | ${fmt2(r.subgraphsCpuMs)} | ${fmt2(r.single.p50)} | ${k === 1 ? '' : `+${fmt2(r.single.p50 - straight.single.p50)}`} |`);
  }
  console.log(`\nGateway rate / direct rate: ${ratio(ours.summary.rps, straight.summary.rps)}${stock ? `; / stock's: ${ratio(ours.summary.rps, stock.summary.rps)}; gateway CPU per request / stock's: ${ratio(ours.gatewayCpuMs, stock.gatewayCpuMs)}` : ''}; one client over direct: +${fmt2(ours.single.p50 - straight.single.p50)} ms`);
  if (refused.length > 0) console.log(`Not measured, answers differ: ${refused.map((p) => PEER_LABELS[p]).join(', ')}`);
  console.log(`\n| CPU ms per request | ${rows.map((r) => r.p.label).join(' | ')} | idle, ms per second |`);
  console.log(`| --- |${rows.map(() => ' ---: |').join('')} ---: |`);
  for (const name of Object.keys(processPids)) {
    console.log(`| ${name} | ${rows.map((r, k) => fmt2((loaded[k]!.processCpu[name]! * 1000) / r.summary.requests)).join(' | ')} | ${fmt2((idleCpu[name]! * 1000) / idle.seconds)} |`);
  }
  console.log(`\n| asked per request | ${rows.map((r) => r.p.label).join(' | ')} |`);
  console.log(`| --- |${rows.map(() => ' ---: |').join('')}`);
  for (const key of Object.keys(loaded[0]!.work)) console.log(`| ${key} | ${rows.map((r, k) => (loaded[k]!.work[key]! / r.summary.requests).toFixed(2)).join(' | ')} |`);
  console.log(`Load average (1, 5, 15 min) at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(', ')}\n`);
  for (const peer of peers) graph.processes[`peer ${peer}`]?.kill('SIGTERM');

  // The same load through the gateway; half-way the care subgraph's process is killed.
  const faulty = await load((w, i) => throughGateway(graph.gateway, w, i), works, SECONDS, () => graph.processes.care!.kill('SIGKILL'));
  const overviews = faulty.outcomes.filter((o) => o.sectors);
  const served = (sector: string) => overviews.filter((o) => o.sectors![sector]).length;
  console.log(`Care killed half-way: ${faulty.requests} requests, ${fmt(faulty.rps)} req/s, p99 ${fmt(faulty.p99)} ms, failed answers ${faulty.errors} (answers carrying a SUBGRAPH_UNAVAILABLE error for care count as failed)`);
  console.log(`PersonOverview answers with each sector present: sicknessInsurance ${served('sicknessInsurance')}, employment ${served('employment')}, socialServices ${served('socialServices')}, care ${served('care')} of ${overviews.length}`);
}

if (!['coordinator', 'analyst', 'analyst-load', 'anonymous-flood', 'client', 'national', 'soak'].includes(MODE)) {
  console.error('Usage: npm run bench [-- coordinator|analyst|analyst-load|anonymous-flood|client|national|soak]');
  process.exit(2);
}
const graph = await startGraph();
try {
  if (MODE === 'anonymous-flood') {
    await anonymousFloodLoad({
      gateway: graph.gateway, gatewayPid: graph.processes.gateway!.pid!, personOverview: PERSON_OVERVIEW, caseload: CASELOAD, post,
      coordinators: (await workload(graph.dataDir)).slice(0, intFromEnv('FLOOD_COORDINATORS', 4)),
    });
  } else if (MODE === 'soak') {
    const passed = await soak({
      gateway: graph.gateway, dataDir: graph.dataDir, persons: PERSONS, post, metricsToken: METRICS_TOKEN,
      processes: Object.fromEntries(Object.entries(graph.processes).map(([name, child]) => [name, { pid: child.pid!, url: name === 'gateway' ? graph.gateway : graph.subgraphs[name as SubgraphName] }])),
    });
    if (!passed) process.exitCode = 1;
  } else if (MODE === 'client') await clientCaseload({ gateway: graph.gateway, persons: PERSONS });
  else if (MODE === 'national') {
    await nationalLoad({
      gateway: graph.gateway, dataDir: graph.dataDir, persons: PERSONS, forbund: NATIONAL_FORBUND, metricsToken: METRICS_TOKEN,
      processes: Object.fromEntries(Object.entries(graph.processes).map(([name, child]) => [name, { pid: child.pid!, url: name === 'gateway' ? graph.gateway : graph.subgraphs[name as SubgraphName] }])),
      startup: graph.startup, othersDuringStart: graph.othersDuringStart, seeded: graph.seeded, dispatcher: connections,
      release: () => releaseStatistics(graph.env), analystOperations: (rewrite) => analystOperations(graph, rewrite),
    });
  } else if (MODE === 'analyst-load') await analystLoad({ gateway: graph.gateway, dataDir: graph.dataDir, persons: PERSONS, post, coordinators: await workload(graph.dataDir), pids: { ...Object.fromEntries(Object.entries(graph.processes).map(([name, child]) => [name, child.pid!])), 'bench clients': process.pid } });
  else await (MODE === 'analyst' ? analystOperations(graph) : coordinatorLoad(graph));
} finally {
  await connections.close();
  for (const child of Object.values(graph.processes)) child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 500));
  if (!process.env.BENCH_DATA_DIR) fs.rmSync(graph.dataDir, { recursive: true, force: true });
}
