import { createRequire } from 'node:module';
import {
  Kind, parse,
  type DocumentNode, type GraphQLFormattedError, type GraphQLSchema,
  type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';
import { directFieldNames, fragmentsOf, selectedFields, type Fragments, type TypedSelectedField } from '@finsam/kit/selection';

// Apollo Server hands plugins a schema built by graphql's CommonJS build, which the ESM build's
// type predicates do not recognise (as in plugins/use-analyst-cost-limit.ts).
const { getNamedType, isInterfaceType, isObjectType } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/**
 * Which fields of a type read which other fields of it through @requires, from the supergraph:
 * `Person.signals` reads `sicknessInsurance`, `employment`, `socialServices` and `care`;
 * `Person.care` reads `careReleaseBasis`. Type name → field → the top-level fields it requires.
 */
export type RequiresMap = Map<string, Map<string, Set<string>>>;

export function requiresOf(supergraphSdl: string): RequiresMap {
  const map: RequiresMap = new Map();
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    for (const field of definition.fields ?? []) {
      for (const directive of field.directives ?? []) {
        if (directive.name.value !== 'join__field') continue;
        const requires = directive.arguments?.find((a) => a.name.value === 'requires')?.value;
        if (requires?.kind !== Kind.STRING) continue;
        const selection = parse(`{ ${requires.value} }`).definitions[0] as OperationDefinitionNode;
        const names = directFieldNames(selection.selectionSet);
        const fields = map.get(definition.name.value) ?? new Map<string, Set<string>>();
        fields.set(field.name.value, new Set([...(fields.get(field.name.value) ?? []), ...names]));
        map.set(definition.name.value, fields);
      }
    }
  }
  return map;
}

type Path = readonly (string | number)[];
interface Level { selectionSet: SelectionSetNode; type: string }

/** The fields of selection sets, through inline fragments and fragment spreads, each with the type it is selected on. */
const fieldsOf = (levels: readonly Level[], fragments: Fragments): TypedSelectedField[] =>
  levels.flatMap((level) => selectedFields(level.selectionSet, fragments, level.type));

function returnType(schema: GraphQLSchema, parentType: string, fieldName: string): string | null {
  const type = schema.getType(parentType);
  if (!isObjectType(type) && !isInterfaceType(type)) return null;
  const field = type.getFields()[fieldName];
  return field ? getNamedType(field.type).name : null;
}

/**
 * Where an error's path leaves what the operation selected. `levels[k]` are the selections at
 * the k-th field of the path (list indexes skipped), `prefixes[k]` the path up to there;
 * `selected` is true when the whole path is a selected field.
 */
function walk(path: Path, operation: OperationDefinitionNode, fragments: Fragments, schema: GraphQLSchema) {
  const root = schema.getRootType(operation.operation)?.name ?? 'Query';
  let current: Level[] = [{ selectionSet: operation.selectionSet, type: root }];
  const levels: Level[][] = [];
  const prefixes: Path[] = [];
  const names: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    if (typeof segment === 'number') continue;
    levels.push(current);
    prefixes.push(path.slice(0, i));
    names.push(segment);
    const matches = fieldsOf(current, fragments).filter((f) => f.key === segment);
    if (matches.length === 0) return { selected: false, levels, prefixes, names };
    current = matches.flatMap((m) => {
      const type = m.node.selectionSet ? returnType(schema, m.parentType, m.node.name.value) : null;
      return m.node.selectionSet && type ? [{ selectionSet: m.node.selectionSet, type }] : [];
    });
  }
  return { selected: true, levels, prefixes, names };
}

/**
 * The selected fields at a level that read `name` (directly, or through fields the client did
 * not select, as `signals` reads `care`, which reads `careReleaseBasis`).
 */
function dependantsAt(level: readonly Level[], name: string, fragments: Fragments, requires: RequiresMap): TypedSelectedField[] {
  const selected = fieldsOf(level, fragments);
  const types = new Set(level.map((l) => l.type).concat(selected.map((f) => f.parentType)));
  const unseen = new Set([name]);
  for (let grown = true; grown;) {
    grown = false;
    for (const type of types) {
      for (const [field, needs] of requires.get(type) ?? []) {
        if (!unseen.has(field) && [...needs].some((n) => unseen.has(n)) && !selected.some((f) => f.node.name.value === field)) {
          unseen.add(field);
          grown = true;
        }
      }
    }
  }
  return selected.filter((f) => f.node.name.value !== name && [...(requires.get(f.parentType)?.get(f.node.name.value) ?? [])].some((n) => unseen.has(n)));
}

/**
 * The errors a client gets: those at fields its operation selected, unchanged. An error at a
 * field the gateway fetched only to feed another one (a sector `signals` reads through
 * @requires) is not the client's:
 * - a refusal (FORBIDDEN) is dropped: the dependant field is computed from what was released,
 *   and a sector the signal rules could not see is unknown to them (docs/errors.md);
 * - any other failure (an agency not answering) is also put at each selected field that
 *   depended on it, saying what was missing, so an answer computed without it is never silently
 *   taken as whole (and only there, when the client did not select the failed field itself);
 *   the field itself is computed from the rest (the failed sector reaches it as null,
 *   subgraph-source.ts);
 * - one that no selected field depended on is dropped (the gateway's log keeps it).
 * An error without a path is about the whole request and stays.
 */
export function errorsAtSelectedPaths(
  errors: readonly GraphQLFormattedError[], document: DocumentNode, operation: OperationDefinitionNode, schema: GraphQLSchema, requires: RequiresMap,
): { kept: GraphQLFormattedError[]; dropped: GraphQLFormattedError[] } {
  const fragments = fragmentsOf(document);
  const kept: GraphQLFormattedError[] = [];
  const dropped: GraphQLFormattedError[] = [];
  const placed = new Set<string>();
  const keep = (error: GraphQLFormattedError) => {
    const key = JSON.stringify([error.path, error.extensions?.code, error.extensions?.serviceName, error.message]);
    if (!placed.has(key)) kept.push(error);
    placed.add(key);
  };
  for (const error of errors) {
    if (!error.path) {
      keep(error);
      continue;
    }
    const where = walk(error.path, operation, fragments, schema);
    if (where.selected) keep(error);
    else if (error.extensions?.code === 'FORBIDDEN') {
      dropped.push(error);
      continue;
    }
    // Refusals aside, a selected field that read the failed one is incomplete too: `signals` are
    // computed without care when care did not answer, and say so whether or not the client also selected care.
    let sent = where.selected;
    for (let k = where.levels.length - 1, found = false; k >= 0 && !found && error.extensions?.code !== 'FORBIDDEN'; k--) {
      for (const dependant of dependantsAt(where.levels[k]!, where.names[k]!, fragments, requires)) {
        sent = found = true;
        keep({
          ...error,
          message: `${dependant.node.name.value} computed without ${where.names[k]}: ${error.message}`,
          path: [...where.prefixes[k]!, dependant.key],
        });
      }
    }
    if (!sent) dropped.push(error);
  }
  return { kept, dropped };
}
