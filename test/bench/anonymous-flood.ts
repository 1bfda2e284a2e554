/**
 * `npm run bench -- anonymous-flood`: 20 anonymous clients (ANONYMOUS_CLIENTS) send 1 MB bodies
 * of nested JSON to the gateway as fast as it answers them, for BENCH_SECONDS (30 in this mode),
 * while 4 coordinators (FLOOD_COORDINATORS) query PersonOverview one request after another
 * (FLOOD_OPERATION=Caseload: a caseload page of 20 instead, the lighter request).
 * Reports the coordinators' p50/p95, first alone and then under the flood, and the gateway
 * process's resident memory (sampled from /proc every 250 ms, and its peak from VmHWM).
 * Half the anonymous clients send no token, half a forged one. Issue 12's target: p50 under
 * 50 ms and the gateway under 400 MB while flooded (docs/edges.md).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Agent, request, type Dispatcher } from 'undici';
import { intFromEnv } from '@finsam/kit/config';
import { residentMb } from './measure.ts';

export interface FloodTarget {
  gateway: string;
  gatewayPid: number;
  personOverview: string;
  caseload: string;
  coordinators: { token: string; persons: string[] }[];
  post: (url: string, authorization: string, query: string, variables: Record<string, unknown>) => Promise<{ status: number; body: { data?: any; errors?: unknown[] } }>;
}

const MB = 1_000_000;

/**
 * Just under 1 MB (the gateway's body limit, so that it is not refused for its size) of JSON
 * nested 500 deep, many times over: costly to parse, cheap to send again.
 */
function nestedBody(): Buffer {
  const unit = `${'{"a":'.repeat(500)}1${'}'.repeat(500)}`;
  const units = Math.floor((MB - 1000) / (unit.length + 1));
  return Buffer.from(JSON.stringify({ query: 'query($v: JSON) { me { id } }' }).slice(0, -1) + `,"variables":{"v":[${Array(units).fill(unit).join(',')}]}}`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const caseloadPages = process.env.FLOOD_OPERATION === 'Caseload';

async function coordinatorsFor(target: FloodTarget, seconds: number) {
  const times: number[] = [];
  let failed = 0;
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(target.coordinators.map(async (work, client) => {
    for (let i = client; Date.now() < deadline; i++) {
      const started = performance.now();
      const answer = await (caseloadPages
        ? target.post(`${target.gateway}/graphql`, `Bearer ${work.token}`, target.caseload, { first: 20 })
        : target.post(`${target.gateway}/graphql`, `Bearer ${work.token}`, target.personOverview, { personnummer: work.persons[i % work.persons.length] })).catch(() => null);
      const data = answer?.body.data as { person?: unknown; me?: unknown } | undefined;
      if (answer?.status === 200 && (caseloadPages ? data?.me : data?.person)) times.push(performance.now() - started);
      else failed += 1;
    }
  }));
  times.sort((a, b) => a - b);
  return { answered: times.length, failed, p50: percentile(times, 50), p95: percentile(times, 95) };
}

/**
 * The anonymous clients run in a process of their own, so that sending 20 MB at a time does not
 * slow the event loop that times the coordinators' requests.
 */
function anonymousFloodProcess(gateway: string, clients: number, seconds: number): Promise<Map<string, number>> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), gateway, String(clients), String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', () => resolve(new Map(Object.entries(JSON.parse(output || '{}') as Record<string, number>))));
  });
}

async function anonymousFlood(gateway: string, clients: number, until: () => boolean) {
  const body = nestedBody();
  const outcomes = new Map<string, number>();
  const count = (outcome: string) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  await Promise.all(Array.from({ length: clients }, async (_, client) => {
    // Each attacker on its own connection pool, so their refused connections do not touch the coordinators'.
    const connections: Dispatcher = new Agent({ connections: 1 });
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(client % 2 ? { authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.forged' } : {}) };
    while (!until()) {
      try {
        const answer = await request(`${gateway}/graphql`, { method: 'POST', headers, body, dispatcher: connections });
        await answer.body.dump();
        count(`HTTP ${answer.statusCode}`);
      } catch {
        count('connection closed by the gateway');
      }
    }
    await connections.close().catch(() => undefined);
  }));
  return outcomes;
}

export async function anonymousFloodLoad(target: FloodTarget): Promise<void> {
  const seconds = intFromEnv('BENCH_SECONDS', 30);
  const clients = intFromEnv('ANONYMOUS_CLIENTS', 20);
  const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
  console.log(`\nAnonymous flood: ${clients} anonymous clients with ${nestedBody().length} byte nested JSON bodies, ${target.coordinators.length} coordinators (${caseloadPages ? 'Caseload pages of 20' : 'PersonOverview'}), ${seconds} s, ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}\n`);
  await coordinatorsFor(target, 5);
  const quiet = await coordinatorsFor(target, 10);
  const rssQuiet = residentMb(target.gatewayPid);

  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(residentMb(target.gatewayPid).now), 250);
  const [flooded, outcomes] = await Promise.all([coordinatorsFor(target, seconds), anonymousFloodProcess(target.gateway, clients, seconds)]);
  clearInterval(sampler);
  const rss = residentMb(target.gatewayPid);

  console.log('| coordinators | answered | failed | p50 ms | p95 ms |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  console.log(`| alone (10 s) | ${quiet.answered} | ${quiet.failed} | ${fmt(quiet.p50)} | ${fmt(quiet.p95)} |`);
  console.log(`| under the flood (${seconds} s) | ${flooded.answered} | ${flooded.failed} | ${fmt(flooded.p50)} | ${fmt(flooded.p95)} |`);
  console.log(`\nGateway RSS: ${fmt(rssQuiet.now)} MB before the flood, at most ${fmt(Math.max(...samples))} MB sampled during it, peak (VmHWM) ${fmt(rss.peak)} MB`);
  console.log(`Anonymous requests: ${[...outcomes].map(([k, v]) => `${k}: ${v}`).join(', ')}`);
}

// Run as the attackers' process: <gateway> <clients> <seconds>; prints the outcomes as JSON.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [gateway, clients, seconds] = process.argv.slice(2);
  const deadline = Date.now() + Number(seconds) * 1000;
  const outcomes = await anonymousFlood(gateway!, Number(clients), () => Date.now() >= deadline);
  process.stdout.write(JSON.stringify(Object.fromEntries(outcomes)));
}
