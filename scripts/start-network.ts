/**
 * `npm run start:network`: two samordningsförbund on one machine (scripts/network-plan.ts,
 * docs/network.md), sharing Försäkringskassan's and Arbetsförmedlingen's subgraphs: ten processes,
 * each förbund's in a DATA_DIR of its own under `<DATA_DIR>/network`. Prints both gateways' URLs
 * and how to get a token for each. Ctrl-C stops everything.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { dataDir, workspaceRoot } from '@finsam/kit/config';
import { networkPlan, prepareNetwork } from './network-plan.ts';
import { ProcessGroup } from './process-group.ts';
import { restartCommand } from './restart-command.ts';

if (process.env.DATABASE_URL) {
  console.error('DATABASE_URL names one database; the network runs on the embedded default (SQLite), each store a file of its own.');
  process.exit(2);
}

const root = workspaceRoot();
const resolveEntry = createRequire(import.meta.url).resolve;
const plan = networkPlan(path.join(dataDir(), 'network'));
await prepareNetwork(plan);

const group = new ProcessGroup();
for (const part of plan.parts) {
  const env = { ...process.env, ...part.env, PORT: String(part.port) };
  const entry = resolveEntry(part.name === 'gateway' ? '@finsam/gateway/main' : `@finsam/${part.name}/main`);
  group.start(`${part.owner}: ${part.name}`, entry, env, () => restartCommand(part.name, part.port, root, env));
}

const ready = await Promise.all(plan.forbund.map((f) => group.waitFor(`${f.gatewayUrl}/ready`, 300_000)));
if (ready.every(Boolean)) {
  const lines = plan.forbund.map((f, i) => {
    const coordinator = i === 0 ? 'coordinator-1' : `${f.id}-coordinator-1`;
    return `  ${f.name} (${f.id}; social services of ${f.municipalities.split(',').map((m) => m.split('=')[1]).join(', ')})
    Coordinator app:  ${f.gatewayUrl}/
    GraphQL endpoint: ${f.gatewayUrl}/graphql
    A token:          DATA_DIR=${f.dataDir} npm run token -- --role coordinator --sub ${coordinator}`;
  });
  console.log(`
Two förbund are up, sharing Försäkringskassan's and Arbetsförmedlingen's subgraphs (their list of förbund: ${plan.listFile}).
${lines.join('\n')}
Cut a förbund off at the national agencies by setting "cutOff": true for it in that file (read again on change).
Ctrl-C stops everything.
`);
} else if (!group.isStopping) {
  console.error('A gateway did not become ready within 300 s; stopping.');
  await group.stopAll(1);
}
