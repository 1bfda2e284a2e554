/**
 * `npm run codegen`: resolver types for each subgraph from its schema file, so that a resolver
 * that returns the wrong shape, or names a field the schema lacks, fails `tsc`.
 *
 * For each subgraph, graphql-codegen's `typescript` and `typescript-resolvers` plugins (with
 * `federation: true`) read `schema/<name>.graphql` and write
 * `subgraphs/<name>/src/generated/resolvers-types.ts`. Each GraphQL type a resolver receives as
 * something other than its own shape (a database row, the person handed over) is mapped to
 * that type below, and the context to the subgraph's context type.
 *
 * The files are committed (an editor and `tsc` on a fresh clone see them) and `npm test` and
 * `npm start` write them again first, so a schema edit reaches the type check without anyone
 * remembering this command. `--check` writes nothing and exits 1 naming a file that is not what
 * the generator would write.
 *
 * Driven through @graphql-codegen/core, as client/build.ts is: the codegen CLI wants Node 22.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Types } from '@graphql-codegen/plugin-helpers';
import { Kind, parse, type DocumentNode } from 'graphql';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where a subgraph's generated resolver types go, relative to the repository. */
export function generatedFileOf(subgraph: string): string {
  return `subgraphs/${subgraph}/src/generated/resolvers-types.ts`;
}

/**
 * What each subgraph's resolvers receive as the parent of a type's fields, where that is not
 * the GraphQL type itself, and its context type. Paths are relative to the subgraph's `src/`,
 * or to the repository when they start with `subgraphs/`; a package's (`@scope/name#Type`) is kept.
 */
interface SubgraphTypes {
  context: string;
  mappers: Record<string, string>;
}

/** The shared mechanisms' folder: a sector's Person is the person with the release basis handed over (release.ts). */
const KIT = '@finsam/kit';

export const SUBGRAPH_TYPES: Record<string, SubgraphTypes> = {
  care: {
    context: 'context.ts#CareContext',
    mappers: {
      Person: `${KIT}/release#PersonWithBasis`,
      Care: 'resolvers/person.ts#PersonRef',
      MedicalCertificate: 'data.ts#CertificateRow',
      CareContact: 'data.ts#ContactRow',
      RehabilitationCoordinator: 'data.ts#RehabilitationCoordinatorRow',
    },
  },
  coordination: {
    context: 'context.ts#CoordinationContext',
    mappers: {
      Person: 'resolvers/person.ts#PersonParent',
      Coordinator: 'data.ts#CoordinatorRow',
      Forbund: 'data.ts#ForbundRow',
      Intervention: 'resolvers/intervention.ts#InterventionParent',
      Participation: 'data.ts#ParticipationRow',
      AuditTrail: 'resolvers/audit-trail.ts#AuditTrailParent',
      Cohort: 'resolvers/cohort.ts#CohortParent',
    },
  },
  employment: {
    context: 'context.ts#EmploymentContext',
    mappers: {
      Person: `${KIT}/release#PersonWithBasis`,
      EmploymentService: 'resolvers/person.ts#PersonRef',
      Registration: 'data.ts#RegistrationRow',
      ProgrammeParticipation: 'data.ts#ProgrammeRow',
      ActivityReport: 'data.ts#ActivityReportRow',
    },
  },
  'social-services': {
    context: 'context.ts#SocialServicesContext',
    mappers: {
      Person: `${KIT}/release#PersonWithBasis`,
      SocialServices: 'resolvers/person.ts#PersonRef',
      AssistanceMonth: 'data.ts#AssistanceMonthRow',
      SocialServicesMeasure: 'data.ts#MeasureRow',
    },
  },
  'sickness-insurance': {
    context: 'context.ts#SicknessInsuranceContext',
    mappers: {
      Person: `${KIT}/release#PersonWithBasis`,
      SicknessInsurance: 'resolvers/person.ts#SicknessInsuranceParent',
      SicknessBenefitCase: 'data.ts#BenefitCaseRow',
    },
  },
};

/** `schema/<name>.graphql` as the plugins read it: federation's `@link` import dropped (they bring the directives they know). */
function subgraphDocument(sdl: string): DocumentNode {
  const document = parse(sdl);
  return { ...document, definitions: document.definitions.filter((d) => d.kind !== Kind.SCHEMA_EXTENSION) };
}

/** A schema file the generator cannot read, named; said without a stack trace. */
export class SchemaFileError extends Error {}

/** An error reading a subgraph's schema (a syntax error, an unknown type), as an error naming its file. */
function inSchemaFile(subgraph: string, error: unknown): unknown {
  if (!(error instanceof Error) || (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return error;
  return new SchemaFileError(`schema/${subgraph}.graphql: ${error.message}`);
}

/** The generated file of one subgraph, from the given SDL (the working tree's schema file unless given). */
export async function generateResolverTypes(subgraph: string, sdl = fs.readFileSync(path.join(root, `schema/${subgraph}.graphql`), 'utf8')): Promise<string> {
  const types = SUBGRAPH_TYPES[subgraph];
  if (!types) throw new Error(`schema/codegen.ts has no entry for the subgraph "${subgraph}": add its context and mappers to SUBGRAPH_TYPES.`);
  // Development dependencies: an image built with --omit=dev runs on the committed files.
  const { codegen } = await import('@graphql-codegen/core');
  const typescript = await import('@graphql-codegen/typescript');
  const typescriptResolvers = await import('@graphql-codegen/typescript-resolvers');
  // Imports in the generated file are relative to it: generated/ sits in src/.
  const generatedDir = path.dirname(path.join(root, generatedFileOf(subgraph)));
  const fromGenerated = (target: string) => (target.startsWith('@') ? target
    : target.startsWith('subgraphs/') ? path.relative(generatedDir, path.join(root, target)) : `../${target}`);
  const config = {
    federation: true,
    useTypeImports: true,
    enumsAsTypes: true,
    contextType: fromGenerated(types.context),
    mappers: Object.fromEntries(Object.entries(types.mappers).map(([type, target]) => [type, fromGenerated(target)])),
    scalars: { ID: 'string' },
    // Nullable output fields are present (null, not left out), as the query plan hands them over; a
    // resolver map still names only the fields it resolves (the rest resolve by name from the parent).
    avoidOptionals: { field: true },
  };
  let schema: DocumentNode;
  try {
    schema = subgraphDocument(sdl);
  } catch (error) {
    throw inSchemaFile(subgraph, error);
  }
  const output = await codegen({
    filename: generatedFileOf(subgraph),
    schema,
    documents: [],
    config,
    plugins: [{ typescript: {} }, { 'typescript-resolvers': {} }],
    pluginMap: { typescript, 'typescript-resolvers': typescriptResolvers },
  } as Types.GenerateOptions).catch((error: unknown) => {
    throw inSchemaFile(subgraph, error);
  });
  return `// Generated by \`npm run codegen\` (schema/codegen.ts) from schema/${subgraph}.graphql: do not edit.\n${output}${completeResolvers(Object.keys(types.mappers))}`;
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

/** Every subgraph's generated file, by path relative to the repository. */
export async function generatedFiles(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const subgraph of Object.keys(SUBGRAPH_TYPES)) files[generatedFileOf(subgraph)] = await generateResolverTypes(subgraph);
  return files;
}

/** The generated files, or null where graphql-codegen is not installed (an image built with npm ci --omit=dev). */
async function generatedFilesIfInstalled(): Promise<Record<string, string> | null> {
  try {
    return await generatedFiles();
  } catch (error) {
    if (error instanceof SchemaFileError) {
      console.error(error.message);
      process.exit(1);
    }
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    return null;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = await generatedFilesIfInstalled();
  if (!files) {
    console.warn('graphql-codegen is not installed (npm ci --omit=dev): the committed resolver types stay as they are.');
    process.exit(process.argv.includes('--check') ? 1 : 0);
  }
  const stale = Object.entries(files).filter(([file, text]) => !fs.existsSync(path.join(root, file)) || fs.readFileSync(path.join(root, file), 'utf8') !== text).map(([file]) => file);
  if (process.argv.includes('--check')) {
    if (stale.length) {
      console.error(`Out of date: ${stale.join(', ')}. Run npm run codegen and commit the result.`);
      process.exit(1);
    }
  } else {
    for (const file of stale) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), files[file]!);
    }
  }
}
