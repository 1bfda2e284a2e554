import { Kind, parse, type GraphQLField, type GraphQLSchema, type SelectionSetNode } from 'graphql';

/**
 * What a representation in `_entities` must hold for the fields a type `@requires`: the query
 * planner fetches those fields from the subgraphs that own them and hands them over inside the
 * representation, and the resolvers read them as the schema types them. A planner that hands them
 * over otherwise (another gateway's, or a hand-made call with the gateway's key) must get a coded
 * refusal naming what is wrong, never a crash in a rule or a plausible answer from half the facts.
 */

/**
 * The schema's types are told apart by their shape, not with graphql's `isObjectType` and the like:
 * those check the class, and the schema a resolver sees may come from another copy of the graphql
 * module than this one (Apollo's CommonJS build beside this ESM import), where they throw.
 */
interface TypeLike { ofType?: TypeLike; name?: string; getFields?: () => Record<string, GraphQLField<unknown, unknown>>; parseValue?: (value: unknown) => unknown; toString(): string }
const isNonNull = (type: TypeLike): boolean => type.ofType !== undefined && type.toString().endsWith('!');
const isList = (type: TypeLike): boolean => type.ofType !== undefined && !isNonNull(type);
const fieldsOf = (type: TypeLike | null | undefined) => (typeof type?.getFields === 'function' && !('parseValue' in type) ? type.getFields() : null);

/** Each `@requires` field set of the type, parsed, once per schema. */
const requiredSets = new WeakMap<GraphQLSchema, Map<string, SelectionSetNode[]>>();

function requiredSelections(schema: GraphQLSchema, typeName: string): SelectionSetNode[] {
  const bySchema = requiredSets.get(schema) ?? requiredSets.set(schema, new Map()).get(schema)!;
  let sets = bySchema.get(typeName);
  if (!sets) {
    const fields = fieldsOf(schema.getType(typeName) as TypeLike | null);
    sets = fields
      ? Object.values(fields).flatMap((field) => (field.astNode?.directives ?? [])
        .filter((d) => d.name.value === 'requires')
        .flatMap((d) => d.arguments?.filter((a) => a.name.value === 'fields' && a.value.kind === Kind.STRING) ?? [])
        .map((a) => (parse(`{ ${(a.value as { value: string }).value} }`).definitions[0] as { selectionSet: SelectionSetNode }).selectionSet))
      : [];
    bySchema.set(typeName, sets);
  }
  return sets;
}

/**
 * The first place where the representation does not hold what the type's `@requires` fields
 * select, as a path (`care.certificates[0].workCapacitySteps is missing`), or null when it does.
 * A top-level field absent altogether was not handed over (a planner sends only what the
 * operation needs); once handed over, it must be whole: every selected field present, null only
 * where the schema allows it, lists as lists, enum values of the enum, scalars of their kind.
 */
export function requiredFieldsProblem(schema: GraphQLSchema, typeName: string, representation: object): string | null {
  const fields = fieldsOf(schema.getType(typeName) as TypeLike | null);
  if (!fields) return null;
  for (const selectionSet of requiredSelections(schema, typeName)) {
    for (const selection of selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) continue;
      const name = selection.name.value;
      const value = (representation as Record<string, unknown>)[name];
      if (value === undefined) continue;
      const field = fields[name];
      if (!field) continue;
      const problem = valueProblem(field.type as TypeLike, value, selection.selectionSet, name);
      if (problem) return problem;
    }
  }
  return null;
}

function valueProblem(type: TypeLike, value: unknown, selectionSet: SelectionSetNode | undefined, path: string): string | null {
  if (value === undefined) return `${path} is missing`;
  if (value === null) return isNonNull(type) ? `${path} is null` : null;
  const nullable = isNonNull(type) ? type.ofType! : type;
  if (isList(nullable)) {
    if (!Array.isArray(value)) return `${path} is not a list`;
    for (const [i, item] of value.entries()) {
      const problem = valueProblem(nullable.ofType!, item, selectionSet, `${path}[${i}]`);
      if (problem) return problem;
    }
    return null;
  }
  const fields = fieldsOf(nullable);
  if (fields) {
    if (typeof value !== 'object' || Array.isArray(value)) return `${path} is not an object`;
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind !== Kind.FIELD || selection.name.value === '__typename') continue;
      const field = fields[selection.name.value];
      if (!field) continue;
      const problem = valueProblem(field.type as TypeLike, (value as Record<string, unknown>)[selection.name.value], selection.selectionSet, `${path}.${selection.name.value}`);
      if (problem) return problem;
    }
    return null;
  }
  if (typeof nullable.parseValue === 'function') {
    try {
      // An enum's parseValue knows its values; a built-in scalar's refuses a value of another kind.
      if (nullable.parseValue(value) === undefined) return `${path} is not a ${nullable.name}`;
    } catch {
      return `${path} is not a ${nullable.name}`;
    }
  }
  return null;
}
