/**
 * `npm run check [-- --base <ref>]`: what a schema change in the working tree does to the graph's
 * clients, offline. Composes the working tree's subgraph SDLs (each package's subgraphs/<name>/schema/<name>.graphql), diffs the API
 * schema against the base's with @graphql-inspector/core (each change BREAKING, DANGEROUS or
 * SAFE), and validates every registered operation (schema/operations/*.graphql and analyst/)
 * against the new API schema. Exits 1 when the working tree does not compose, when an operation
 * no longer validates, or when a breaking change touches a field or argument a registered
 * operation uses; removing a field that was @deprecated on the base is allowed (and reported):
 * deprecation is how the graph tells clients a field will go. Exits 2 when there is no base to
 * compare with. docs/agency-developers.md describes the output.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Supergraph, printSchema as printFederationSchema } from '@apollo/federation-internals';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import type {
  ASTNode, DocumentNode, GraphQLSchema, OperationDefinitionNode,
} from 'graphql';
import { consoleOutput, type CommandOutput } from '@finsam/kit/command-output';
import { servedSubgraphSdl } from '@finsam/kit/composition';
import { composeSubgraphs } from './compose.ts';
import { repositoryRoot } from './files.ts';

// graphql is taken the way @graphql-inspector/core takes it (Node's resolution, its CommonJS
// build): under vitest an `import` of graphql can be a second module instance, and graphql-js
// refuses a schema built by another instance ("from another module or realm").
const { Kind, TypeInfo, buildSchema, parse, validate, visit, visitWithTypeInfo } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

const REPOSITORY = repositoryRoot();
const SUPERGRAPH = 'supergraph.graphql';

export type Criticality = 'BREAKING' | 'DANGEROUS' | 'SAFE';

export type SchemaChange = {
  criticality: Criticality;
  /** graphql-inspector's change type, e.g. FIELD_REMOVED. */
  type: string;
  /** The schema coordinate the change is at: `Type`, `Type.field` or `Type.field.argument`. */
  coordinate: string;
  message: string;
  /** The registered operations that use the coordinate (or something under it), by name. */
  usedBy: string[];
  /** A breaking change to a used coordinate that does not fail the check: the removal of a field deprecated on the base. */
  allowed: boolean;
};

export type OperationProblem = {
  /** Relative to the repository's root when the file is in it. */
  file: string;
  operation: string;
  message: string;
  /** The operation fails only on a field whose removal is allowed (deprecated on the base): it must drop the field. */
  allowed: boolean;
};

export type CheckResult = {
  ok: boolean;
  compositionErrors: string[];
  changes: SchemaChange[];
  invalidOperations: OperationProblem[];
  /** Every coordinate some registered operation uses, in the base's API schema. */
  usedCoordinates: string[];
  /** What the command prints. */
  report: string;
};

export type CheckInput = ({ baseSubgraphs: Record<string, string> } | { baseSupergraph: string }) & {
  workingSubgraphs: Record<string, string>;
  operationsDir: string;
  /** The repository the operations' file names are given from (default: the one the command runs in). */
  repository?: string;
  /** How the report names the base, e.g. "main (3f2a1c0)". */
  baseLabel?: string;
};

/** The served subgraphs' SDL as a repository's working tree holds it, each in its own package (`@finsam/<name>/schema.graphql`), by subgraph name. */
export function workingTreeSubgraphs(repository: string = REPOSITORY): Record<string, string> {
  return servedSubgraphSdl(repository);
}

/** The schema clients see: the supergraph without federation's joins and @inaccessible fields, as a graphql-js schema. */
export function apiSchema(supergraphSdl: string): GraphQLSchema {
  // Printed by federation-internals and built again by our graphql: under vitest the two may be separate module instances.
  return buildSchema(printFederationSchema(Supergraph.build(supergraphSdl).apiSchema()));
}

type RegisteredDocument = { file: string; document: DocumentNode | null; parseError?: string; operations: OperationDefinitionNode[] };

function registeredDocuments(operationsDir: string, repository: string = REPOSITORY): RegisteredDocument[] {
  const folders = [operationsDir, path.join(operationsDir, 'analyst')].filter((d) => fs.existsSync(d));
  return folders.flatMap((folder) => fs.readdirSync(folder).filter((f) => f.endsWith('.graphql')).sort().map((f) => {
    const location = path.join(folder, f);
    // Named from the repository the operations belong to.
    const relative = path.relative(repository, location);
    const file = relative.startsWith('..') ? location : relative;
    try {
      const document = parse(fs.readFileSync(location, 'utf8'));
      const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
      return { file, document, operations };
    } catch (error) {
      return { file, document: null, parseError: (error as Error).message, operations: [] };
    }
  }));
}

const operationName = (operation: OperationDefinitionNode | undefined) => operation?.name?.value ?? '(anonymous)';

/** The operation of a document a node lies in; the document's first when the node is in a fragment. */
function enclosingOperation(registered: RegisteredDocument, node: ASTNode | undefined): string {
  const start = node?.loc?.start;
  const holder = start === undefined ? undefined
    : registered.operations.find((o) => o.loc && o.loc.start <= start && start < o.loc.end);
  return operationName(holder ?? registered.operations[0]);
}

/**
 * The coordinates each operation uses, read with the base schema's types: what the clients ask
 * for today. Also which coordinate each field node stands for, to tell an operation's validation
 * errors that come from an allowed removal.
 */
function usage(schema: GraphQLSchema, documents: RegisteredDocument[]) {
  const usersByCoordinate = new Map<string, Set<string>>();
  const coordinateOfNode = new Map<ASTNode, string>();
  for (const registered of documents) {
    if (!registered.document) continue;
    const typeInfo = new TypeInfo(schema);
    const use = (coordinate: string, node: ASTNode) => {
      const users = usersByCoordinate.get(coordinate) ?? new Set<string>();
      users.add(enclosingOperation(registered, node));
      usersByCoordinate.set(coordinate, users);
    };
    visit(registered.document, visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field || field.name.startsWith('__')) return;
        const coordinate = `${parent.name}.${field.name}`;
        coordinateOfNode.set(node, coordinate);
        use(coordinate, node);
      },
      Argument(node) {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        const argument = typeInfo.getArgument();
        if (!parent || !field || !argument || typeInfo.getDirective()) return;
        use(`${parent.name}.${field.name}.${argument.name}`, node);
      },
    }));
  }
  return { usersByCoordinate, coordinateOfNode };
}

const CRITICALITY: Record<CriticalityLevel, Criticality> = {
  [CriticalityLevel.Breaking]: 'BREAKING',
  [CriticalityLevel.Dangerous]: 'DANGEROUS',
  [CriticalityLevel.NonBreaking]: 'SAFE',
};

/** The operations a change reaches: those using its coordinate or anything under it; a new required argument reaches the field's users. */
function operationsReached(change: Change, usersByCoordinate: Map<string, Set<string>>): string[] {
  const at = change.path ?? '';
  const users = new Set<string>();
  for (const [coordinate, names] of usersByCoordinate) {
    if (coordinate === at || coordinate.startsWith(`${at}.`)) names.forEach((n) => users.add(n));
  }
  if (change.type === 'FIELD_ARGUMENT_ADDED') usersByCoordinate.get(at.split('.').slice(0, 2).join('.'))?.forEach((n) => users.add(n));
  return [...users].sort();
}

function deprecatedOnBase(schema: GraphQLSchema, coordinate: string): boolean {
  const [typeName, fieldName] = coordinate.split('.');
  const type = typeName ? schema.getType(typeName) : undefined;
  if (!type || !fieldName || !('getFields' in type)) return false;
  const field = type.getFields()[fieldName];
  return field !== undefined && 'deprecationReason' in field && field.deprecationReason != null;
}

export async function checkSchemas(input: CheckInput): Promise<CheckResult> {
  const baseLabel = input.baseLabel ?? 'the base';
  const documents = registeredDocuments(input.operationsDir, input.repository);
  const working = composeSubgraphs(input.workingSubgraphs);
  if (!working.ok) {
    const report = [`The working tree's subgraphs do not compose (${working.errors.length} error(s)):`, ...working.errors.map((e) => `- ${e}`)].join('\n');
    return { ok: false, compositionErrors: working.errors, changes: [], invalidOperations: [], usedCoordinates: [], report };
  }
  let baseSupergraph: string;
  if ('baseSupergraph' in input) baseSupergraph = input.baseSupergraph;
  else {
    const base = composeSubgraphs(input.baseSubgraphs);
    if (!base.ok) throw new Error(`${baseLabel} does not compose: ${base.errors.join('; ')}`);
    baseSupergraph = base.supergraphSdl;
  }
  const oldApi = apiSchema(baseSupergraph);
  const newApi = apiSchema(working.supergraphSdl);
  const { usersByCoordinate, coordinateOfNode } = usage(oldApi, documents);

  const changes: SchemaChange[] = (await diff(oldApi, newApi)).map((change) => {
    const criticality = CRITICALITY[change.criticality.level];
    const usedBy = operationsReached(change, usersByCoordinate);
    const coordinate = change.path ?? '';
    const allowed = criticality === 'BREAKING' && usedBy.length > 0 && change.type === 'FIELD_REMOVED' && deprecatedOnBase(oldApi, coordinate);
    return { criticality, type: String(change.type), coordinate, message: change.message, usedBy, allowed };
  });
  const allowedRemovals = new Set(changes.filter((c) => c.allowed).map((c) => c.coordinate));

  const invalidOperations: OperationProblem[] = [];
  for (const registered of documents) {
    if (!registered.document) {
      invalidOperations.push({ file: registered.file, operation: '(does not parse)', message: registered.parseError ?? '', allowed: false });
      continue;
    }
    for (const error of validate(newApi, registered.document)) {
      const nodes = error.nodes ?? [];
      const allowed = nodes.length > 0 && nodes.every((n) => allowedRemovals.has(coordinateOfNode.get(n) ?? ''));
      invalidOperations.push({ file: registered.file, operation: enclosingOperation(registered, nodes[0]), message: error.message, allowed });
    }
  }

  const failingChanges = changes.filter((c) => c.criticality === 'BREAKING' && c.usedBy.length > 0 && !c.allowed);
  const failingOperations = invalidOperations.filter((p) => !p.allowed);
  const ok = failingChanges.length === 0 && failingOperations.length === 0;

  const lines: string[] = [`Schema check: the working tree's API schema against ${baseLabel}.`];
  if (changes.length === 0) lines.push('No changes to the API schema.');
  else {
    lines.push(`Changes to the API schema (${changes.length}):`);
    for (const change of changes) {
      lines.push(`  ${change.criticality.padEnd(9)} ${change.coordinate}: ${change.message}`);
      if (change.criticality !== 'BREAKING') continue;
      if (change.usedBy.length === 0) lines.push('            breaking, but no registered operation uses it');
      else if (change.allowed) lines.push(`            allowed: deprecated on the base; still used by ${change.usedBy.join(', ')}, which must drop it`);
      else lines.push(`            used by ${change.usedBy.join(', ')}: this breaks them`);
    }
  }
  const operationCount = documents.reduce((n, d) => n + Math.max(d.operations.length, 1), 0);
  if (invalidOperations.length === 0) lines.push(`All ${operationCount} registered operations validate against the new API schema.`);
  else {
    lines.push('Registered operations that do not validate against the new API schema:');
    for (const problem of invalidOperations) {
      lines.push(`  ${problem.operation} (${problem.file}): ${problem.message}${problem.allowed ? ' (a field deprecated on the base: allowed)' : ''}`);
    }
  }
  lines.push(ok ? 'Check passed.' : `Check failed: ${[
    ...failingChanges.map((c) => `${c.coordinate} (used by ${c.usedBy.join(', ')})`),
    ...[...new Set(failingOperations.map((p) => p.operation))].map((name) => `${name} does not validate`),
  ].join('; ')}.`);

  return {
    ok, compositionErrors: [], changes, invalidOperations,
    usedCoordinates: [...usersByCoordinate.keys()].sort(), report: lines.join('\n'),
  };
}

type Git = (...args: string[]) => string;
const gitIn = (repository: string): Git => (...args) => execFileSync('git', args, { cwd: repository, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function commitOf(git: Git, ref: string): string | null {
  try {
    return git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`).trim();
  } catch {
    return null;
  }
}

/**
 * The base commit: the one named; else where this branch left `main` (the merge base of HEAD
 * and `main`, or `origin/main` on a clone without a local `main`), so that a branch is checked
 * against what it started from and not against changes landed on main since; else HEAD's first
 * parent. On main itself the merge base is HEAD: the working tree against the last commit.
 */
function resolveBase(git: Git, named: string | undefined): { ref: string; commit: string } | { error: string } {
  if (named !== undefined) {
    const commit = commitOf(git, named);
    return commit ? { ref: named, commit } : { error: `--base ${named}: no such commit in this repository` };
  }
  for (const ref of ['main', 'origin/main']) {
    if (!commitOf(git, ref)) continue;
    try {
      return { ref: `merge base with ${ref}`, commit: git('merge-base', 'HEAD', ref).trim() };
    } catch {
      // Unrelated histories: try the next.
    }
  }
  const parent = commitOf(git, 'HEAD^1');
  if (parent) return { ref: 'HEAD^1', commit: parent };
  return { error: 'no base to compare with: no `main`, no `origin/main` and HEAD has no parent; name one with --base <ref>' };
}

/**
 * `npm run check [-- --base <ref>]` on a repository (this one unless given): 0 when the check
 * passes, 1 when it fails, 2 when there is no base to compare with.
 */
export async function checkCommand(argv: string[], { repository = REPOSITORY, print = consoleOutput }: { repository?: string; print?: CommandOutput } = {}): Promise<number> {
  const git = gitIn(repository);
  const schemaDir = path.join(repository, 'schema');
  const at = argv.indexOf('--base');
  if (at >= 0 && !argv[at + 1]) {
    print.err('--base needs a git ref, e.g. --base main');
    return 2;
  }
  const base = resolveBase(git, at >= 0 ? argv[at + 1] : undefined);
  if ('error' in base) {
    print.err(base.error);
    return 2;
  }
  // The base is the supergraph committed at the base ref: test/composition.test.ts holds it equal to
  // that revision's subgraph files, and it is what a gateway built from that revision serves.
  let baseSupergraph: string;
  try {
    baseSupergraph = git('show', `${base.commit}:schema/${SUPERGRAPH}`);
  } catch {
    print.err(`--base ${base.ref}: that revision has no schema/${SUPERGRAPH}`);
    return 2;
  }
  const result = await checkSchemas({
    baseSupergraph,
    workingSubgraphs: workingTreeSubgraphs(repository),
    operationsDir: path.join(schemaDir, 'operations'),
    repository,
    baseLabel: `${base.ref} (${base.commit.slice(0, 10)})`,
  });
  (result.ok ? print.out : print.err)(result.report);
  return result.ok ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  checkCommand(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
    consoleOutput.err(`npm run check: ${(error as Error).message}`);
    process.exitCode = 2;
  });
}
