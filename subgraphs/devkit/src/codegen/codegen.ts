/**
 * `@finsam/devkit/codegen`: a subgraph package's resolver types from its schema file, so that a
 * resolver that returns the wrong shape, or names a field the schema lacks, fails `tsc`.
 *
 * Each package says what to generate from in the `codegen` section of its own package.json
 * (`CodegenSettings`), and its `codegen`, `typecheck` and `test` scripts run `finsam-codegen`
 * (cli.ts) first, so a schema edit reaches the package's own type check. graphql-codegen's
 * `typescript` and `typescript-resolvers` plugins (with `federation: true`) write
 * `src/generated/resolvers-types.ts`, committed so that an editor and `tsc` on a fresh clone see it.
 *
 * Driven through @graphql-codegen/core, as client/build.ts is: the codegen CLI wants Node 22.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse, type DocumentNode } from 'graphql';
import { isFresh, writeStamp, type Inputs } from './stamp.ts';

/** Where a package's generated resolver types go, relative to the package. */
export const GENERATED_FILE = 'src/generated/resolvers-types.ts';
/** Beside it, what it was made from (stamp.ts); committed with it, so a fresh clone need not generate. */
export const STAMP_FILE = 'src/generated/resolvers-types.stamp.json';

/**
 * The `codegen` section of a package's package.json. Paths are relative to the package; a type is
 * `<file>#<Type>`, or `<@scope/name/entry>#<Type>` for a type another package exports.
 */
export interface CodegenSettings {
  /** The package's SDL, in the package: `schema/<name>.graphql` (`schema/care.graphql` for care). */
  schema: string;
  /** The resolvers' context type: `src/context.ts#CareContext`. */
  context: string;
  /**
   * What the resolvers of a GraphQL type receive as their parent, where that is not the type
   * itself: a database row (`src/data.ts#CertificateRow`), the person the sector field hands on.
   */
  mappers: Record<string, string>;
}

/** An expected failure (unusable settings, a schema the generator cannot read), said without a stack trace, naming its file. */
export class CodegenError extends Error {}

const TYPE_REFERENCE = /^[^#\s]+#[A-Za-z_][A-Za-z0-9_]*$/;

/** The package's settings, or null when its package.json has no `codegen` section (the kit, the devkit, the gateway). */
export function codegenSettingsOf(packageDir: string): CodegenSettings | null {
  const manifestFile = path.join(packageDir, 'package.json');
  let manifest: { codegen?: unknown };
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { codegen?: unknown };
  } catch (error) {
    throw new CodegenError(`${manifestFile}: ${(error as Error).message}`);
  }
  if (manifest.codegen === undefined) return null;
  const settings = manifest.codegen as Partial<CodegenSettings>;
  const wrong = (what: string) => new CodegenError(`${manifestFile}: "codegen".${what}`);
  if (typeof settings !== 'object' || settings === null) throw wrong(' must be an object with schema, context and mappers');
  if (typeof settings.schema !== 'string' || !settings.schema.endsWith('.graphql')) throw wrong('schema must be the path of the package\'s .graphql file');
  if (typeof settings.context !== 'string' || !TYPE_REFERENCE.test(settings.context)) throw wrong('context must be "<file>#<Type>", e.g. "src/context.ts#CareContext"');
  const mappers = settings.mappers ?? {};
  if (typeof mappers !== 'object' || mappers === null) throw wrong('mappers must map GraphQL type names to "<file>#<Type>"');
  for (const [type, target] of Object.entries(mappers)) {
    if (typeof target !== 'string' || !TYPE_REFERENCE.test(target)) throw wrong(`mappers.${type} must be "<file>#<Type>", e.g. "src/data.ts#CertificateRow"`);
  }
  return { schema: settings.schema, context: settings.context, mappers: mappers as Record<string, string> };
}

/** The package's SDL as the plugins read it: federation's `@link` import dropped (they bring the directives they know). */
function subgraphDocument(sdl: string): DocumentNode {
  const document = parse(sdl);
  return { ...document, definitions: document.definitions.filter((d) => d.kind !== Kind.SCHEMA_EXTENSION) };
}

/** An error from reading the schema (a syntax error, an unknown type), as one naming the file. */
function inSchemaFile(schemaFile: string, error: unknown): unknown {
  if (!(error instanceof Error) || (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return error;
  return new CodegenError(`${schemaFile}: ${error.message}`);
}

/**
 * The generated file of the package in `packageDir`, from the given SDL (its schema file as it is
 * on disk unless given). Throws CodegenError for settings or a schema it cannot use, and
 * ERR_MODULE_NOT_FOUND where graphql-codegen is not installed (an install with --omit=dev).
 */
export async function generateResolverTypes(packageDir: string, sdl?: string): Promise<string> {
  const settings = codegenSettingsOf(packageDir);
  if (!settings) throw new CodegenError(`${path.join(packageDir, 'package.json')} has no "codegen" section: add its schema, context and mappers (docs/agency-developers.md, "Typed resolvers").`);
  const schemaFile = settings.schema;
  if (sdl === undefined) {
    try {
      sdl = fs.readFileSync(path.resolve(packageDir, schemaFile), 'utf8');
    } catch (error) {
      throw new CodegenError(`${schemaFile} (the "codegen".schema of ${path.join(packageDir, 'package.json')}): ${(error as Error).message}`);
    }
  }
  // Development dependencies: an install with --omit=dev runs on the committed files.
  const { codegen } = await import('@graphql-codegen/core');
  const typescript = await import('@graphql-codegen/typescript');
  const typescriptResolvers = await import('@graphql-codegen/typescript-resolvers');
  // Imports in the generated file are relative to it; a package's type is imported by its name.
  const generatedDir = path.posix.dirname(GENERATED_FILE);
  const fromGenerated = (target: string) => {
    if (target.startsWith('@')) return target;
    const relative = path.posix.relative(generatedDir, path.posix.normalize(target.split(path.sep).join('/')));
    return relative.startsWith('.') ? relative : `./${relative}`;
  };
  const config = {
    federation: true,
    useTypeImports: true,
    enumsAsTypes: true,
    contextType: fromGenerated(settings.context),
    mappers: Object.fromEntries(Object.entries(settings.mappers).map(([type, target]) => [type, fromGenerated(target)])),
    scalars: { ID: 'string' },
    // Nullable output fields are present (null, not left out), as the query plan hands them over; a
    // resolver map still names only the fields it resolves (the rest resolve by name from the parent).
    avoidOptionals: { field: true },
  };
  let schema: DocumentNode;
  try {
    schema = subgraphDocument(sdl);
  } catch (error) {
    throw inSchemaFile(schemaFile, error);
  }
  const options = {
    filename: GENERATED_FILE,
    schema,
    documents: [],
    config,
    plugins: [{ typescript: {} }, { 'typescript-resolvers': {} }],
    pluginMap: { typescript, 'typescript-resolvers': typescriptResolvers },
  } as unknown as Parameters<typeof codegen>[0];
  const output = await codegen(options).catch((error: unknown) => {
    throw inSchemaFile(schemaFile, error);
  });
  return `// Generated by finsam-codegen (@finsam/devkit/codegen) from ${schemaFile}: do not edit.\n${output}${completeResolvers(Object.keys(settings.mappers))}`;
}

/**
 * `CompleteResolvers`: the generated `Resolvers`, with a resolver required for every field of a
 * mapped type that its parent does not hold under the field's name. Apollo resolves such a field
 * by name from the parent; renamed in the schema, it would resolve to nothing at run time, so it
 * fails the type check where the subgraph's resolver map is assembled (resolvers/index.ts).
 */
function completeResolvers(mappedTypes: string[]): string {
  const needed = mappedTypes.map((type) => `ResolversNeeded<'${type}', ${type}>`);
  return `
/** Fields of a GraphQL type that its parent (the mapper) does not hold under the field's name. */
type FieldsNotInParent<TGraphQL, TParent> = Exclude<keyof TGraphQL, keyof TParent | '__typename'>;

/** For a mapped type: a resolver required for each field its parent does not hold. */
type ResolversNeeded<TType extends keyof Resolvers & keyof ResolversParentTypes, TGraphQL> =
  [FieldsNotInParent<TGraphQL, ResolversParentTypes[TType]>] extends [never] ? unknown
    : { [K in TType]-?: Required<Pick<NonNullable<Resolvers[K]>, FieldsNotInParent<TGraphQL, ResolversParentTypes[TType]> & keyof NonNullable<Resolvers[K]>>> };

/** The subgraph's whole resolver map: every field resolves, by a resolver or by name from its parent. */
export type CompleteResolvers = Resolvers
${needed.map((n) => `  & ${n}`).join('\n')};
`;
}

export interface CodegenRun {
  /** The generated file, relative to the current directory. */
  file: string;
  /** True when the file on disk was already what the generator writes. */
  fresh: boolean;
  /** True when it was not generated at all: its stamp says its inputs have not changed since. */
  skipped: boolean;
}

const GENERATOR_PACKAGES = ['@graphql-codegen/core', '@graphql-codegen/typescript', '@graphql-codegen/typescript-resolvers', '@graphql-codegen/plugin-helpers', 'graphql'];
const require = createRequire(import.meta.url);

/** The version of a package as installed for the devkit; "absent" where it is not (an install with --omit=dev). */
function installedVersion(name: string): string {
  try {
    return (JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return 'absent';
  }
}

/**
 * What a package's generated file is made from: its SDL, its package.json (the codegen settings,
 * and the generator versions it installs) and the generator's own source.
 */
function codegenInputs(packageDir: string): Inputs | null {
  const settings = codegenSettingsOf(packageDir);
  const schemaFile = settings && path.resolve(packageDir, settings.schema);
  if (!schemaFile || !fs.existsSync(schemaFile)) return null;
  return [
    { name: 'schema', content: fs.readFileSync(schemaFile) },
    { name: 'package.json', content: fs.readFileSync(path.join(packageDir, 'package.json')) },
    { name: 'generator', content: fs.readFileSync(fileURLToPath(import.meta.url)) },
    // The installed generator and graphql versions, which a lockfile update can change under an unchanged package.json.
    { name: 'generator versions', content: GENERATOR_PACKAGES.map((name) => `${name}@${installedVersion(name)}`).join('\n') },
  ];
}

/**
 * Writes the package's generated file where it is not what the generator writes; with `check`,
 * writes nothing. Skips generating when the stamp beside the file says its inputs are unchanged
 * (not with `check` or `force`).
 */
export async function runCodegen(packageDir: string, { check = false, force = false }: { check?: boolean; force?: boolean } = {}): Promise<CodegenRun> {
  const target = path.join(packageDir, GENERATED_FILE);
  const file = path.relative(process.cwd(), target) || target;
  const stampFile = path.join(packageDir, STAMP_FILE);
  const inputs = codegenInputs(packageDir);
  if (!check && !force && inputs && isFresh(stampFile, inputs)) return { file, fresh: true, skipped: true };
  const text = await generateResolverTypes(packageDir);
  const fresh = fs.existsSync(target) && fs.readFileSync(target, 'utf8') === text;
  if (!check) {
    if (!fresh) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, text);
    }
    if (inputs) writeStamp(stampFile, inputs, [target]);
  }
  return { file, fresh, skipped: false };
}

/**
 * The workspaces of the repository at `repository` that have codegen settings, as folders
 * relative to it. A `<folder>/*` pattern covers each folder with a package.json, hidden ones
 * excepted (npm skips them too).
 */
export function workspacesWithCodegen(repository: string): string[] {
  const { workspaces = [] } = JSON.parse(fs.readFileSync(path.join(repository, 'package.json'), 'utf8')) as { workspaces?: string[] };
  return workspaces.flatMap((pattern) => !pattern.endsWith('/*') ? [pattern]
    : fs.readdirSync(path.join(repository, pattern.slice(0, -2)), { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => `${pattern.slice(0, -2)}/${d.name}`))
    .filter((w) => fs.existsSync(path.join(repository, w, 'package.json')) && codegenSettingsOf(path.join(repository, w)) !== null)
    .sort();
}
