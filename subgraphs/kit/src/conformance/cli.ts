/**
 * `npm run conformance -- <sector> --url <url>`: runs, against a running implementation of a
 * sector (ours or an agency's own, in any language), the checks the graph relies on, over HTTP
 * only (docs/conformance.md). One line per check; exit 0 when all pass, 1 when any fails, 2 on
 * a usage error or when nothing answers at the URL.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_DATA_DIR, isSubgraphName, SUBGRAPH_NAMES } from '../config.ts';
import { AGENCIES } from '../population/types.ts';
import { isAgency } from '../release.ts';
import { parsePersonnummer } from '../personnummer.ts';
import { FIXTURE_PERSONS } from '../population/fixtures.ts';
import { deploymentKeys, Unreachable } from './implementation.ts';
import { runConformance, type CheckResult } from './run.ts';

const USAGE = `Usage: npm run conformance -- <sector> --url <url> [options]

  <sector>               ${SUBGRAPH_NAMES.join(', ')}, or a new subgraph's name with --agency
  --url <url>            the implementation's GraphQL endpoint, e.g. http://127.0.0.1:4005/graphql
  --agency <agency>      for a subgraph outside those five (npm run new-subgraph): the agency it
                         releases for, ${AGENCIES.join(', ')}
  --data-dir <dir>       the test deployment's DATA_DIR holding gateway-signing-key.json and
                         coordination-signing-key.json (default: ${path.relative(process.cwd(), DEFAULT_DATA_DIR) || '.'}, npm start's)
  --person <number>      a person of the deployment's population with data in the sector
                         (default: the seed's fixture person with consent and data everywhere)
  --other-person <number> another person, named in a basis made out to someone else
  --user <id>            the coordinator whose caseload holds --person (default: coordinator-1)
  --json                 the verdicts as JSON instead of lines`;

class UsageError extends Error {}

function personArgument(name: string, value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  const parsed = parsePersonnummer(value);
  if (!parsed.ok) throw new UsageError(`--${name}: ${parsed.reason}`);
  return parsed.value;
}

async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseArgs({
      args: argv, allowPositionals: true,
      options: {
        url: { type: 'string' }, 'data-dir': { type: 'string' }, person: { type: 'string' }, 'other-person': { type: 'string' },
        user: { type: 'string' }, agency: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = options;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [sector, ...extra] = positionals;
  if (!sector) throw new UsageError('Name the sector to check.');
  if (extra.length > 0) throw new UsageError(`One sector at a time: "${extra.join(' ')}" is extra.`);
  const agency = values.agency;
  if (agency !== undefined && !isAgency(agency)) throw new UsageError(`--agency: "${agency}" is not an agency coordination signs for: give one of ${AGENCIES.join(', ')}.`);
  if (agency !== undefined && isSubgraphName(sector)) throw new UsageError(`--agency is for a subgraph outside the served five; "${sector}" is one of them.`);
  if (!isSubgraphName(sector) && agency === undefined) {
    throw new UsageError(`"${sector}" is not a sector of the graph: give one of ${SUBGRAPH_NAMES.join(', ')}, or name its agency with --agency for a new subgraph.`);
  }
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(sector)) throw new UsageError(`"${sector}" is not a subgraph name (kebab-case).`);
  if (!values.url) throw new UsageError('--url: give the implementation\'s GraphQL endpoint.');
  try {
    if (!/^https?:$/.test(new URL(values.url).protocol)) throw new Error();
  } catch {
    throw new UsageError(`--url: "${values.url}" is not an http(s) URL.`);
  }
  const person = personArgument('person', values.person, FIXTURE_PERSONS.allConsent);
  const otherPerson = personArgument('other-person', values['other-person'], FIXTURE_PERSONS.lacksCare);
  if (otherPerson === person) throw new UsageError('--other-person must differ from --person.');
  const keys = await deploymentKeys(path.resolve(values['data-dir'] ?? DEFAULT_DATA_DIR));
  if (!keys.ok) throw new UsageError(keys.refusal.message);

  const results = await runConformance({ sector, agency, url: values.url, keys: keys.value, person, otherPerson, user: values.user ?? 'coordinator-1' });
  const passed = results.every((r) => r.passed);
  if (values.json) console.log(JSON.stringify({ sector, url: values.url, passed, checks: results }, null, 2));
  else for (const result of results) console.log(line(result));
  return passed ? 0 : 1;
}

const line = (result: CheckResult) => `${result.passed ? 'PASS' : 'FAIL'} ${result.name}: ${result.title}: ${result.detail}`;

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (error: unknown) => {
  if (error instanceof UsageError) console.error(`${error.message}\n\n${USAGE}`);
  else if (error instanceof Unreachable) console.error(`${error.message}. Is the implementation running there?`);
  else console.error(`conformance: ${(error as Error).message}`);
  process.exitCode = 2;
});
