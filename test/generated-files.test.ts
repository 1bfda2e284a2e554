import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `npm start`'s prestart generates the resolver types and builds the client: each only when what
 * it is made from changed since (a digest stamp beside the output), else one line says it was
 * skipped and the output is not written. Run on copies, so the repository's own files stay as they are.
 */
const root = path.join(import.meta.dirname, '..');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-generated-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** tsx by its path: a scratch folder outside the repository has no node_modules to find it in. */
const TSX = pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href;

function run(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, ['--import', TSX, ...args], { cwd, encoding: 'utf8', timeout: 180_000 });
  expect(result.status, result.stdout + result.stderr).toBe(0);
  return result.stdout;
}

/** Marks a file so that a rewrite shows, whatever the clock: a write sets its modification time to now. */
function markUnwritten(file: string) {
  fs.utimesSync(file, new Date(0), new Date(0));
}
const unwritten = (file: string) => fs.statSync(file).mtimeMs === 0;

describe('generated files are made when their sources change', () => {
  it('finsam-codegen skips a package whose schema and settings are unchanged, and generates again after a change', () => {
    const dir = path.join(scratch, 'package');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
      name: 'trial', codegen: { schema: 'trial.graphql', context: 'src/context.ts#TrialContext', mappers: {} },
    }));
    fs.writeFileSync(path.join(dir, 'trial.graphql'), 'type Query {\n  entry: String\n}\n');
    const cli = path.join(root, 'subgraphs/devkit/src/codegen/cli.ts');
    const generated = path.join(dir, 'src/generated/resolvers-types.ts');

    expect(run([cli], dir)).toContain('wrote src/generated/resolvers-types.ts');
    markUnwritten(generated);
    expect(run([cli], dir)).toMatch(/^finsam-codegen: unchanged since generated .*not regenerated: src\/generated\/resolvers-types.ts\n$/);
    expect(unwritten(generated)).toBe(true);

    fs.appendFileSync(path.join(dir, 'trial.graphql'), 'type Entry {\n  unit: String\n}\n');
    expect(run([cli], dir)).toContain('wrote src/generated/resolvers-types.ts');
    expect(fs.readFileSync(generated, 'utf8')).toContain('export type Entry = {');

    // An output edited by hand is not what its stamp recorded: made again, though the inputs are unchanged.
    fs.appendFileSync(generated, '// edited\n');
    expect(run([cli], dir)).toContain('wrote src/generated/resolvers-types.ts');
  }, 200_000);

  it('the client build skips when its sources, schema and operations are unchanged, and builds again after a change', () => {
    // The client's build reads its own package, the supergraph and operations through @finsam/schema,
    // and the lockfile at the top of the tree (the workspace root) it runs in.
    const tree = path.join(scratch, 'tree');
    for (const part of ['client/src', 'client/build.ts', 'client/dist.ts', 'client/package.json', 'client/tsconfig.json', 'schema/supergraph.graphql', 'schema/operations', 'package.json', 'package-lock.json']) {
      fs.cpSync(path.join(root, part), path.join(tree, part), { recursive: true });
    }
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(tree, 'node_modules'));
    const build = path.join(tree, 'client/build.ts');
    const index = path.join(tree, 'client/dist/index.html');

    expect(run([build], tree)).toMatch(/^client\/dist: index.html/);
    markUnwritten(index);
    expect(run([build], tree)).toBe('client/dist: unchanged since built (client sources, schema, operations), not rebuilt; --force rebuilds\n');
    expect(unwritten(index)).toBe(true);

    fs.appendFileSync(path.join(tree, 'client/src/style.css'), '\n/* changed */\n');
    expect(run([build], tree)).toMatch(/^client\/dist: index.html/);
    expect(unwritten(index)).toBe(false);
  }, 300_000);

  it('counts among the client build\'s inputs every kit module the client imports, so a changed Swedish text or agency row rebuilds it', async () => {
    const { clientInputs } = await import('@finsam/client/build');
    const names = new Set(clientInputs().map((input) => input.name));
    const imported = new Set<string>();
    for (const input of clientInputs().filter((i) => i.name.startsWith('client/src/'))) {
      for (const match of String(input.content).matchAll(/from '@finsam\/kit\/([^']+)'/g)) imported.add(match[1]!);
    }
    expect([...imported].sort()).toEqual(expect.arrayContaining(['agencies', 'error-catalogue']));
    for (const entry of imported) {
      const file = path.relative(root, fs.realpathSync(fileURLToPath(import.meta.resolve(`@finsam/kit/${entry}`))));
      expect(names, `${entry} (${file})`).toContain(file);
    }
  });
});

