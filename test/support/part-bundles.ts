import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { SUBGRAPH_NAMES } from '@finsam/kit/config';

/**
 * The graph's parts bundled ahead for the tests that run them as processes (parts.ts), so that
 * each process starts under plain node instead of tsx. The same code: our sources (the part's
 * package and every @finsam/* package it imports) in one file per part, TypeScript's types
 * stripped as tsx strips them; third-party packages stay imports, loaded from node_modules as
 * under tsx. What a process under tsx pays on every start is its loader, off the main thread,
 * for every module it imports (docs/testing.md, "What the suite costs"): about 2.4 of the 4.4
 * CPU s a subgraph takes to import its modules.
 *
 * `import.meta.url`, `import.meta.dirname` and `import.meta.filename` keep naming each original
 * source file, not the bundle: they find a subgraph's schema file and code lists, the SQLite
 * writer's worker, the roots of `createRequire`, and a CLI module's "am I the program" check.
 */

export const BUNDLED_PARTS = [...SUBGRAPH_NAMES, 'gateway'] as const;
export type BundledPart = (typeof BUNDLED_PARTS)[number];

/** Each part's entry, resolved through its package (`@finsam/care/main`, `@finsam/gateway/main`), as npm start does. */
const entryOf = (name: BundledPart) => createRequire(import.meta.url).resolve(`@finsam/${name}/main`);

const root = path.join(import.meta.dirname, '../..');

/** Where the bundles of one vitest run go: under node_modules, so that their imports of third-party packages resolve as our sources' do. */
export const BUNDLES_PARENT = path.join(root, 'node_modules/.cache/finsam-parts');

const LOADERS: Record<string, esbuild.Loader> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.jsx': 'jsx' };

/** Replaces `import.meta.url`, `.dirname` and `.filename` in a source file by what they are for that file. */
const importMetaOfSource: esbuild.Plugin = {
  name: 'import-meta-of-source',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
      if (args.path.split(path.sep).includes('node_modules')) return undefined;
      const source = await fs.promises.readFile(args.path, 'utf8');
      const meta = { url: pathToFileURL(args.path).href, dirname: path.dirname(args.path), filename: args.path };
      const contents = source.replace(/\bimport\.meta\.(url|dirname|filename)\b/g, (_, key: keyof typeof meta) => JSON.stringify(meta[key]));
      return { contents, loader: LOADERS[path.extname(args.path)] };
    });
  },
};

/** Every package but ours stays an import of node_modules; ours (@finsam/*, resolved through their workspace links) are bundled. */
const thirdPartyExternal: esbuild.Plugin = {
  name: 'third-party-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@finsam/')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/**
 * Bundles every part into `outDir` (`<part>.mjs`) and returns their paths. Built anew for each
 * run (about a second), so a bundle never lags behind its sources.
 */
export async function bundleParts(outDir: string): Promise<Record<BundledPart, string>> {
  const entryPoints = BUNDLED_PARTS.map((name) => ({ in: entryOf(name), out: name }));
  await esbuild.build({
    entryPoints,
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Names as in the sources (a class's `name`, a function's), where bundling would rename one that two modules share.
    keepNames: true,
    logLevel: 'silent',
    plugins: [thirdPartyExternal, importMetaOfSource],
  });
  const bundles = Object.fromEntries(BUNDLED_PARTS.map((name) => [name, path.join(outDir, `${name}.mjs`)])) as Record<BundledPart, string>;
  for (const file of Object.values(bundles)) {
    // An `import.meta` left would name the bundle, not its source: every one must have been replaced above.
    if (fs.readFileSync(file, 'utf8').includes('import.meta')) throw new Error(`${file} still uses import.meta`);
  }
  return bundles;
}
