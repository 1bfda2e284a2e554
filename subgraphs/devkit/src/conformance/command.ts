/**
 * The conformance command (`npm run conformance -- <sector> --url <url>`, docs/conformance.md):
 * arguments in, lines out, an exit code back. cli.ts runs it as a process; tests run it in
 * theirs, since every check reaches the implementation over HTTP either way.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { consoleOutput, type CommandOutput } from '@finsam/kit/command-output';
import { DEFAULT_DATA_DIR, isSubgraphName, SUBGRAPH_NAMES } from '@finsam/kit/config';
import { AGENCIES, isAgency } from '@finsam/kit/agencies';
import { parsePersonnummer } from '@finsam/kit/personnummer';
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

async function checkAndPrint(argv: string[], env: NodeJS.ProcessEnv, print: CommandOutput): Promise<number> {
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
    print.out(USAGE);
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

  const results = await runConformance({ sector, agency, url: values.url, keys: keys.value, person, otherPerson, user: values.user ?? 'coordinator-1', env });
  const passed = results.every((r) => r.passed);
  if (values.json) print.out(JSON.stringify({ sector, url: values.url, passed, checks: results }, null, 2));
  else for (const result of results) print.out(line(result));
  return passed ? 0 : 1;
}

const line = (result: CheckResult) => `${result.passed ? 'PASS' : 'FAIL'} ${result.name}: ${result.title}: ${result.detail}`;

/** Runs the command; exit 0 when every check passes, 1 when any fails, 2 on a usage error or nothing answering. */
export async function conformanceCommand(argv: string[], env: NodeJS.ProcessEnv = process.env, print: CommandOutput = consoleOutput): Promise<number> {
  try {
    return await checkAndPrint(argv, env, print);
  } catch (error) {
    if (error instanceof UsageError) print.err(`${error.message}\n\n${USAGE}`);
    else if (error instanceof Unreachable) print.err(`${error.message}. Is the implementation running there?`);
    else print.err(`conformance: ${(error as Error).message}`);
    return 2;
  }
}
