/**
 * `npm start`: the whole graph on one machine on the embedded default: five subgraphs and the
 * gateway as separate processes, like in production. Ctrl-C stops them all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { SUBGRAPH_NAMES, dataDir, intFromEnv, subgraphUrl, workspaceRoot } from '@finsam/kit/config';
import { readManifest, requestByHash } from '@finsam/gateway/registered-operations';
import { restartCommand } from './restart-command.ts';

if (process.env.DATABASE_URL) {
  // Five subgraphs and the gateway would share one database: each store needs its own.
  console.error('DATABASE_URL names one database; with npm start set COORDINATION_DATABASE_URL, SICKNESS_INSURANCE_DATABASE_URL, … per store instead.');
  process.exit(2);
}

/** The repository npm start runs in, where a part is started again by hand (restartCommand). */
const root = workspaceRoot();
/** Each part's entry, resolved through its package (`@finsam/care/main`, `@finsam/gateway/main`). */
const resolveEntry = createRequire(import.meta.url).resolve;
const gatewayPort = intFromEnv('PORT', 4000);
const children: ChildProcess[] = [];
let stopping = false;
/** The statistics release job, run once when the graph is up (runReleaseJob); null before and after. */
let releaseJob: ChildProcess | null = null;

function start(name: string, entry: string, port: number): void {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: process.cwd(),
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    // The others keep running, as separate services would: the graph answers without this part.
    const again = restartCommand(name, port, root, process.env);
    console.error(`${name} stopped (${signal ?? `exit code ${code}`}); the rest keep running. Start it again with: ${again}`);
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) void stopAll(1);
  });
  children.push(child);
}

async function stopAll(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  releaseJob?.kill('SIGTERM');
  const exited = children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((resolve) => c.once('exit', resolve)));
  for (const child of children) child.kill('SIGTERM');
  await Promise.race([Promise.all(exited), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  process.exit(exitCode);
}

async function waitForGateway(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    const ready = await fetch(url).then((r) => r.ok, () => false);
    if (ready) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

/**
 * The monthly statistics releases (docs/statistics-release.md) for every settled month the seed
 * holds: `npm run statistics-release` in a process of its own once coordination has seeded its
 * store and the graph is up, never on a request. It releases only the months not yet released,
 * so a second `npm start` adds nothing but a month that has settled since. A deployment
 * schedules the same command daily instead (a cron job or a Kubernetes CronJob).
 */
function runReleaseJob(): void {
  const job = spawn(process.execPath, ['--import', 'tsx', resolveEntry('@finsam/coordination/statistics-release-cli')], {
    cwd: process.cwd(), env: process.env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  releaseJob = job;
  const prefix = (stream: NodeJS.ReadableStream, write: (line: string) => void) => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const line of lines) write(`statistics-release: ${line}`);
    });
  };
  prefix(job.stdout!, (line) => console.log(line));
  prefix(job.stderr!, (line) => console.error(line));
  job.on('exit', (code) => {
    releaseJob = null;
    if (code !== 0 && !stopping) console.error(`statistics-release: exited with ${code}; follow-ups answer only the months released before. Run it again with: npm run statistics-release`);
  });
}

// Each subgraph listens on the port of the URL the gateway will call it on (<NAME>_URL).
for (const name of SUBGRAPH_NAMES) start(name, resolveEntry(`@finsam/${name}/main`), Number(new URL(subgraphUrl(name)).port));
start('gateway', resolveEntry('@finsam/gateway/main'), gatewayPort);
process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

const base = `http://127.0.0.1:${gatewayPort}`;
// Coordinators are served registered operations only (docs/registered-operations.md): the example names Caseload by its hash.
const caseload = readManifest().operations.find((o) => o.name === 'Caseload')!;
const exampleBody = JSON.stringify(requestByHash(caseload, { first: 5 }));
if (await waitForGateway(`${base}/ready`, 180_000)) {
  console.log(`
Finsam graph is up.
  Coordinator app:  ${base}/
  GraphQL endpoint: ${base}/graphql
  DATA_DIR:         ${dataDir()}
  A token:          npm run token -- --role coordinator --sub coordinator-1
  Try:              curl -s ${base}/graphql -H "authorization: Bearer $(npm run -s token | tail -n1)" \\
                      -H 'content-type: application/json' -d '${exampleBody}'
Ctrl-C stops everything.
`);
  runReleaseJob();
} else if (!stopping) {
  console.error('The gateway did not become ready within 180 s; stopping.');
  await stopAll(1);
}
