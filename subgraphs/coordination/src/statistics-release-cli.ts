/** `npm run statistics-release`: the bin of statistics-release-command.ts. */
import { statisticsReleaseCommand } from './statistics-release-command.ts';

process.exitCode = await statisticsReleaseCommand(process.argv.slice(2));
