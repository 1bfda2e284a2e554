import { PerformanceObserver, constants } from 'node:perf_hooks';
import v8 from 'node:v8';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The JavaScript heap this process keeps: what is used just after a full collection. The heap's
 * size and the resident set also hold the garbage V8 has not collected yet, and V8 lets a busy
 * process's old generation fill for minutes before it collects (the soak, docs/performance.md,
 * saw social services at 110 MB used before a full collection and 44 MB after it), so neither
 * tells memory kept from memory not yet given back.
 *
 * Without `--expose-gc` the figure is the one after the last full collection V8 chose to run (so
 * it can be minutes old). A process started with `--expose-gc` (the soak starts the graph so;
 * never in service) collects in full, and compacts, when `/metrics` is read, so the figure is of
 * that moment and the heap's committed size and the resident set read after it are of what is held.
 */
let usedAfterFullGc = NaN;
let gcObserver: PerformanceObserver | undefined;
function heapUsedAfterFullGc(): number {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) {
    // Compacting, for this collection only: a full collection alone leaves every page that still
    // holds one live object committed, so a heap where most of what was old has died stays several
    // times the size of what it holds (90 MB for 12 in kit/test/metrics.test.ts), and the resident
    // set read after it would count fragments as memory kept. Off again at once: in service V8's
    // own choice of pages to compact stands.
    v8.setFlagsFromString('--compact-on-every-full-gc');
    try {
      collect();
    } finally {
      v8.setFlagsFromString('--no-compact-on-every-full-gc');
    }
    usedAfterFullGc = v8.getHeapStatistics().used_heap_size;
  }
  return usedAfterFullGc;
}
function observeFullCollections(): void {
  if (gcObserver) return;
  // Read when the entry is delivered, shortly after the collection: close, and never below it.
  gcObserver = new PerformanceObserver((list) => {
    if (list.getEntries().some((entry) => (entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)) {
      usedAfterFullGc = v8.getHeapStatistics().used_heap_size;
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
}

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
  observeFullCollections();
  new Gauge({
    name: 'nodejs_heap_used_after_full_gc_bytes',
    help: 'JavaScript heap used just after a full collection: the last one V8 ran, or one run now when the process has --expose-gc',
    registers: [registry],
    collect() {
      this.set(heapUsedAfterFullGc());
    },
  });
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
