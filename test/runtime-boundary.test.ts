import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUBGRAPH_NAMES } from '@finsam/kit/config';
import { freePort } from './support/free-port.ts';
import { REPOSITORY_ROOT, STATIC_IMPORT, WORKSPACE_DIRS, manifest } from './support/workspaces.ts';

/**
 * What a deployment runs, the runtime (`@finsam/kit`, the gateway, each subgraph's server), is
 * apart from the development tools (`@finsam/devkit`: codegen, scaffold, conformance, the
 * synthetic population, test helpers), so that a production install carries no generator, no
 * test certificate maker and no fake population, and a change to those tools cannot change what
 * serves requests. Issue 21 item 3.
 */
const root = REPOSITORY_ROOT;
/** Workspace package name → its folder. */
const packages = new Map(WORKSPACE_DIRS.map((dir) => [manifest(dir).name, dir]));

const DEVKIT = '@finsam/devkit';
/** Where the development tools are (or were, before the split): a runtime module that reaches one of these carries it into production. */
const DEVELOPMENT_MODULE = /^subgraphs\/(?:kit|devkit)\/src\/(?:codegen|scaffold|conformance|population|testing)\/|^subgraphs\/devkit\//;

/** `import('x')` with a literal specifier; a computed one (`import(\`@finsam/${name}\`)`) cannot be followed. */
const DYNAMIC_IMPORT = /\bimport\(\s*(['"`])([^'"`$]+)\1\s*[,)]/g;
/** Block comments and whole-line comments: what they mention is not imported. */
const withoutComments = (text: string) => text.replace(/^\s*\/\*[\s\S]*?\*\//gm, '').replace(/^\s*\/\/.*$/gm, '');
const specifiersIn = (file: string) => {
  const text = withoutComments(fs.readFileSync(path.join(root, file), 'utf8'));
  return [...text.matchAll(STATIC_IMPORT), ...text.matchAll(DYNAMIC_IMPORT)].map((m) => m[2]!);
};
const packageName = (specifier: string) => specifier.split('/').slice(0, 2).join('/');

/** A workspace package's entry as its exports map names it (`@finsam/kit/config` → subgraphs/kit/src/config.ts), or why not. */
function resolveWorkspaceEntry(specifier: string): string | { unresolved: string } {
  const dir = packages.get(packageName(specifier));
  if (!dir) return { unresolved: `${specifier}: no workspace package of that name` };
  const entry = specifier === packageName(specifier) ? '.' : `./${specifier.slice(packageName(specifier).length + 1)}`;
  const target = manifest(dir).exports?.[entry];
  return target ? path.join(dir, target) : { unresolved: `${specifier}: ${dir} does not export ${entry}` };
}

/**
 * Follows every import from `entry` (relative paths, and `@finsam/*` through their exports) and
 * returns, for each development module or devkit specifier reached, the chain that reaches it.
 * Other packages (Apollo, kysely, …) are not followed: they cannot import ours.
 */
function developmentReachedFrom(entry: string): string[] {
  const found: string[] = [];
  const chains = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    const chain = chains.get(file)!;
    if (DEVELOPMENT_MODULE.test(file)) { found.push(chain.join(' → ')); continue; }
    if (!/\.(?:ts|tsx|mts|mjs|js)$/.test(file)) continue;
    for (const specifier of specifiersIn(file)) {
      let target: string;
      if (specifier === DEVKIT || specifier.startsWith(`${DEVKIT}/`)) { found.push([...chain, specifier].join(' → ')); continue; }
      if (specifier.startsWith('.')) target = path.join(path.dirname(file), specifier);
      else if (specifier.startsWith('@finsam/')) {
        const resolved = resolveWorkspaceEntry(specifier);
        if (typeof resolved !== 'string') { found.push(`${[...chain].join(' → ')} imports ${resolved.unresolved}`); continue; }
        target = resolved;
      } else continue;
      if (!fs.existsSync(path.join(root, target))) { found.push(`${chain.join(' → ')} imports ${specifier}, which is not there`); continue; }
      if (!chains.has(target)) {
        chains.set(target, [...chain, target]);
        queue.push(target);
      }
    }
  }
  return found;
}

/** The code a package exports (its tsconfig, its vitest settings are not run by a deployment). */
const codeEntries = (dir: string) => Object.values(manifest(dir).exports ?? {})
  .filter((target) => /\.(?:ts|tsx|mts|mjs|js)$/.test(target) && !target.startsWith('./vitest'))
  .map((target) => path.join(dir, target));

describe('what a deployment runs reaches no development tool', () => {
  it('follows imports through packages (the check can see a chain)', () => {
    // The gateway's entry reaches the kit's http module through @finsam/kit exports: the walk is not blind.
    const reached = new Set<string>();
    const walk = (file: string) => {
      if (reached.has(file) || !/\.tsx?$/.test(file)) return;
      reached.add(file);
      for (const s of specifiersIn(file)) {
        if (s.startsWith('.')) walk(path.join(path.dirname(file), s));
        else if (s.startsWith('@finsam/')) { const r = resolveWorkspaceEntry(s); if (typeof r === 'string') walk(r); }
      }
    };
    walk('gateway/src/main.ts');
    expect(reached).toContain('subgraphs/kit/src/http.ts');
  });

  it("no import chain from any of the kit's exports reaches codegen, scaffold, conformance, population, testing or the devkit", () => {
    const entries = codeEntries('subgraphs/kit');
    expect(entries).toContain('subgraphs/kit/src/subgraph.ts');
    expect(entries.flatMap(developmentReachedFrom)).toEqual([]);
  });

  it("no import chain from the gateway's main.ts or any of its exports reaches one either", () => {
    const entries = ['gateway/src/main.ts', ...codeEntries('gateway')];
    expect(entries.flatMap(developmentReachedFrom)).toEqual([]);
  });
});

describe('a production install carries no development tools', () => {
  /** Every package a production install of `name` brings, each with how (dependencies only, through workspace packages). */
  function productionClosure(name: string): Map<string, string[]> {
    const reached = new Map<string, string[]>([[name, [name]]]);
    const queue = [name];
    while (queue.length > 0) {
      const current = queue.shift()!;
      const dir = packages.get(current);
      if (!dir) continue;
      for (const dependency of Object.keys(manifest(dir).dependencies ?? {})) {
        if (reached.has(dependency)) continue;
        reached.set(dependency, [...reached.get(current)!, dependency]);
        queue.push(dependency);
      }
    }
    return reached;
  }
  /** A workspace package that is, or exports, development tools. */
  const holdsDevelopmentTools = (name: string) => name === DEVKIT
    || codeEntries(packages.get(name) ?? '.').some((entry) => DEVELOPMENT_MODULE.test(entry));

  const runtimePackages = ['@finsam/gateway', '@finsam/kit', ...SUBGRAPH_NAMES.map((name) => `@finsam/${name}`)];

  it.each(runtimePackages)('%s: its dependencies, followed through workspace packages, bring no development tools', (name) => {
    const closure = productionClosure(name);
    expect(closure.has('@finsam/kit') || name === '@finsam/kit').toBe(true);
    const carried = [...closure].filter(([reached]) => holdsDevelopmentTools(reached)).map(([, chain]) => chain.join(' → '));
    expect(carried).toEqual([]);
  });

  it.each(SUBGRAPH_NAMES)('@finsam/%s takes the devkit (its seed, its tests) as a development dependency only', (name) => {
    const m = manifest(packages.get(`@finsam/${name}`)!);
    expect(m.devDependencies?.[DEVKIT]).toBe('0.1.0');
    expect(m.dependencies?.[DEVKIT]).toBeUndefined();
  });
});

/**
 * A subgraph started where `@finsam/devkit` cannot be resolved (test/support/without-devkit.mjs),
 * as from a production install: with SEED=none it serves; with seeding asked for it refuses in
 * one line that says what to do, instead of a stack trace from deep in an import.
 */
describe('a subgraph without the devkit installed', () => {
  async function startCare(env: NodeJS.ProcessEnv) {
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-no-devkit-'));
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './test/support/without-devkit.mjs', 'subgraphs/care/src/main.ts'], {
      cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_PERSONS: '50', LOG_LEVEL: 'silent', ...env },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return {
      port, child, exited, stderr: () => stderr,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) { child.kill('SIGTERM'); await exited; }
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }

  it('starts with SEED=none and answers /ready, and wants the gateway token like any subgraph', async () => {
    const care = await startCare({ SEED: 'none' });
    try {
      let ready: Response | null = null;
      // Polled until ready or the process ends: a start on a busy machine can take long, a failed one ends.
      for (let i = 0; i < 600 && !ready?.ok && care.child.exitCode === null; i++) {
        ready = await fetch(`http://127.0.0.1:${care.port}/ready`).catch(() => null);
        if (!ready?.ok) await new Promise((r) => setTimeout(r, 200));
      }
      expect(ready?.status, care.stderr()).toBe(200);
      const refused = await fetch(`http://127.0.0.1:${care.port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ _service { sdl } }"}' });
      expect(refused.status).toBe(401);
    } finally {
      await care.stop();
    }
  }, 150_000);

  it('refuses to start when seeding is on, in one line naming SEED=none and @finsam/devkit', async () => {
    const care = await startCare({});
    try {
      const code = await Promise.race([care.exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 120_000))]);
      expect(code).not.toBe('still running');
      expect(code).not.toBe(0);
      const lines = care.stderr().trim().split('\n');
      expect(lines, care.stderr()).toHaveLength(1);
      expect(lines[0]).toContain('SEED=none');
      expect(lines[0]).toContain('@finsam/devkit');
    } finally {
      await care.stop();
    }
  }, 150_000);
});
