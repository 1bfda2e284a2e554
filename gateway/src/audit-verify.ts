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
import { verifyChain, type AuditDb, type ChainAnchor } from '@finsam/kit/audit';
import { heldCheckpoints } from '@finsam/kit/audit-checkpoint';
import { gatewayPublicKeys } from '@finsam/kit/gateway-token';
import { withRetiredKeys } from '@finsam/kit/signing-key';
import { trustedForbund } from '@finsam/kit/trusted-forbund';
import { consoleOutput, type CommandOutput } from '@finsam/kit/command-output';
import { SUBGRAPH_NAMES, dataDir } from '@finsam/kit/config';
import { databaseUrlFor, openExisting } from '@finsam/kit/database';

type Located = { store: string; location: { file: string } | { databaseUrl: string } };

async function withStore<T>(location: Located['location'], use: (db: ReturnType<typeof openExisting<AuditDb>>) => Promise<T>): Promise<T> {
  const db = openExisting<AuditDb>(location);
  try {
    return await use(db);
  } finally {
    await db.destroy();
  }
}

/** Verifies every store's chain; 0 when all hold, 1 naming each broken store, 2 when there is nothing to check. */
export async function verifyAuditChains(env: NodeJS.ProcessEnv = process.env, print: CommandOutput = consoleOutput): Promise<number> {
  const directory = dataDir(env);
  const stores = [...SUBGRAPH_NAMES, 'gateway'].flatMap((store): Located[] => {
    const databaseUrl = databaseUrlFor(store, env);
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

  for (const { store, location } of stores) {
    const witnessed = anchors.get(store) ?? [];
    const check = await withStore(location, (db) => verifyChain(db, witnessed));
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
