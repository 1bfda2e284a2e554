import { defaultPurpose, type Role } from '@finsam/kit/caller';
import type { SubgraphName } from '@finsam/kit/config';
import { todayIso } from '@finsam/kit/dates';
import { loadOrCreateGatewayKey, signGatewayToken } from '@finsam/kit/gateway-token';
import type { TestGraph } from './graph.ts';

/**
 * Calls a subgraph directly, as whoever holds a valid gateway token for it would: the attacker of
 * the release-basis tests (one leaked secret or one compromised gateway away).
 */
export interface SubgraphCaller { actorId?: string; role?: Role; requestId: string }
export type SubgraphAnswer = { status: number; data?: any; errors?: { message: string; path?: unknown[]; extensions?: Record<string, any> }[] };

export async function callSubgraph(
  graph: TestGraph, name: SubgraphName, caller: SubgraphCaller, query: string, variables: Record<string, unknown> = {}, rawBody?: string,
): Promise<SubgraphAnswer> {
  const role = caller.role ?? 'coordinator';
  const token = await signGatewayToken(await loadOrCreateGatewayKey(graph.dataDir), { actorId: caller.actorId ?? 'coordinator-1', role, purpose: defaultPurpose(role) }, name);
  const response = await fetch(graph.subgraphUrl(name), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': caller.requestId },
    body: rawBody ?? JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  try {
    return { status: response.status, ...(JSON.parse(text) as object) };
  } catch {
    return { status: response.status, errors: [{ message: text }] };
  }
}

/** A coordinator's caseload (first 100) with the agencies each person's consent covers today, read through the gateway. */
export async function caseloadWithConsents(graph: TestGraph, sub: string): Promise<{ personnummer: string; covers: Set<string> }[]> {
  const today = todayIso();
  const { body } = await graph.query(await graph.token('coordinator', sub),
    '{ me { caseload(first: 100) { nodes { personnummer consents { agency validFrom validTo revokedAt } } } } }');
  return (body.data!.me.caseload.nodes as { personnummer: string; consents: { agency: string; validFrom: string; validTo: string; revokedAt: string | null }[] }[])
    .map((n) => ({
      personnummer: n.personnummer,
      covers: new Set(n.consents.filter((c) => c.revokedAt === null && c.validFrom <= today && today <= c.validTo).map((c) => c.agency)),
    }));
}

/**
 * A subgraph's audit records of one request, read as an operator would (the connections closed
 * after): from its own store and, for the social services, each municipality's (a basis that does
 * not verify is refused in the subgraph's own log; a controller's decision in the controller's).
 */
export async function auditRowsOfRequest(graph: TestGraph, store: SubgraphName, requestId: string) {
  const rows = [];
  for (const name of new Set([store, ...graph.personStores(store)])) {
    const db = graph.store(name);
    try {
      rows.push(...await db.selectFrom('audit_log').select(['personnummer', 'decision', 'reason']).where('request_id', '=', requestId).execute());
    } finally {
      await db.destroy();
    }
  }
  return rows;
}
