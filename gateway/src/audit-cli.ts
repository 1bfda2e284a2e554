/**
 * `npm run audit -- verify`: checks every store's audit chain against the checkpoints the other
 * stores hold of it (audit-verify.ts, docs/audit-anchoring.md). Exits 1 naming the store, 2 when
 * there is nothing to check or on a usage error.
 */
import { verifyAuditChains } from './audit-verify.ts';

const [command] = process.argv.slice(2);
if (command !== 'verify') {
  console.error('Usage: npm run audit -- verify   (checks every audit chain under DATA_DIR)');
  process.exit(2);
}
process.exitCode = await verifyAuditChains();
