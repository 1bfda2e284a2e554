/**
 * What `npm run audit -- verify` does (audit-cli.ts): checks the hash chain of every store's
 * audit log (the five subgraphs and the gateway): on PostgreSQL where `<STORE>_DATABASE_URL`
 * says so, else the SQLite files under DATA_DIR. Each chain is also held to the checkpoints of it
 * that the OTHER stores keep (docs/audit-anchoring.md), their signatures checked against the
 * gateway's public keys (GATEWAY_JWKS_URL, else the key set file in DATA_DIR): a tail removed,
 * cut short or rewritten before the last checkpoint is found.
 */
import fs from 'node:fs';
import path from 'node:path';
import { verifyChain, type AuditDb, type ChainAnchor, type ChainCheck } from '@finsam/kit/audit';
import { heldCheckpoints, recordedHeads } from '@finsam/kit/audit-checkpoint';
import { gatewayPublicKeys } from '@finsam/kit/gateway-token';
import { withRetiredKeys } from '@finsam/kit/signing-key';
import { trustedForbund } from '@finsam/kit/trusted-forbund';
import { consoleOutput, type CommandOutput } from '@finsam/kit/command-output';
import { SUBGRAPH_NAMES, dataDir } from '@finsam/kit/config';
import { databaseUrlFor, openExisting, storeDatabaseUrlVariable } from '@finsam/kit/database';
import { controllerStoreName, controllerStoresOf } from '@finsam/kit/controllers';

type Located = { store: string; location: { file: string } | { databaseUrl: string } };

async function withStore<T>(location: Located['location'], use: (db: ReturnType<typeof openExisting<AuditDb>>) => Promise<T>): Promise<T> {
  const db = openExisting<AuditDb>(location);
  try {
    return await use(db);
  } finally {
    await db.destroy();
  }
}

/**
 * Every store there may be: each subgraph's, the gateway's, and the stores of the controllers
 * behind a subgraph (`social-services-1480`): those configured (`<NAME>_CONTROLLERS`, controllers.ts)
 * and any such file in DATA_DIR, so that a controller dropped from the configuration is still checked.
 */
function storeNames(env: NodeJS.ProcessEnv, directory: string): string[] {
  const names = new Set<string>();
  const files = fs.existsSync(directory) ? fs.readdirSync(directory) : [];
  for (const subgraph of SUBGRAPH_NAMES) {
    names.add(subgraph);
    for (const store of controllerStoresOf(subgraph, env)) names.add(store);
    for (const file of files) {
      const code = new RegExp(`^${subgraph}-(\\d{2}|\\d{4})\\.sqlite$`).exec(file)?.[1];
      if (code) names.add(controllerStoreName(subgraph, code));
    }
  }
  return [...names, 'gateway'];
}

/** Verifies every store's chain; 0 when all hold, 1 naming each broken store, 2 when there is nothing to check. */
export async function verifyAuditChains(env: NodeJS.ProcessEnv = process.env, print: CommandOutput = consoleOutput): Promise<number> {
  const directory = dataDir(env);
  const stores = storeNames(env, directory).flatMap((store): Located[] => {
    // A controller's store is only ever in its own database, never the shared DATABASE_URL.
    const databaseUrl = SUBGRAPH_NAMES.some((name) => name === store) || store === 'gateway'
      ? databaseUrlFor(store, env) : env[storeDatabaseUrlVariable(store)] || undefined;
    const file = path.join(directory, `${store}.sqlite`);
    if (databaseUrl) return [{ store, location: { databaseUrl } }];
    return fs.existsSync(file) ? [{ store, location: { file } }] : [];
  });
  if (stores.length === 0) {
    print.err(`No stores in ${directory} and no <STORE>_DATABASE_URL: start the graph once, or set DATA_DIR.`);
    return 2;
  }

  let broken = false;
  // First what every store witnessed of the others, then each chain against what the others witnessed of it.
  // Checkpoints signed before a key rotation verify with the retired keys as well.
  const keys = withRetiredKeys(gatewayPublicKeys(env, directory), directory, 'gateway');
  // A national agency keeps other förbund's gateways' checkpoints too (`gateway@<förbund>`): checked
  // with the keys its list gives that förbund, a cut-off one included (what it signed stays true).
  const trusted = trustedForbund(env, directory);
  const otherForbund = (id: string) => {
    const standing = trusted.standing(id);
    return standing.standing === 'TRUSTED' || standing.standing === 'CUT_OFF' ? standing.gatewayKeys : null;
  };
  const anchors = new Map<string, ChainAnchor[]>();
  for (const { store, location } of stores) {
    const held = await withStore(location, (db) => heldCheckpoints(db, store, keys, otherForbund));
    for (const anchor of held.anchors) {
      if (anchor.store !== store) anchors.set(anchor.store, [...(anchors.get(anchor.store) ?? []), anchor]);
    }
    for (const problem of held.problems) {
      print.err(`${store}: BROKEN: ${problem}`);
      broken = true;
    }
  }

  // The gateway's chain first: its records of requests keep the heads the subgraphs' answers
  // carried, anchors of their stores with no window, believed only as far as its own chain holds.
  const checks = new Map<string, ChainCheck>();
  const gateway = stores.find(({ store }) => store === 'gateway');
  if (gateway) {
    const check = await withStore(gateway.location, (db) => verifyChain(db, anchors.get('gateway') ?? []));
    checks.set('gateway', check);
    const heads = await withStore(gateway.location, (db) => recordedHeads(db, 'gateway', check.ok ? undefined : check.brokenAt));
    for (const anchor of heads) anchors.set(anchor.store, [...(anchors.get(anchor.store) ?? []), anchor]);
  }

  for (const { store, location } of stores) {
    const witnessed = anchors.get(store) ?? [];
    const check = checks.get(store) ?? await withStore(location, (db) => verifyChain(db, witnessed));
    if (check.ok) {
      const newest = witnessed.reduce((max, anchor) => Math.max(max, anchor.seq), 0);
      const witnesses = [...new Set(witnessed.map((anchor) => anchor.witness))].join(', ');
      print.out(`${store}: ${check.records} records, chain intact, ${witnessed.length > 0 ? `anchored up to record ${newest} by ${witnesses}` : 'NOT anchored: no checkpoint of it is held elsewhere'}`);
    } else {
      print.err(`${store}: BROKEN at record ${check.brokenAt}: ${check.problem}`);
      broken = true;
    }
  }
  return broken ? 1 : 0;
}
