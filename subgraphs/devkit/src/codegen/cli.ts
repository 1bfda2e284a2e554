#!/usr/bin/env tsx
/**
 * `finsam-codegen [--check] [--force] [--workspaces] [<package dir>...]`: the devkit's bin, which a subgraph
 * package's `codegen`, `typecheck` and `test` scripts run (codegen.ts). Without a folder it
 * generates for the package it runs in (npm runs a script in the package's folder);
 * `--workspaces` (the repository's `npm run codegen`) for every workspace with codegen settings.
 * `--check` writes nothing and exits 1 naming each file that is not what the generator writes.
 * A package whose schema, settings and generator are what its stamp records is not generated
 * again (stamp.ts); `--force` generates regardless.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CodegenError, runCodegen, workspacesWithCodegen, type CodegenRun } from './codegen.ts';

const USAGE = 'usage: finsam-codegen [--check] [--force] [--workspaces] [<package dir>...]';

function fail(message: string, exitCode: number): never {
  console.error(`finsam-codegen: ${message}`);
  process.exit(exitCode);
}

let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { check: { type: 'boolean' }, force: { type: 'boolean' }, workspaces: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`, 2);
}
if (parsed.values.help) {
  console.log(USAGE);
  process.exit(0);
}
const check = parsed.values.check ?? false;
const force = parsed.values.force ?? false;
const { workspaces } = parsed.values;
const { positionals } = parsed;

const runs: CodegenRun[] = [];
try {
  const packages = workspaces ? workspacesWithCodegen(process.cwd()).map((w) => path.resolve(w))
    : positionals.length > 0 ? positionals.map((p) => path.resolve(p)) : [process.cwd()];
  for (const dir of packages) runs.push(await runCodegen(dir, { check, force }));
} catch (error) {
  if (error instanceof CodegenError) fail(error.message, 1);
  if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
  console.warn('finsam-codegen: graphql-codegen is not installed (an install with --omit=dev): the committed resolver types stay as they are.');
  process.exit(check ? 1 : 0);
}
const stale = runs.filter((r) => !r.fresh).map((r) => r.file);
if (check && stale.length > 0) fail(`out of date: ${stale.join(', ')}. Run npm run codegen and commit the result.`, 1);
const skipped = runs.filter((r) => r.skipped).map((r) => r.file);
if (skipped.length > 0) console.log(`finsam-codegen: unchanged since generated (schema, settings, generator), not regenerated: ${skipped.join(', ')}`);
for (const run of runs.filter((r) => !r.skipped && !r.fresh && !check)) console.log(`finsam-codegen: wrote ${run.file}`);
