/**
 * `npm run audit -- verify`: checks the hash chain of every store's audit log (the five
 * subgraphs and the gateway): on PostgreSQL where `<STORE>_DATABASE_URL` says so, else the
 * SQLite files under DATA_DIR. Exits 1 naming the first broken record, 2 when there is
 * nothing to check.
 */
import fs from 'node:fs';
import path from 'node:path';
import { verifyChain, type AuditDb } from '../../subgraphs/shared/src/audit.ts';
import { SUBGRAPH_NAMES, dataDir } from '../../subgraphs/shared/src/config.ts';
import { databaseUrlFor, openExisting } from '../../subgraphs/shared/src/database.ts';

const [command] = process.argv.slice(2);
if (command !== 'verify') {
  console.error('Usage: npm run audit -- verify   (checks every audit chain under DATA_DIR)');
  process.exit(2);
}

const directory = dataDir();
type Located = { store: string; location: { file: string } | { databaseUrl: string } };
const stores = [...SUBGRAPH_NAMES, 'gateway'].flatMap((store): Located[] => {
  const databaseUrl = databaseUrlFor(store, process.env);
  const file = path.join(directory, `${store}.sqlite`);
  if (databaseUrl) return [{ store, location: { databaseUrl } }];
  return fs.existsSync(file) ? [{ store, location: { file } }] : [];
});
if (stores.length === 0) {
  console.error(`No stores in ${directory} and no <STORE>_DATABASE_URL: start the graph once, or set DATA_DIR.`);
  process.exit(2);
}

let broken = false;
for (const { store, location } of stores) {
  const db = openExisting<AuditDb>(location);
  try {
    const check = await verifyChain(db);
    if (check.ok) {
      console.log(`${store}: ${check.records} records, chain intact`);
    } else {
      console.error(`${store}: BROKEN at record ${check.brokenAt}: ${check.problem}`);
      broken = true;
    }
  } finally {
    await db.destroy();
  }
}
process.exit(broken ? 1 : 0);
