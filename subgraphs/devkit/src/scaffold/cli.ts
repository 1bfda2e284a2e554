/**
 * `npm run new-subgraph -- <name> --agency <AGENCY> [--dir <path>]`: writes a sector subgraph in
 * the house layout (scaffold.ts). Exit 2 on a usage error, writing nothing.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AGENCIES } from '@finsam/kit/agencies';
import { CodegenError, GENERATED_FILE, runCodegen } from '../codegen/codegen.ts';
import { planSubgraph, REPOSITORY, writeSubgraph } from './scaffold.ts';

const USAGE = `usage: npm run new-subgraph -- <name> --agency <${AGENCIES.join('|')}> [--dir <path>]`;

function usageError(message: string): never {
  console.error(`new-subgraph: ${message}\n${USAGE}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { agency: { type: 'string' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
} catch (error) {
  usageError((error as Error).message);
}
if (parsed.values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (parsed.positionals.length !== 1) usageError(parsed.positionals.length === 0 ? 'the name of the subgraph is missing' : `one name expected, got ${parsed.positionals.length}`);

// npm runs a script from the repository; a relative --dir is meant from where the command was typed.
const from = process.env.INIT_CWD ?? process.cwd();
const plan = planSubgraph({ name: parsed.positionals[0]!, agency: parsed.values.agency, dir: parsed.values.dir === undefined ? undefined : path.resolve(from, parsed.values.dir) });
if (!plan.ok) usageError(plan.refusal.message);
writeSubgraph(plan.value);
// Its resolver maps are typed by the types generated from its SDL: written now, it type-checks as it is.
let typesWritten = true;
try {
  await runCodegen(plan.value.dir);
} catch (error) {
  if (error instanceof CodegenError) {
    console.error(`new-subgraph: ${error.message}`);
    process.exit(1);
  }
  if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
  typesWritten = false;
}

const where = path.relative(from, plan.value.dir) || '.';
// npm takes subgraphs/* as workspaces, a hidden folder excepted.
const isWorkspace = path.dirname(plan.value.dir) === path.join(REPOSITORY, 'subgraphs') && !path.basename(plan.value.dir).startsWith('.');
const workspace = path.relative(REPOSITORY, plan.value.dir);
console.log(`Wrote ${plan.value.files.length} files to ${where}${typesWritten ? ` and its resolver types (${GENERATED_FILE})` : ''}. Next:`);
if (!typesWritten) console.log('  graphql-codegen is not installed (an install with --omit=dev): npm run codegen there writes its resolver types.');
console.log(isWorkspace
  ? `  npm install                 (links the new workspace)\n  npm -w ${workspace} test    (its type check and tests pass as written)`
  : `  cd ${where} && npm test     (not a workspace of the repository there)`);
console.log(`  ${path.join(where, 'README.md')} says how it joins the served graph.`);
