import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `npm run new-subgraph -- <name> --agency <AGENCY>` (issue 14 item 6): what it writes
 * type-checks and passes its own tests untouched, and a usage error writes nothing (exit 2).
 * Written inside the repository (a hidden folder under subgraphs/, gitignored and outside the
 * workspaces) so that node finds @finsam/kit as it would for subgraphs/<name>.
 */
const root = path.join(import.meta.dirname, '..');
const CLI = 'subgraphs/devkit/src/scaffold/cli.ts';
const bin = (name: string) => path.join(root, 'node_modules/.bin', name);
const dir = path.join(root, 'subgraphs', `.scaffold-test-${randomBytes(4).toString('hex')}`);
// Bounds for two busy cores: one tsc took 100 s of wall time there while three other runs shared them.
const run = (command: string, args: string[], cwd = root) =>
  spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', INIT_CWD: cwd }, timeout: 240_000 });
const newSubgraph = (...args: string[]) => run(bin('tsx'), [CLI, ...args]);
/**
 * What the first type check learnt, for the second: both check the kit's and the devkit's modules
 * the new subgraph imports (about 14 CPU seconds a check), and the second changes only the
 * subgraph's own SDL and types, so tsc reuses the first's results for everything else. The
 * package's script runs as written, with the two flags after it.
 */
const buildInfo = path.join(os.tmpdir(), `${path.basename(dir)}.tsbuildinfo`);
const incremental = ['--incremental', '--tsBuildInfoFile', buildInfo];

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(buildInfo, { force: true });
});

describe('npm run new-subgraph', () => {
  it('writes a subgraph of an existing agency that type-checks and passes its own tests as written', () => {
    const written = newSubgraph('rehabilitation', '--agency', 'CARE', '--dir', dir);
    expect(written.status, written.stderr).toBe(0);
    for (const file of ['package.json', 'tsconfig.json', 'vitest.config.ts', 'README.md', 'schema/rehabilitation.graphql', 'src/subgraph.ts', 'src/main.ts',
      'src/context.ts', 'src/data.ts', 'src/migrations.ts', 'src/seed.ts', 'src/resolvers/index.ts', 'src/resolvers/person.ts',
      'src/resolvers/rehabilitation.ts', 'src/generated/resolvers-types.ts', 'test/rehabilitation.test.ts']) {
      expect(fs.existsSync(path.join(dir, file)), file).toBe(true);
    }
    // Released under the basis coordination already signs for the region.
    expect(fs.readFileSync(path.join(dir, 'schema/rehabilitation.graphql'), 'utf8'))
      .toMatch(/rehabilitation: Rehabilitation @requires\(fields: "careReleaseBasis"\)\s+.*\n\s+careReleaseBasis: String @external/);

    const typecheck = run(bin('tsc'), ['--noEmit', '-p', dir, ...incremental]);
    expect(typecheck.status, typecheck.stdout + typecheck.stderr).toBe(0);
    const tests = run(bin('vitest'), ['run', '--root', dir]);
    const printed = stripVTControlCharacters(tests.stdout);
    expect(tests.status, printed + tests.stderr).toBe(0);
    expect(printed).toMatch(/Tests\s+6 passed/);
  }, 300_000);

  it('types its resolvers by the types generated from its own SDL, so a field renamed there fails its type check naming the resolver', () => {
    const written = (at: string): string[] => fs.readdirSync(at, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? (e.name === 'node_modules' ? [] : written(path.join(at, e.name))) : [path.join(at, e.name)]);
    const files = written(dir);
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => /GraphQLResolverMap|resolvers as /.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(dir, f))).toEqual([]);
    expect(fs.readFileSync(path.join(dir, 'src/resolvers/index.ts'), 'utf8')).toMatch(/export const resolvers: CompleteResolvers = /);

    // Its own script, as `npm -w subgraphs/<name> run typecheck` runs it (the types written again from
    // the SDL, then tsc), passed on the package as written in the test above (bare tsc there).
    const sdlFile = path.join(dir, 'schema/rehabilitation.graphql');
    const sdl = fs.readFileSync(sdlFile, 'utf8');
    const renamed = sdl.replace(/^ {2}entries: /m, '  records: ');
    expect(renamed).not.toBe(sdl);
    fs.writeFileSync(sdlFile, renamed);
    try {
      const typecheck = run('npm', ['run', '-s', 'typecheck', '--', ...incremental], dir);
      const printed = stripVTControlCharacters(typecheck.stdout + typecheck.stderr);
      expect(typecheck.status, printed).not.toBe(0);
      expect(printed).toMatch(/src\/resolvers\/rehabilitation\.ts\(\d+,\d+\): error TS\d+: .*'entries'/);
    } finally {
      fs.writeFileSync(sdlFile, sdl);
    }
  }, 300_000);

  // Each refusal's reason is decided in planSubgraph (subgraphs/devkit/test/scaffold.test.ts); here the
  // command as a user runs it turns one into exit 2 with its usage line, writing nothing.
  it('refuses a usage error with exit 2 and its usage line, no stack trace, writing nothing', () => {
    const target = `${dir}-refused`;
    const refused = newSubgraph('rehab-plan', '--agency', 'HOUSING', '--dir', target);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/not one coordination signs release bases for/);
    expect(refused.stderr).toContain('usage: npm run new-subgraph');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(target)).toBe(false);
  });
});
