import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { createRequire } from 'node:module';
import type { DocumentNode, FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { Counter } from 'prom-client';
import type { ProcessMetrics } from '@finsam/kit/metrics';
import { mayHoldPersonnummer } from '@finsam/kit/personnummer';
import type { GatewayContext } from './context.ts';
import { FIELD_USAGE_METRIC, type OperationManifest } from '@finsam/kit/operations';

// Apollo Server hands plugins a schema built by graphql's CommonJS build, which the ESM build's
// TypeInfo does not recognise (as in limits.ts): the walk uses the CommonJS one.
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

/** One series of a registered operation: its requests since the last scrape, added to the counter then. */
interface Series { labels: { coordinate: string; operation: string; client: string }; pending: number }

/** A registered operation's coordinates, computed once, and its series by client label. */
interface RegisteredUsage { coordinates: string[]; series: Map<string, Series[]> }

/**
 * Counts each executed request's coordinates on the gateway's /metrics as
 * `graphql_field_usage_total{coordinate, operation, client}`, once per request and coordinate
 * (a field selected twice, or on every person of a caseload page, is one use).
 *
 * At `executionDidStart`: the request got past authentication and the registered-operation check
 * (both before Apollo Server) and past parsing, validation and every plugin's
 * `didResolveOperation` (the cost, depth and introspection limits), so a refused request is never
 * counted; an executed one is, whatever its subgraphs then answer. A registered operation is known
 * by its text's hash, which is its manifest id (a coordinator's request runs with the registered
 * text, registered-operations.ts); its coordinates are computed once per schema and reused.
 */
export function fieldUsagePlugin(options: { metrics: ProcessMetrics; manifest: OperationManifest | null; clientNames?: ClientNames }): ApolloServerPlugin<GatewayContext> {
  // A registered operation's requests are counted in plain numbers and added to the counter when
  // /metrics is read: prom-client finds a series by hashing and checking its labels, about 1 µs
  // each, which PersonOverview's 76 coordinates would pay on every request. Bounded by the
  // manifest, the schema and the client labels.
  const registeredSeries: Series[] = [];
  const usage = new Counter({
    name: FIELD_USAGE_METRIC,
    help: 'Executed GraphQL requests that used a schema coordinate (Type.field), by registered operation (ad-hoc for any other query) and client name (apollographql-client-name)',
    labelNames: ['coordinate', 'operation', 'client'] as const,
    registers: [options.metrics.registry],
    collect() {
      for (const series of registeredSeries) {
        if (series.pending === 0) continue;
        this.inc(series.labels, series.pending);
        series.pending = 0;
      }
    },
  });
  const registered = new Map((options.manifest?.operations ?? []).map((o) => [o.id, o.name]));
  const clientNames = options.clientNames ?? new ClientNames();
  // Per schema, so that a gateway that ever reloads its schema does not count by the old one.
  const registeredBySchema = new WeakMap<GraphQLSchema, Map<string, RegisteredUsage>>();

  const listener: GraphQLRequestListener<GatewayContext> = {
    async executionDidStart({ request, schema, document, operation, queryHash }) {
      if (!operation) return;
      const client = clientNames.label(request.http?.headers.get(CLIENT_NAME_HEADER));
      const name = queryHash === undefined ? undefined : registered.get(queryHash);
      if (queryHash === undefined || name === undefined) {
        for (const coordinate of coordinatesUsed(schema, document, operation)) usage.inc({ coordinate, operation: AD_HOC_OPERATION, client });
        return;
      }
      let bySchema = registeredBySchema.get(schema);
      if (!bySchema) registeredBySchema.set(schema, bySchema = new Map());
      let known = bySchema.get(queryHash);
      if (!known) bySchema.set(queryHash, known = { coordinates: coordinatesUsed(schema, document, operation), series: new Map() });
      let series = known.series.get(client);
      if (!series) {
        known.series.set(client, series = known.coordinates.map((coordinate) => ({ labels: { coordinate, operation: name, client }, pending: 0 })));
        registeredSeries.push(...series);
      }
      for (const one of series) one.pending++;
    },
  };
  return {
    async requestDidStart() {
      return listener;
    },
  };
}
