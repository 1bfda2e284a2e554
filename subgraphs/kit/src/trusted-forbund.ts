import fs from 'node:fs';
import path from 'node:path';
import { decodeJwt, type JWTVerifyGetKey } from 'jose';
import { keySetFile, publishedKeySet } from './signing-key.ts';

/**
 * The samordningsförbund whose gateways (and coordination, which signs release bases) a subgraph
 * answers. Försäkringskassan and Arbetsförmedlingen are national: one subgraph each answers every
 * förbund's gateway, so each keeps a list of the förbund it has agreed to answer (like X-Road's
 * member registry or SSBTEK's connection agreements), can tell them apart in its audit log, and
 * can cut one off without touching the others.
 *
 * The list is TRUSTED_FORBUND_FILE, JSON:
 *
 *     { "forbund": [ { "id": "forbund-goteborg", "name": "Samordningsförbundet Göteborg",
 *                      "gatewayJwks": "https://gateway:4000/.well-known/jwks.json",
 *                      "coordinationJwks": "https://coordination:4001/.well-known/jwks.json",
 *                      "withdrawals": "https://coordination:4001/consent-withdrawals",
 *                      "cutOff": false } ] }
 *
 * `gatewayJwks` and `coordinationJwks` are each a URL or a key set file (relative to the list).
 * The file is read again whenever it changes, so cutting a förbund off (`"cutOff": true`) or
 * adding one needs no restart. A list that cannot be read or is malformed trusts no one (a typo
 * must not leave a cut-off förbund answered) and says why in the subgraph's log.
 *
 * Without TRUSTED_FORBUND_FILE the subgraph answers one förbund: the one it runs in (FORBUND_ID,
 * `embedded` by default), with the gateway's and coordination's keys at GATEWAY_JWKS_URL and
 * COORDINATION_JWKS_URL or in DATA_DIR: the embedded default and any single-förbund deployment.
 */
export const EMBEDDED_FORBUND_ID = 'embedded';

/** The förbund a gateway or coordination speaks for: FORBUND_ID, `embedded` by default. */
export function forbundId(env: NodeJS.ProcessEnv = process.env): string {
  const id = env.FORBUND_ID?.trim() || EMBEDDED_FORBUND_ID;
  if (!isForbundId(id)) throw new Error(`FORBUND_ID must be 1–64 lower-case letters, digits and hyphens, got "${id}"`);
  return id;
}

const FORBUND_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const isForbundId = (value: unknown): value is string => typeof value === 'string' && FORBUND_ID.test(value);

/**
 * The förbund a signed token, basis or checkpoint says it is from, read before its signature is
 * checked, to pick the keys to check it with (a wrong claim then fails the check); null when it
 * names none or is not a JWT.
 */
export function claimedForbund(jwt: string): string | null {
  try {
    const { forbund } = decodeJwt(jwt);
    return isForbundId(forbund) ? forbund : null;
  } catch {
    return null;
  }
}

export interface TrustedForbundEntry {
  id: string;
  name: string;
  /** URL or file of the förbund gateway's public keys. */
  gatewayJwks: string;
  /** URL or file of the förbund coordination's public keys (release bases). */
  coordinationJwks: string;
  /**
   * URL of the förbund coordination's withdrawal feed (consent-withdrawals.ts); by default beside
   * `coordinationJwks` when that is a URL. Needed when the keys are a file: without a feed the
   * agency releases nothing under that förbund's bases.
   */
  withdrawals?: string;
  cutOff: boolean;
}

/** What the list says of a förbund, with its keys when it is on the list. */
export type ForbundStanding =
  | { standing: 'TRUSTED' | 'CUT_OFF'; entry: TrustedForbundEntry; gatewayKeys: JWTVerifyGetKey; coordinationKeys: JWTVerifyGetKey }
  | { standing: 'NOT_TRUSTED' }
  | { standing: 'LIST_INVALID' };

export interface TrustedForbund {
  /** The förbund's standing now (the list as it is on disk). */
  standing(id: string): ForbundStanding;
}

export function trustedForbund(env: NodeJS.ProcessEnv, dataDir: string, onInvalid: (problem: string) => void = () => {}): TrustedForbund {
  const file = env.TRUSTED_FORBUND_FILE?.trim();
  const keySets = new Map<string, JWTVerifyGetKey>();
  const keysAt = (location: string, base: string) => {
    let keys = keySets.get(location);
    if (!keys) {
      keys = /^https?:\/\//.test(location) ? publishedKeySet(location, '', env) : publishedKeySet(undefined, path.resolve(base, location), env);
      keySets.set(location, keys);
    }
    return keys;
  };
  if (!file) {
    const id = forbundId(env);
    const own: TrustedForbundEntry = {
      id, name: id, cutOff: false,
      gatewayJwks: env.GATEWAY_JWKS_URL || keySetFile(dataDir, 'gateway'),
      coordinationJwks: env.COORDINATION_JWKS_URL || keySetFile(dataDir, 'coordination'),
    };
    const standing: ForbundStanding = { standing: 'TRUSTED', entry: own, gatewayKeys: keysAt(own.gatewayJwks, dataDir), coordinationKeys: keysAt(own.coordinationJwks, dataDir) };
    return { standing: (id) => (id === own.id ? standing : { standing: 'NOT_TRUSTED' }) };
  }

  let readAt: number | null = null;
  let list: Map<string, TrustedForbundEntry> | null = null;
  const current = (): Map<string, TrustedForbundEntry> | null => {
    let mtime: number;
    try {
      mtime = fs.statSync(file).mtimeMs;
    } catch {
      if (readAt !== -1) onInvalid(`TRUSTED_FORBUND_FILE ${file} cannot be read: no förbund is answered`);
      readAt = -1;
      list = null;
      return null;
    }
    if (mtime === readAt) return list;
    readAt = mtime;
    const parsed = parseList(fs.readFileSync(file, 'utf8'));
    if (typeof parsed === 'string') {
      onInvalid(`TRUSTED_FORBUND_FILE ${file}: ${parsed}; no förbund is answered until it is mended`);
      list = null;
    } else list = new Map(parsed.map((entry) => [entry.id, entry]));
    return list;
  };
  return {
    standing(id) {
      const entries = current();
      if (!entries) return { standing: 'LIST_INVALID' };
      const entry = entries.get(id);
      if (!entry) return { standing: 'NOT_TRUSTED' };
      const base = path.dirname(file);
      return { standing: entry.cutOff ? 'CUT_OFF' : 'TRUSTED', entry, gatewayKeys: keysAt(entry.gatewayJwks, base), coordinationKeys: keysAt(entry.coordinationJwks, base) };
    },
  };
}

/** The list's entries, or what is wrong with it. */
export function parseList(text: string): TrustedForbundEntry[] | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  const forbund = (value as { forbund?: unknown } | null)?.forbund;
  if (!Array.isArray(forbund)) return 'no "forbund" list';
  const entries: TrustedForbundEntry[] = [];
  for (const [i, raw] of forbund.entries()) {
    const item = raw as Record<string, unknown>;
    if (!isForbundId(item?.id)) return `forbund[${i}].id must be 1–64 lower-case letters, digits and hyphens`;
    if (entries.some((e) => e.id === item.id)) return `forbund[${i}].id "${item.id}" is listed twice`;
    for (const key of ['gatewayJwks', 'coordinationJwks'] as const) {
      if (typeof item[key] !== 'string' || item[key] === '') return `forbund[${i}].${key} must be a URL or a key set file`;
    }
    if (item.cutOff !== undefined && typeof item.cutOff !== 'boolean') return `forbund[${i}].cutOff must be true or false`;
    if (item.withdrawals !== undefined && (typeof item.withdrawals !== 'string' || !/^https?:\/\//.test(item.withdrawals))) return `forbund[${i}].withdrawals must be a URL`;
    entries.push({
      id: item.id, name: typeof item.name === 'string' && item.name ? item.name : item.id,
      gatewayJwks: item.gatewayJwks as string, coordinationJwks: item.coordinationJwks as string, cutOff: item.cutOff === true,
      ...(typeof item.withdrawals === 'string' ? { withdrawals: item.withdrawals } : {}),
    });
  }
  return entries;
}
