import type { GraphQLRequestListener } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { Counter } from 'prom-client';
import type { ProcessMetrics } from '@finsam/kit/metrics';
import { FIELD_USAGE_METRIC, type OperationManifest } from '@finsam/kit/operations';
import type { RequestPlugin } from '@finsam/kit/request-plugin';
import type { GatewayContext } from '../context.ts';
import { AD_HOC_OPERATION, CLIENT_NAME_HEADER, ClientNames, coordinatesUsed } from '../field-usage.ts';

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
export function useFieldUsage(options: { metrics: ProcessMetrics; manifest: OperationManifest | null; clientNames?: ClientNames }): RequestPlugin<GatewayContext> {
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
    name: 'use-field-usage',
    apollo: [{
      async requestDidStart() {
        return listener;
      },
    }],
  };
}
