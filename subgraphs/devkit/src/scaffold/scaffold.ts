import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, Kind } from 'graphql';
import { AGENCIES, AGENCY_TABLE, isAgency } from '@finsam/kit/agencies';
import { subgraphSdl } from '@finsam/kit/composition';
import { SUBGRAPH_NAMES, workspaceRoot } from '@finsam/kit/config';
import { failure, success, type Result } from '@finsam/kit/errors';

/**
 * `npm run new-subgraph -- <name> --agency <AGENCY>`: a sector subgraph in the house layout
 * (subgraphs/care is its model), written from the files in templates/ with the names filled in.
 * It is a new subgraph of an existing agency, releasing under that agency's signed basis:
 * coordination signs for the four agencies only (README.md of a generated package says why).
 */
const TEMPLATES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'templates');
/** The repository `npm run new-subgraph` runs in: the workspace root from where it started, not a path from the kit's place. */
export const REPOSITORY = workspaceRoot();

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** Folder names that are not a sector: the kit and the devkit, the gateway, and the old name of the kit. */
const RESERVED = new Set(['kit', 'devkit', 'gateway', 'shared', 'client', 'schema']);

export interface ScaffoldRequest {
  name: string;
  agency: string | undefined;
  /** Where to write; default subgraphs/<name> in the repository. */
  dir?: string;
  repository?: string;
}

export interface ScaffoldPlan {
  dir: string;
  files: { path: string; content: string }[];
}

const camel = (kebab: string) => kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (kebab: string) => camel(kebab).replace(/^[a-z]/, (c) => c.toUpperCase());

/**
 * The fields a written subgraph declares: Person.<name in camelCase> and its audit records on
 * AuditTrail. Its own, not its agency's (the agency's first subgraph has those, agencies.ts).
 */
export function scaffoldedFields(name: string): { field: string; recordsField: string } {
  const field = camel(name);
  return { field, recordsField: `${field}Records` };
}

/** Every type name and every Person field the served subgraphs declare: a new one must not take one. */
function namesInGraph(repository: string): { types: Set<string>; personFields: Set<string> } {
  const types = new Set<string>();
  const personFields = new Set<string>();
  for (const name of SUBGRAPH_NAMES) {
    for (const definition of parse(subgraphSdl(name, repository)).definitions) {
      if (!('name' in definition) || !definition.name) continue;
      types.add(definition.name.value);
      if (definition.name.value === 'Person' && (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION)) {
        for (const field of definition.fields ?? []) personFields.add(field.name.value);
      }
    }
  }
  return { types, personFields };
}

function versionsFrom(repository: string): Record<string, string> {
  const read = (file: string) => JSON.parse(fs.readFileSync(path.join(repository, file), 'utf8')) as { version: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const root = read('package.json');
  return { ...root.dependencies, ...root.devDependencies, '@finsam/kit': read('subgraphs/kit/package.json').version,
    '@finsam/devkit': read('subgraphs/devkit/package.json').version };
}

function templateFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? templateFiles(path.join(dir, entry.name)).map((f) => path.join(entry.name, f)) : [entry.name]);
}

/** Checks the request and fills in the templates; writes nothing. */
export function planSubgraph(request: ScaffoldRequest): Result<ScaffoldPlan> {
  const repository = request.repository ?? REPOSITORY;
  const { name } = request;
  if (!KEBAB.test(name) || name.length > 40) {
    return failure('BAD_USER_INPUT', `name "${name}" must be kebab-case (lower-case letters and digits, words joined by "-", starting with a letter), at most 40 characters`, { argument: 'name' });
  }
  if (RESERVED.has(name) || (SUBGRAPH_NAMES as readonly string[]).includes(name) || fs.existsSync(path.join(repository, 'subgraphs', name))) {
    return failure('BAD_USER_INPUT', `name "${name}" is taken: subgraphs/${name} exists or the name is reserved (${[...RESERVED, ...SUBGRAPH_NAMES].join(', ')})`, { argument: 'name' });
  }
  const agency = request.agency;
  if (agency === undefined) {
    return failure('BAD_USER_INPUT', `--agency is required: the agency whose signed release basis the subgraph releases under, one of ${AGENCIES.join(', ')}`, { argument: 'agency' });
  }
  if (!isAgency(agency)) {
    return failure('BAD_USER_INPUT', `--agency "${agency}" is not one coordination signs release bases for: one of ${AGENCIES.join(', ')} (a new agency needs coordination to sign for it first)`, { argument: 'agency' });
  }
  const { field, recordsField } = scaffoldedFields(name);
  const Type = pascal(name);
  const taken = namesInGraph(repository);
  const clash = [...[Type, `${Type}Entry`].filter((t) => taken.types.has(t)).map((t) => `type ${t}`), ...(taken.personFields.has(field) ? [`Person.${field}`] : [])];
  if (clash.length > 0) {
    return failure('BAD_USER_INPUT', `name "${name}" would declare ${clash.join(' and ')}, which the graph already has: choose another name`, { argument: 'name' });
  }
  const dir = path.resolve(request.dir ?? path.join(repository, 'subgraphs', name));
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
    return failure('BAD_USER_INPUT', `--dir ${dir} exists and is not empty: nothing is overwritten`, { argument: 'dir' });
  }

  const versions = versionsFrom(repository);
  const values: Record<string, string> = {
    name, field, recordsField, Type, AGENCY: agency, table: name.replace(/-/g, '_'), idPrefix: name.replace(/-/g, '_').toUpperCase(),
    // The agency named in the generated text: at the start of a sentence, and inside one.
    basisField: AGENCY_TABLE[agency].releaseBasisField, Agency: AGENCY_TABLE[agency].english.name, agencyName: AGENCY_TABLE[agency].english.inSentence,
    // The next port after the served five; PORT overrides it.
    port: String(4001 + SUBGRAPH_NAMES.length),
  };
  const fill = (text: string) => text.replace(/\{\{([^}]+)\}\}/g, (token, key: string) => {
    const value = key.startsWith('version:') ? versions[key.slice('version:'.length)] : values[key];
    if (value === undefined) throw new Error(`template token ${token} has no value`);
    return value;
  });
  const files = templateFiles(TEMPLATES).map((file) => ({
    path: fill(file.replace(/\.tmpl$/, '')),
    content: fill(fs.readFileSync(path.join(TEMPLATES, file), 'utf8')),
  }));
  return success({ dir, files });
}

/** Writes a plan; the folder is new or empty (planSubgraph checked). */
export function writeSubgraph(plan: ScaffoldPlan): void {
  for (const file of plan.files) {
    const target = path.join(plan.dir, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.content, { flag: 'wx' });
  }
}
