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
import type { StoreLocation } from '@finsam/kit/store-backup';

type Located = { store: string; location: StoreLocation };

/**
 * Where a store is, as every part of the graph finds it: `<STORE>_DATABASE_URL` (for a subgraph
 * or the gateway also DATABASE_URL), else its SQLite file in DATA_DIR (which may not exist yet).
 */
export function storeLocation(store: string, env: NodeJS.ProcessEnv, directory = dataDir(env)): StoreLocation {
  // A controller's store is only ever in its own database, never the shared DATABASE_URL.
  const databaseUrl = SUBGRAPH_NAMES.some((name) => name === store) || store === 'gateway'
    ? databaseUrlFor(store, env) : env[storeDatabaseUrlVariable(store)] || undefined;
  return databaseUrl ? { databaseUrl } : { file: path.join(directory, `${store}.sqlite`) };
}

/** Whether a name is one a store of the graph can have: a subgraph's, the gateway's, or a controller's behind a subgraph. */
export const isStoreName = (store: string): boolean => store === 'gateway'
  || SUBGRAPH_NAMES.some((name) => store === name || new RegExp(`^${name}-(\\d{2}|\\d{4})$`).test(store));

export interface VerifyOptions {
  /** A store checked at another location than the environment's (a restore into a fresh file or database, store-backup.ts). */
  locations?: Record<string, StoreLocation>;
  /** Only these stores' chains are checked and reported (all stores' checkpoints and records are still read for anchors). */
  only?: readonly string[];
  /** Told each checked store's result, with the anchors it was held to. */
  report?: (store: string, check: ChainCheck, anchors: readonly ChainAnchor[]) => void;
}

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
export async function verifyAuditChains(env: NodeJS.ProcessEnv = process.env, print: CommandOutput = consoleOutput, options: VerifyOptions = {}): Promise<number> {
  const directory = dataDir(env);
  const names = [...new Set([...storeNames(env, directory), ...Object.keys(options.locations ?? {})])];
  const stores = names.flatMap((store): Located[] => {
    const location = options.locations?.[store] ?? storeLocation(store, env, directory);
    return 'databaseUrl' in location || fs.existsSync(location.file) ? [{ store, location }] : [];
  });
  const checked = (store: string) => !options.only || options.only.includes(store);
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
      if (!checked(store)) continue;
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
    if (!checked(store)) continue;
    const witnessed = anchors.get(store) ?? [];
    const check = checks.get(store) ?? await withStore(location, (db) => verifyChain(db, witnessed));
    options.report?.(store, check, witnessed);
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
