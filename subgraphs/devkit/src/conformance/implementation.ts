import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fetch as undiciFetch, type Agent } from 'undici';
import { takeChainHeads } from '@finsam/kit/audit-checkpoint';
import { defaultPurpose, type Role } from '@finsam/kit/caller';
import { AGENCY_ROWS, AGENCY_TABLE, agencyOfSubgraph, type Agency } from '@finsam/kit/agencies';
import { scaffoldedFields } from '../scaffold/scaffold.ts';
import { failure, success, type Result } from '@finsam/kit/errors';
import { signGatewayToken } from '@finsam/kit/gateway-token';
import { readSigningKey, signingKeyFile, type SigningKey } from '@finsam/kit/signing-key';
import { connectionFailure, internalAgent } from '@finsam/kit/tls';

/**
 * What the conformance kit holds of the implementation under test: where it answers, which
 * sector it claims to be, and the two keys it must trust (the test deployment's gateway and
 * coordination). The kit speaks to it over HTTP only, as the gateway does.
 */

/** What the kit reads of the person at a sector: a field released only under the graph's rules. */
interface PersonRead {
  personRead: { fields: string[]; selection: string };
}

/** An agency's subgraph as the kit speaks to it. */
export interface AgencySector extends PersonRead {
  /** One of the served subgraphs, or a further subgraph of an existing agency (npm run new-subgraph). */
  name: string;
  /** Whose basis it releases under, and whose audit log records its accesses. */
  agency: Agency;
  /** The field it adds to Person (`care`, `sicknessInsurance`, …). */
  field: string;
  /** The Person field coordination signs the basis into (`careReleaseBasis`, …). */
  basisField: string;
  /** Its audit records on AuditTrail (`careRecords`, …). */
  recordsField: string;
}

/** Coordination as the kit speaks to it: it signs the bases, it releases under none. */
export interface CoordinationSector extends PersonRead {
  name: 'coordination';
  agency: 'COORDINATION';
}

export type Sector = AgencySector | CoordinationSector;

/**
 * An agency subgraph's names: a served one's from its agency's row (agencies.ts). A subgraph
 * outside the served ones is one more subgraph of an existing agency (`agency`): it releases under
 * that agency's basis and names its own fields as `npm run new-subgraph` writes them.
 */
export function sectorOf(name: string, agency?: Agency): AgencySector {
  const served = agencyOfSubgraph(name);
  const fields = served
    ? { agency: served, field: AGENCY_TABLE[served].sectorField, recordsField: AGENCY_TABLE[served].recordsField }
    : { agency: agency ?? unknownSector(name), ...scaffoldedFields(name) };
  return {
    name, ...fields, basisField: AGENCY_TABLE[fields.agency].releaseBasisField,
    personRead: { fields: [fields.field], selection: `${fields.field} { __typename }` },
  };
}

function unknownSector(name: string): never {
  throw new Error(`"${name}" is no agency's subgraph: name the agency it releases for`);
}

export const AGENCY_SECTORS: readonly AgencySector[] = AGENCY_ROWS.map((row) => sectorOf(row.subgraph));

/** Coordination's person data: its consent records, and the release bases it signs for the agencies. */
export const COORDINATION: CoordinationSector = (() => {
  const fields = ['consents', ...AGENCY_ROWS.map((row) => row.releaseBasisField)];
  return { name: 'coordination', agency: 'COORDINATION', personRead: { fields, selection: `consents { agency } ${fields.slice(1).join(' ')}` } };
})();

export const sectorNamed = (name: string, agency?: Agency): Sector => (name === 'coordination' ? COORDINATION : sectorOf(name, agency));

/** The sector under test as an agency's: the checks that ask this never run against coordination (run.ts checksOf). */
export function agencySector(sector: Sector): AgencySector {
  if (sector.agency === 'COORDINATION') throw new Error('coordination releases under no basis: this check is for agency subgraphs');
  return sector;
}

/** The test deployment's private keys: the kit signs as its gateway and as its coordination. */
export interface DeploymentKeys {
  /** Where they are: the public halves beside them are what the implementation trusts. */
  dataDir: string;
  gateway: SigningKey;
  coordination: SigningKey;
}

/**
 * The keys in a DATA_DIR as `npm start` leaves them, read only. Never created here: a key the kit
 * made up would be one the implementation does not trust, and every check would fail for that
 * alone. Nothing is written either, so a deployment reading its key set files is undisturbed.
 */
export async function deploymentKeys(dataDir: string): Promise<Result<DeploymentKeys>> {
  const [gateway, coordination] = await Promise.all([readSigningKey(dataDir, 'gateway'), readSigningKey(dataDir, 'coordination')]);
  if (!gateway || !coordination) {
    const missing = [gateway ? null : 'gateway', coordination ? null : 'coordination'].filter((o) => o !== null).map((owner) => path.basename(signingKeyFile(dataDir, owner)));
    return failure('BAD_USER_INPUT', `--data-dir ${dataDir} holds no ${missing.join(' or ')}: `
      + 'give the DATA_DIR of a test deployment (start it once with `npm start`, which creates the keys there).', { argument: 'data-dir' });
  }
  return success({ dataDir, gateway, coordination });
}

export interface GraphQLError { message: string; extensions?: Record<string, unknown> }
export interface Answer { status: number; data?: Record<string, any> | null; errors?: GraphQLError[] }

/** Whoever the kit calls as: the end user of a gateway token. */
export interface Speaker { actorId: string; role: Role }

/** Nothing answered at the URL: not a finding about the implementation, but no run at all. */
export class Unreachable extends Error {
  constructor(readonly url: string, cause: unknown) {
    super(`Cannot reach ${url}: ${connectionFailure(cause)}`);
  }
}

const REQUEST_TIMEOUT_MS = 15_000;

export class Implementation {
  /** Connections trusting TLS_CA_FILE when set, as the gateway's calls to the subgraphs do. */
  private readonly connections: Agent;
  /** Request ids whose answers carried a chain head of the implementation's own stores (extensions.auditHeads). */
  private readonly carriedHeads = new Set<string>();

  constructor(readonly url: string, readonly sector: Sector, readonly keys: DeploymentKeys, env: NodeJS.ProcessEnv = process.env) {
    this.connections = internalAgent(env);
  }

  /** A gateway token for this implementation's audience, as the gateway signs them. */
  token(speaker: Speaker, audience: string = this.sector.name): Promise<string> {
    return signGatewayToken(this.keys.gateway, { actorId: speaker.actorId, role: speaker.role, purpose: defaultPurpose(speaker.role) }, audience);
  }

  /** A fresh gateway request id (`x-request-id`, at most 64 characters as the gateway's are): a basis is bound to one. */
  static requestId(): string {
    return `conformance-${randomUUID()}`;
  }

  /** One GraphQL request, with the headers the gateway sends (a null token: none at all). */
  async post(token: string | null, requestId: string, query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
    let response: Awaited<ReturnType<typeof undiciFetch>>;
    try {
      response = await undiciFetch(this.url, {
        dispatcher: this.connections,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new Unreachable(this.url, error);
    }
    const text = await response.text();
    try {
      const body = JSON.parse(text) as { data?: Record<string, any> | null; errors?: GraphQLError[]; extensions?: Record<string, unknown> };
      if (body && typeof body === 'object' && takeChainHeads(body, this.sector.name)) this.carriedHeads.add(requestId);
      return { status: response.status, data: body.data, errors: Array.isArray(body.errors) ? body.errors : undefined };
    } catch {
      return { status: response.status, errors: [{ message: `not a GraphQL response (HTTP ${response.status}): ${text.slice(0, 120)}` }] };
    }
  }

  /** Whether the answer to this request carried the head of the implementation's audit chain after its records. */
  carriedAuditHead(requestId: string): boolean {
    return this.carriedHeads.has(requestId);
  }
}

/** The first error's code and reason, as a refusal shows them. */
export const refusalOf = (answer: Answer): { code?: unknown; reason?: unknown } => {
  const error = answer.errors?.find((e) => e.extensions?.code) ?? answer.errors?.[0];
  return { code: error?.extensions?.code, reason: error?.extensions?.reason };
};

/** How an answer reads in a verdict: status, code and reason, never the data. */
export function describeAnswer(answer: Answer): string {
  const { code, reason } = refusalOf(answer);
  const parts = [`HTTP ${answer.status}`];
  if (code) parts.push(String(code));
  if (reason) parts.push(String(reason));
  if (!code && answer.errors?.[0]) parts.push(`"${answer.errors[0].message.slice(0, 100)}"`);
  return parts.join(' ');
}
