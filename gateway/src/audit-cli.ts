/**
 * `npm run audit -- verify`: checks the hash chain of every store's audit log under DATA_DIR
 * (the five subgraphs and the gateway). Exits 1 naming the first broken record, 2 when there is
 * nothing to check.
 */
import fs from 'node:fs';
import path from 'node:path';
import { verifyChain, type AuditDb } from '../../subgraphs/shared/src/audit.ts';
import { dataDir } from '../../subgraphs/shared/src/config.ts';
import { openReadOnly } from '../../subgraphs/shared/src/database.ts';

const [command] = process.argv.slice(2);
if (command !== 'verify') {
  console.error('Usage: npm run audit -- verify   (checks every audit chain under DATA_DIR)');
  process.exit(2);
}

const directory = dataDir();
const stores = fs.existsSync(directory) ? fs.readdirSync(directory).filter((f) => f.endsWith('.sqlite')).sort() : [];
if (stores.length === 0) {
  console.error(`No stores in ${directory}: start the graph once, or set DATA_DIR.`);
  process.exit(2);
}

let broken = false;
for (const file of stores) {
  const store = path.basename(file, '.sqlite');
  const db = openReadOnly<AuditDb>(path.join(directory, file));
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
