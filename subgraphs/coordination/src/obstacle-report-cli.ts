/** `npm run report`: the bin of obstacle-report.ts. */
import { reportCommand } from './obstacle-report.ts';

process.exitCode = await reportCommand(process.argv.slice(2));
