import type { IncomingMessage, ServerResponse } from 'node:http';
import { compactVerify, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import type { Kysely } from 'kysely';
import { type AuditDb, type ChainAnchor, type ChainHeads, chainHead, parseChainHeadsColumn } from './audit.ts';
import { jwsBearerToken } from './bearer.ts';
import { GATEWAY_ISSUER, GATEWAY_TOKEN_ALGORITHM, type GatewaySigningKey } from './gateway-token.ts';
import { sendError, sendJson } from './http.ts';
import type { Logger } from './logger.ts';
import { claimedForbund, EMBEDDED_FORBUND_ID, type TrustedForbund } from './trusted-forbund.ts';

/**
 * Anchors for the audit chains (docs/audit-anchoring.md). A store's hash chain shows that no
 * record inside it was changed, but not that its newest records are still there: whoever can
 * drop the append-only trigger can cut the tail, or rewrite it and recompute every hash after.
 * So each store's chain head is witnessed by another store: the gateway signs a checkpoint
 * (store, sequence number, hash, time) of every subgraph's head and keeps it in its own store,
 * and hands each subgraph a signed checkpoint of its own head, which the subgraph keeps.
 * `npm run audit -- verify` then holds every chain to the checkpoints the OTHER stores keep.
 */
export interface Checkpoint {
  /** Whose chain: a subgraph's name, or `gateway`. */
  store: string;
  seq: number;
  hash: string;
  /** When the gateway read the head (ISO time). */
  at: string;
}

/** Its own JWS type, so that a checkpoint is never taken for a gateway token, nor a token for a checkpoint. */
export const CHECKPOINT_TYPE = 'audit-checkpoint+jwt';
/** Where a subgraph takes the gateway's checkpoint and answers with its own chain head. */
export const CHECKPOINT_PATH = '/audit/checkpoint';
/** A checkpoint handed to a subgraph is taken only this long after it was signed: a replay later is refused. */
const HANDOVER_SECONDS = 60;
const HASH = /^[0-9a-f]{64}$/;

/**
 * The gateway's signed statement that `checkpoint.store`'s chain had this head at that time,
 * addressed to the store that keeps it (`witness`). One handed to a subgraph expires, as it
 * authenticates the request that carries it; the checkpoint itself stays verifiable for good.
 */
export function signCheckpoint(key: GatewaySigningKey, checkpoint: Checkpoint, witness: string, handover = false, forbund: string = EMBEDDED_FORBUND_ID): Promise<string> {
  const jwt = new SignJWT({ seq: checkpoint.seq, hash: checkpoint.hash, at: checkpoint.at, forbund })
    .setProtectedHeader({ alg: GATEWAY_TOKEN_ALGORITHM, kid: key.kid, typ: CHECKPOINT_TYPE })
    .setIssuer(GATEWAY_ISSUER)
    .setSubject(checkpoint.store)
    .setAudience(witness)
    .setIssuedAt();
  if (handover) jwt.setExpirationTime(`${HANDOVER_SECONDS}s`);
  return jwt.sign(key.privateKey);
}

export function keepCheckpoint(db: Kysely<AuditDb>, checkpoint: Checkpoint, signature: string): Promise<unknown> {
  return db.insertInto('audit_checkpoint').values({ ...checkpoint, signature }).execute();
}

/** The newest checkpoint of a store held here, by sequence number (a chain never goes back). */
export function latestCheckpointOf(db: Kysely<AuditDb>, store: string): Promise<Checkpoint | undefined> {
  return db.selectFrom('audit_checkpoint').select(['store', 'seq', 'hash', 'at']).where('store', '=', store)
    .orderBy('seq', 'desc').orderBy('at', 'desc').limit(1).executeTakeFirst()
    .then((row) => (row ? { ...row, seq: Number(row.seq) } : undefined));
}

export const isChainHead = (value: unknown): value is { seq: number; hash: string } => {
  const head = value as { seq?: unknown; hash?: unknown } | null;
  return !!head && Number.isInteger(head.seq) && (head.seq as number) >= 0 && typeof head.hash === 'string' && HASH.test(head.hash);
};

/**
 * Where a subgraph's answer carries the chain heads its request's records left (`extensions`),
 * by store: `{ "care-14": { seq, hash } }`. The gateway takes them out of the answer and keeps them
 * in its own record of the request (docs/audit-anchoring.md, "No window"); a client never sees them.
 */
export const AUDIT_HEADS_EXTENSION = 'auditHeads';

/**
 * The heads a subgraph's answer carries, taken out of it: only heads of that subgraph's own stores
 * (its name, or `<name>-<controller>`), well formed. Null when it carries none.
 */
export function takeChainHeads(answer: { extensions?: Record<string, unknown> }, subgraph: string): ChainHeads | null {
  const carried = answer.extensions?.[AUDIT_HEADS_EXTENSION];
  if (carried === undefined) return null;
  const { [AUDIT_HEADS_EXTENSION]: _taken, ...rest } = answer.extensions!;
  if (Object.keys(rest).length > 0) answer.extensions = rest;
  else delete answer.extensions;
  if (typeof carried !== 'object' || carried === null) return null;
  const heads: ChainHeads = {};
  for (const [store, head] of Object.entries(carried)) {
    if ((store === subgraph || store.startsWith(`${subgraph}-`)) && isChainHead(head)) heads[store] = { seq: head.seq, hash: head.hash };
  }
  return Object.keys(heads).length > 0 ? heads : null;
}

/**
 * The name a witness keeps a gateway's chain under: `gateway` for the gateway of the förbund it
 * belongs to (FORBUND_ID), `gateway@<förbund>` for any other förbund's gateway it answers (a
 * national agency answers many), so that each förbund's chain has its own checkpoints.
 */
export const gatewayChainName = (forbund: string, ownForbund: string): string => (forbund === ownForbund ? 'gateway' : `gateway@${forbund}`);

/**
 * A subgraph's side: POST /audit/checkpoint with a gateway's checkpoint of its own head as the
 * bearer credential. The checkpoint is the authentication (signed by the gateway of a förbund the
 * subgraph answers, with that förbund's keys, for this store, fresh); no body is read. The
 * subgraph keeps it and answers with its own chain head, which the gateway signs and keeps. The
 * head is two numbers about the log, no personal data.
 */
export function auditCheckpointRoute(options: {
  store: string; db: Kysely<AuditDb>; trusted: TrustedForbund; ownForbund: string; logger: Logger;
  /** The stores of the controllers behind the subgraph (controllers.ts), by store name: each a chain of its own, witnessed the same way. */
  controllerStores?: ReadonlyMap<string, Kysely<AuditDb>>;
}) {
  const stores = new Map([[options.store, options.db], ...(options.controllerStores ?? [])]);
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    request.resume();
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      return sendError(response, { status: 405, code: 'METHOD_NOT_ALLOWED', message: 'Use POST.' });
    }
    const token = jwsBearerToken(request.headers.authorization);
    const forbund = token !== null ? claimedForbund(token) : null;
    const standing = forbund !== null ? options.trusted.standing(forbund) : null;
    // The checkpoint names the store it is for (its audience); that name is checked with the signature.
    const store = token !== null ? audienceOf(token) : null;
    const db = store !== null ? stores.get(store) : undefined;
    const handed = token !== null && db && standing?.standing === 'TRUSTED' ? await handedCheckpoint(token, store!, standing.gatewayKeys) : null;
    if (!handed || !db) return sendError(response, { status: 401, code: 'UNAUTHENTICATED', message: 'Only the gateway of a förbund this store answers hands it checkpoints.' });
    const chain = gatewayChainName(forbund!, options.ownForbund);
    const before = await latestCheckpointOf(db, chain);
    if (before?.seq !== handed.seq || before.hash !== handed.hash) await keepCheckpoint(db, { ...handed, store: chain }, token!);
    const head = await chainHead(db);
    options.logger.debug({ store, gatewaySeq: handed.seq, seq: head.seq, forbund }, 'audit checkpoint exchanged');
    // `stores`: every chain behind this address, so that the gateway exchanges with each.
    sendJson(response, 200, { store, seq: head.seq, hash: head.hash, stores: [...stores.keys()] });
  };
}

/** The audience a compact JWS names, unverified: only which store's key and row to check it against. */
function audienceOf(token: string): string | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { aud?: unknown };
    return typeof payload.aud === 'string' ? payload.aud : null;
  } catch {
    return null;
  }
}

async function handedCheckpoint(token: string, witness: string, keys: JWTVerifyGetKey): Promise<Checkpoint | null> {
  try {
    const { payload } = await jwtVerify(token, keys, {
      issuer: GATEWAY_ISSUER, audience: witness, subject: 'gateway', typ: CHECKPOINT_TYPE, algorithms: [GATEWAY_TOKEN_ALGORITHM],
      maxTokenAge: `${HANDOVER_SECONDS}s`, clockTolerance: 5, requiredClaims: ['exp'],
    });
    const at = payload.at;
    if (!isChainHead(payload) || typeof at !== 'string') return null;
    return { store: 'gateway', seq: payload.seq, hash: payload.hash, at };
  } catch {
    return null;
  }
}

/**
 * The checkpoints one store (`witness`) holds of the others, each signature checked against the
 * gateway's public keys: those that verify become anchors of the chain they name; one that does
 * not is a problem of the witness's store (changed or planted there).
 */
export async function heldCheckpoints(
  db: Kysely<AuditDb>, witness: string, keys: JWTVerifyGetKey,
  /** The keys of another förbund's gateway, for the checkpoints kept as `gateway@<förbund>` (null: not answered, so not checkable here). */
  otherForbund: (forbund: string) => JWTVerifyGetKey | null = () => null,
): Promise<{ anchors: (ChainAnchor & { store: string })[]; problems: string[] }> {
  const anchors: (ChainAnchor & { store: string })[] = [];
  const problems: string[] = [];
  let rows;
  try {
    rows = await db.selectFrom('audit_checkpoint').selectAll().orderBy('store').orderBy('seq').execute();
  } catch (error) {
    // A store from before checkpoints (not migrated since) holds none.
    if (/no such table|does not exist/.test((error as Error).message)) return { anchors, problems };
    throw error;
  }
  for (const row of rows) {
    const seq = Number(row.seq);
    const other = /^gateway@(.+)$/.exec(row.store)?.[1];
    try {
      const rowKeys = other === undefined ? keys : otherForbund(other);
      if (!rowKeys) throw new Error(`the förbund ${other} is not one this store answers now`);
      const { payload, protectedHeader } = await compactVerify(row.signature, rowKeys, { algorithms: [GATEWAY_TOKEN_ALGORITHM] });
      const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
      // Another förbund's gateway names its own chain `gateway`; this store keeps it under `gateway@<förbund>`.
      const fits = protectedHeader.typ === CHECKPOINT_TYPE && claims.iss === GATEWAY_ISSUER && claims.aud === witness
        && claims.sub === (other === undefined ? row.store : 'gateway') && (other === undefined || claims.forbund === other)
        && claims.seq === seq && claims.hash === row.hash && claims.at === row.at;
      if (!fits) throw new Error('its signed content differs from the row');
      anchors.push({ store: row.store, seq, hash: row.hash, at: row.at, witness });
    } catch (error) {
      problems.push(`the checkpoint of ${row.store} at record ${seq} (taken ${row.at}) is not one the gateway signed: ${(error as Error).message}`);
    }
  }
  return { anchors, problems };
}

/**
 * The chain heads the gateway's records of requests keep (AUDIT_HEADS_EXTENSION), as anchors of
 * the stores they name: each must still be in its chain with that hash. Read only from records
 * below `before` (where the gateway's own chain no longer verifies, what it says is not believed:
 * a head planted there would blame a store that was not touched). Records are read in pages.
 */
export async function recordedHeads(db: Kysely<AuditDb>, witness: string, before = Number.POSITIVE_INFINITY): Promise<(ChainAnchor & { store: string })[]> {
  const anchors: (ChainAnchor & { store: string })[] = [];
  const pageSize = 5000;
  for (let after = 0; ; ) {
    let rows;
    try {
      rows = await db.selectFrom('audit_log').select(['seq', 'at', 'request_id', 'chain_heads']).where('seq', '>', after).where('chain_heads', 'is not', null)
        .orderBy('seq').limit(pageSize).execute();
    } catch (error) {
      // A store from before chain heads were kept (not migrated since) has none.
      if (/no such column|does not exist/.test((error as Error).message)) return anchors;
      throw error;
    }
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq >= before) return anchors;
      for (const [store, head] of Object.entries(parseChainHeadsColumn(row.chain_heads!))) {
        anchors.push({ store, seq: head.seq, hash: head.hash, at: row.at, witness, source: `${witness}'s record ${seq} of request ${row.request_id}` });
      }
    }
    if (rows.length < pageSize) return anchors;
    after = Number(rows[rows.length - 1]!.seq);
  }
}
