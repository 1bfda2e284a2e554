/**
 * `npm run build:client`: the coordinator web client, from npm packages only.
 *
 * 1. Operation types: graphql-codegen's client preset over the API schema of the committed
 *    supergraph and the client contract (schema/operations/*.graphql, not analyst/), written to
 *    client/src/gql/ (committed, so that `tsc` passes on a fresh clone; a test holds it fresh).
 *    Driven from here through @graphql-codegen/core: the codegen CLI's loaders want Node 22.
 * 2. The bundle: esbuild, minified, content-hashed names, into client/dist/ (not committed). It
 *    carries schema/operations/manifest.json (`npm run operations`): the client sends each
 *    operation by its registered hash.
 *
 * `--check` writes nothing and exits 1 when client/src/gql/ is not what the build would write.
 * Run from the command line (`npm start`'s prestart), it builds only when the client's sources,
 * the schema or the operations differ from what client/dist/ was built from (a stamp of their
 * digest beside it); `--force` builds regardless.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Types } from '@graphql-codegen/plugin-helpers';
import { buildASTSchema, parse, type DocumentNode } from 'graphql';
import { filesUnder, isFresh, writeStamp, type Inputs } from '@finsam/devkit/codegen/stamp';
import { workspaceRoot } from '@finsam/kit/config';
import { OPERATIONS_DIR, SCHEMA_DIR, SUPERGRAPH_FILE } from '@finsam/schema/files';
import { CLIENT_DIST } from './dist.ts';

/** The repository the build runs in (the lockfile's, and where its files are named from): the workspace root from where it started. */
const root = workspaceRoot();
export const CLIENT_DIR = path.dirname(fileURLToPath(import.meta.url));
export const DIST_DIR = CLIENT_DIST;
const GENERATED_DIR = path.join(CLIENT_DIR, 'src/gql');
/** What client/dist/ (and client/src/gql/) were made from (stamp.ts). */
export const STAMP_FILE = path.join(DIST_DIR, '.stamp.json');

/** The schema clients see: the supergraph without federation's joins and @inaccessible fields. */
export async function apiSchemaSdl(): Promise<string> {
  // Imported when building, as esbuild is: a start that finds the client built does not load them.
  const { Supergraph, printSchema: printFederationSchema } = await import('@apollo/federation-internals');
  const supergraph = fs.readFileSync(SUPERGRAPH_FILE, 'utf8');
  // Printed by federation-internals itself: under vitest its graphql and ours may be two module instances.
  return printFederationSchema(Supergraph.build(supergraph).apiSchema());
}

function operationFiles(): { location: string; text: string }[] {
  return fs.readdirSync(OPERATIONS_DIR).filter((f) => f.endsWith('.graphql')).sort()
    .map((f) => ({ location: path.join(OPERATIONS_DIR, f), text: fs.readFileSync(path.join(OPERATIONS_DIR, f), 'utf8') }));
}

/** The files of client/src/gql/ as the build would write them, by name. */
export async function generatedFiles(): Promise<Record<string, string>> {
  // Development dependencies: an image built with --omit=dev bundles the committed client/src/gql/.
  const { codegen } = await import('@graphql-codegen/core');
  const { preset } = await import('@graphql-codegen/client-preset');
  const schemaSdl = await apiSchemaSdl();
  const schema: DocumentNode = parse(schemaSdl);
  const documents: Types.DocumentFile[] = operationFiles().map(({ location, text }) => ({ location: path.relative(root, location), document: parse(text), rawSDL: text }));
  const config = { useTypeImports: true, enumsAsTypes: true, avoidOptionals: false, skipTypename: false };
  const sections = await preset.buildGeneratesSection({
    baseOutputDir: 'client/src/gql/',
    schema,
    schemaAst: buildASTSchema(schema),
    documents,
    plugins: [],
    pluginMap: {},
    config,
    presetConfig: { fragmentMasking: false },
    pluginContext: {},
  } as Types.PresetFnArgs<any>);
  const files: Record<string, string> = {};
  // graphql.ts alone: the typed documents the client imports (gql.ts's graphql() lookup is unused).
  for (const section of sections.filter((s) => path.basename(s.filename) === 'graphql.ts')) {
    const output = await codegen({ ...section, config: { ...config, ...section.config } } as Types.GenerateOptions);
    files[path.basename(section.filename)] = output;
  }
  return files;
}

function differences(files: Record<string, string>): string[] {
  const present = fs.existsSync(GENERATED_DIR) ? fs.readdirSync(GENERATED_DIR) : [];
  const stale = Object.entries(files).filter(([name, text]) => !fs.existsSync(path.join(GENERATED_DIR, name)) || fs.readFileSync(path.join(GENERATED_DIR, name), 'utf8') !== text).map(([name]) => name);
  return [...stale, ...present.filter((name) => !(name in files))];
}

export async function generate(): Promise<void> {
  const files = await generatedFiles();
  fs.mkdirSync(GENERATED_DIR, { recursive: true });
  for (const name of fs.readdirSync(GENERATED_DIR)) if (!(name in files)) fs.rmSync(path.join(GENERATED_DIR, name));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(GENERATED_DIR, name), text);
}

export interface BundleReport { files: string[]; javascriptBytes: number; javascriptGzipBytes: number }

/** Bundles client/src/main.tsx and its stylesheet into client/dist/ with index.html. */
export async function bundle(): Promise<BundleReport> {
  fs.rmSync(DIST_DIR, { recursive: true, force: true });
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: { app: path.join(CLIENT_DIR, 'src/main.tsx'), style: path.join(CLIENT_DIR, 'src/style.css') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022'],
    platform: 'browser',
    jsx: 'automatic',
    outdir: path.join(DIST_DIR, 'assets'),
    entryNames: '[name]-[hash]',
    metafile: true,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => path.relative(DIST_DIR, path.resolve(file)));
  const script = outputs.find((f) => f.endsWith('.js'))!;
  const style = outputs.find((f) => f.endsWith('.css'))!;
  // No inline script or style: the Content-Security-Policy allows files from this origin only.
  fs.writeFileSync(path.join(DIST_DIR, 'index.html'), `<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Finsam – samordnare</title>
<link rel="stylesheet" href="/${style}">
<script type="module" src="/${script}"></script>
</head>
<body>
<div id="root"><p>Laddar…</p></div>
<noscript>Klienten behöver JavaScript.</noscript>
</body>
</html>
`);
  const javascript = outputs.filter((f) => f.endsWith('.js')).map((f) => fs.readFileSync(path.join(DIST_DIR, f)));
  return {
    files: ['index.html', ...outputs],
    javascriptBytes: javascript.reduce((sum, b) => sum + b.length, 0),
    javascriptGzipBytes: javascript.reduce((sum, b) => sum + gzipSync(b, { level: 9 }).length, 0),
  };
}

/**
 * What the build reads: the client's sources (client/src/gql/ with them: the bundle is made from
 * it), its tsconfig (esbuild reads the JSX settings there), the supergraph and the operations
 * with their manifest, this script, and the lockfile for the versions of esbuild, React and codegen.
 */
export function clientInputs(): Inputs {
  const file = (location: string, name: string) => ({ name, content: fs.readFileSync(location) });
  const sources = filesUnder(path.join(CLIENT_DIR, 'src'), root);
  return [
    ...sources,
    ...kitModulesImported(sources).map((relative) => file(path.join(root, relative), relative)),
    // The supergraph and operations as @finsam/schema holds them, named within that package.
    ...filesUnder(OPERATIONS_DIR, SCHEMA_DIR).map((f) => ({ ...f, name: `@finsam/schema/${f.name}` })),
    file(path.join(CLIENT_DIR, 'tsconfig.json'), 'client/tsconfig.json'), file(fileURLToPath(import.meta.url), 'client/build.ts'),
    file(SUPERGRAPH_FILE, '@finsam/schema/supergraph.graphql'), file(path.join(root, 'package-lock.json'), 'package-lock.json'),
  ];
}

/**
 * The kit's modules the client bundles (the agency table, the error catalogue: its Swedish texts),
 * found through the kit's exports as the bundler finds them. They are pure (test/generated-files
 * holds that each is an input); a kit module the client imports that imported others would need
 * those named here too.
 */
function kitModulesImported(sources: Inputs): string[] {
  const entries = new Set(sources.flatMap((source) => [...String(source.content).matchAll(/from '@finsam\/kit\/([^']+)'/g)].map((m) => m[1]!)));
  return [...entries].sort().map((entry) => path.relative(root, fs.realpathSync(fileURLToPath(import.meta.resolve(`@finsam/kit/${entry}`)))));
}

export async function buildClient(): Promise<BundleReport> {
  try {
    await generate();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    console.warn('graphql-codegen is not installed (npm ci --omit=dev): bundling the committed client/src/gql/.');
  }
  // Taken after generating: client/src/gql/ as the bundle reads it.
  const inputs = clientInputs();
  const report = await bundle();
  writeStamp(STAMP_FILE, inputs, [...report.files.map((f) => path.join(DIST_DIR, f)), ...fs.readdirSync(GENERATED_DIR).map((f) => path.join(GENERATED_DIR, f))]);
  return report;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const stale = differences(await generatedFiles());
    if (stale.length) {
      console.error(`client/src/gql/ is out of date (${stale.join(', ')}): run npm run build:client and commit it.`);
      process.exit(1);
    }
  } else if (!process.argv.includes('--force') && isFresh(STAMP_FILE, clientInputs())) {
    console.log('client/dist: unchanged since built (client sources, schema, operations), not rebuilt; --force rebuilds');
  } else {
    const report = await buildClient();
    console.log(`client/dist: ${report.files.join(', ')}; JavaScript ${(report.javascriptBytes / 1024).toFixed(0)} KB, ${(report.javascriptGzipBytes / 1024).toFixed(0)} KB gzipped`);
  }
}
