import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per process, served at `/metrics`. */
export interface ProcessMetrics {
  registry: Registry;
  /** Database statements executed, by store and kind (data, audit): the figure the batching budget is measured by. */
  dbStatements: Counter<'subgraph' | 'kind'>;
  /** Gateway only: subgraph calls that failed, by subgraph and code (SUBGRAPH_TIMEOUT, SUBGRAPH_UNAVAILABLE). */
  subgraphFailures: Counter<'subgraph' | 'code'>;
  /** HTTP requests served, by route and status. */
  httpRequests: Counter<'route' | 'status'>;
  /** Time to answer, by route. */
  httpDuration: Histogram<'route'>;
  /** Coordination only: release bases signed, by agency (one per agency call, however many persons). */
  releaseBasisSignatures: Counter<'agency'>;
  /** Agencies: signatures of release bases checked (the persons of one call share one). */
  releaseBasisChecks: Counter<never>;
  /**
   * Requests refused for want of a valid token, by reason (missing_token, rejected_token): an
   * anonymous flood shows here, not as one audit record per request.
   */
  unauthenticatedRequests: Counter<'reason'>;
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
  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests served, by route and status',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request to the end of the answer, by route',
    labelNames: ['route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const releaseBasisSignatures = new Counter({
    name: 'release_basis_signatures_total',
    help: 'Release bases coordination signed, by agency',
    labelNames: ['agency'] as const,
    registers: [registry],
  });
  const releaseBasisChecks = new Counter({
    name: 'release_basis_checks_total',
    help: 'Signatures of release bases this agency checked',
    registers: [registry],
  });
  const unauthenticatedRequests = new Counter({
    name: 'unauthenticated_requests_total',
    help: 'Requests refused before their body was read, for want of a valid bearer token, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  return { registry, dbStatements, subgraphFailures, httpRequests, httpDuration, unauthenticatedRequests, releaseBasisSignatures, releaseBasisChecks };
}
