import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per process, served at `/metrics`. */
export interface ProcessMetrics {
  registry: Registry;
  /** Database statements executed, by store and kind (data, audit): the figure the batching budget is measured by. */
  dbStatements: Counter<'subgraph' | 'kind'>;
  /** Gateway only: subgraph calls that failed, by subgraph and code (SUBGRAPH_TIMEOUT, SUBGRAPH_UNAVAILABLE). */
  subgraphFailures: Counter<'subgraph' | 'code'>;
}

export function createProcessMetrics(service: string): ProcessMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const dbStatements = new Counter({
    name: 'db_statements_total',
    help: 'Database statements executed by this process',
    labelNames: ['subgraph', 'kind'] as const,
    registers: [registry],
  });
  const subgraphFailures = new Counter({
    name: 'subgraph_failures_total',
    help: 'Subgraph calls from the gateway that failed or timed out',
    labelNames: ['subgraph', 'code'] as const,
    registers: [registry],
  });
  return { registry, dbStatements, subgraphFailures };
}
