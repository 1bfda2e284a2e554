/**
 * `npm run conformance -- <sector> --url <url>`: runs, against a running implementation of a
 * sector (ours or an agency's own, in any language), the checks the graph relies on, over HTTP
 * only (docs/conformance.md). One line per check; exit 0 when all pass, 1 when any fails, 2 on
 * a usage error or when nothing answers at the URL.
 */
import { conformanceCommand } from './command.ts';

process.exitCode = await conformanceCommand(process.argv.slice(2));
