/**
 * `npm start`: the whole graph on one machine on the embedded default: five subgraphs and the
 * gateway as separate processes, like in production. Ctrl-C stops them all.
 */
import { createRequire } from 'node:module';
import { SUBGRAPH_NAMES, dataDir, gatewayPort as gatewayPortOf, listenHost, subgraphUrl, workspaceRoot } from '@finsam/kit/config';
import { readManifest, requestByHash } from '@finsam/gateway/registered-operations';
import { sharedPorts, takenPorts, takenPortsMessage, type Part } from './ports.ts';
import { ProcessGroup } from './process-group.ts';
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
/**
 * Ports: FINSAM_BASE_PORT (default 4000) for the gateway and the next five for the subgraphs in
 * SUBGRAPH_NAMES's order; PORT (the gateway's) and <NAME>_URL (a subgraph's) win over it.
 */
let gatewayPort: number;
let parts: Part[];
try {
  gatewayPort = gatewayPortOf();
  // Each subgraph listens on the port of the URL the gateway will call it on (<NAME>_URL).
  parts = [...SUBGRAPH_NAMES.map((name) => ({ name, port: Number(new URL(subgraphUrl(name)).port) })), { name: 'gateway', port: gatewayPort }];
} catch (error) {
  // A setting that is not a port (FINSAM_BASE_PORT=abc): said in one line.
  console.error(`npm start: ${(error as Error).message}`);
  process.exit(2);
}
for (const shared of sharedPorts(parts)) {
  console.error(`npm start: port ${shared[0]!.port} is given to ${shared.map((p) => p.name).join(' and ')}; each part needs its own (PORT, <NAME>_URL, FINSAM_BASE_PORT).`);
  process.exit(2);
}
// Before a process is started or a store seeded: a second npm start beside a running one stops here.
const taken = await takenPorts(parts, listenHost());
if (taken.length > 0) {
  console.error(takenPortsMessage(taken, parts.length));
  process.exit(1);
}

const group = new ProcessGroup();

function start(name: string, entry: string, port: number): void {
  group.start(name, entry, { ...process.env, PORT: String(port) }, () => restartCommand(name, port, root, process.env));
}

/**
 * The monthly statistics releases (docs/statistics-release.md) for every settled month the seed
 * holds: `npm run statistics-release` in a process of its own once coordination has seeded its
 * store and the graph is up, never on a request. It releases only the months not yet released,
 * so a second `npm start` adds nothing but a month that has settled since. A deployment
 * schedules the same command daily instead (a cron job or a Kubernetes CronJob).
 */
function runReleaseJob(): void {
  group.helper('statistics-release', resolveEntry('@finsam/coordination/statistics-release-cli'), process.env, (code) => {
    if (code !== 0) console.error(`statistics-release: exited with ${code}; follow-ups answer only the months released before. Run it again with: npm run statistics-release`);
  });
}

for (const part of parts) start(part.name, resolveEntry(part.name === 'gateway' ? '@finsam/gateway/main' : `@finsam/${part.name}/main`), part.port);

const base = `http://127.0.0.1:${gatewayPort}`;
// Coordinators are served registered operations only (docs/registered-operations.md): the example names Caseload by its hash.
const caseload = readManifest().operations.find((o) => o.name === 'Caseload')!;
const exampleBody = JSON.stringify(requestByHash(caseload, { first: 5 }));
if (await group.waitFor(`${base}/ready`, 180_000)) {
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
} else if (!group.isStopping) {
  console.error('The gateway did not become ready within 180 s; stopping.');
  await group.stopAll(1);
}
