import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per process, served at `/metrics`. */
export interface ProcessMetrics {
  registry: Registry;
  /** Database statements executed, by subgraph: the figure the batching budget is measured by. */
  dbStatements: Counter<'subgraph'>;
}

export function createProcessMetrics(service: string): ProcessMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const dbStatements = new Counter({
    name: 'db_statements_total',
    help: 'Database statements executed by this process',
    labelNames: ['subgraph'] as const,
    registers: [registry],
  });
  return { registry, dbStatements };
}
