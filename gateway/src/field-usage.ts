import { createRequire } from 'node:module';
import type { DocumentNode, FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { FIELD_USAGE_METRIC } from '@finsam/kit/operations';
import { mayHoldPersonnummer } from '@finsam/kit/personnummer';

// Apollo Server hands plugins a schema built by graphql's CommonJS build, which the ESM build's
// TypeInfo does not recognise (as in plugins/use-analyst-cost-limit.ts): the walk uses the CommonJS one.
const { Kind, TypeInfo, visit, visitWithTypeInfo } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/**
 * Field usage (docs/agency-developers.md, "Who uses a field"): how many executed requests used
 * each schema coordinate (`Type.field` of the API schema), by registered operation and client,
 * so that the owner of a deprecated field can tell when no one asks for it any more.
 */
export { FIELD_USAGE_METRIC };
/** The header Apollo Client sends its `clientAwareness.name` in. */
export const CLIENT_NAME_HEADER = 'apollographql-client-name';
/**
 * The operation label of every request that is not a registered operation (analysts' and
 * auditors' own queries): their text or name is never a label, for it is unbounded and may hold
 * a personnummer.
 */
export const AD_HOC_OPERATION = 'ad-hoc';
/** Client labels that are not a client's own name. */
export const CLIENT_LABELS = { missing: 'unknown', invalid: 'invalid', overflow: 'other' } as const;
/** Distinct client names one gateway process labels before every further name is `other`. */
export const MAX_CLIENT_NAMES = 50;

const CLIENT_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** The client names of this repository's own clients (client/src/apollo.ts). */
export const RESERVED_CLIENT_NAMES = ['finsam-coordinator'];

/**
 * The client label of a request. The header is the caller's to write, so it is bounded before it
 * becomes a label: a name out of charset or length (which could break out of the exposition
 * format or carry text), or with ten digits in a row (a personnummer), is `invalid`; once
 * `max` names are known, any new one is `other`, so that a caller cycling names cannot grow
 * the metric without bound. The first names seen keep their label for the process's life.
 */
export class ClientNames {
  private readonly known: Set<string>;

  /**
   * The graph's own clients are known from the start, so that whoever holds a token cannot fill
   * the free slots with made-up names first and have the coordinator client counted as `other`.
   */
  constructor(private readonly max: number = MAX_CLIENT_NAMES, reserved: readonly string[] = RESERVED_CLIENT_NAMES) {
    this.known = new Set(reserved);
    this.max = max + this.known.size;
  }

  label(header: string | null | undefined): string {
    if (header === null || header === undefined || header === '') return CLIENT_LABELS.missing;
    if (!CLIENT_NAME.test(header) || mayHoldPersonnummer(header)) return CLIENT_LABELS.invalid;
    if (this.known.has(header)) return header;
    if (this.known.size >= this.max) return CLIENT_LABELS.overflow;
    this.known.add(header);
    return header;
  }
}

/**
 * The coordinates of the API schema one operation of a document uses: every field it selects,
 * directly, through inline fragments and through the fragments it spreads (each fragment read
 * once however often it is spread), on the type it is selected on (an interface's field counts as
 * `Interface.field`). The document's other operations and the fragments only they spread are not read.
 */
export function coordinatesUsed(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): string[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const used = new Set<string>();
  const spread: string[] = [];
  const typeInfo = new TypeInfo(schema);
  const visitor = visitWithTypeInfo(typeInfo, {
    Field() {
      const parent = typeInfo.getParentType();
      const field = typeInfo.getFieldDef();
      // Meta-fields and the introspection types' fields are GraphQL's, not the graph's.
      if (parent && field && !field.name.startsWith('__') && !parent.name.startsWith('__')) used.add(`${parent.name}.${field.name}`);
    },
    FragmentSpread(node) {
      spread.push(node.name.value);
    },
  });
  visit(operation, visitor);
  const read = new Set<string>();
  for (let name = spread.pop(); name !== undefined; name = spread.pop()) {
    const fragment = fragments.get(name);
    if (read.has(name) || !fragment) continue;
    read.add(name);
    visit(fragment, visitor);
  }
  return [...used];
}
