/**
 * The peer gateways `npm run bench` measures beside ours (issue 24 item 4): stock Apollo Gateway and
 * Hive Gateway with and without its Rust query planner, each a process of test/bench/peers/serve.ts
 * in front of the same five subgraph processes. Their packages are a small package of their own,
 * test/bench/peers, outside the root install (CI never installs them): `npm ci` there from its
 * committed lock the first time a bench wants them. Before a peer is measured its answers must be
 * ours (sameAnswers).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/free-port.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const PEERS_DIR = path.join(here, 'peers');

export const PEERS = ['stock', 'hive', 'hive-rust'] as const;
export type Peer = (typeof PEERS)[number];
export const PEER_LABELS: Record<Peer, string> = {
  stock: 'stock @apollo/gateway',
  hive: 'Hive Gateway',
  'hive-rust': 'Hive Gateway, Rust planner',
};

/** BENCH_PEERS=stock,hive,hive-rust (all by default; `none` for none). */
export function selectedPeers(env: NodeJS.ProcessEnv = process.env): Peer[] {
  const asked = (env.BENCH_PEERS ?? PEERS.join(',')).split(',').map((p) => p.trim()).filter((p) => p && p !== 'none');
  const unknown = asked.filter((p) => !(PEERS as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`BENCH_PEERS: no peer ${unknown.join(', ')} (known: ${PEERS.join(', ')}, none)`);
  return PEERS.filter((p) => asked.includes(p));
}

/** The peers' packages, installed from their lock when missing (about a minute, 160 MB, once). */
export function ensurePeersInstalled(): void {
  if (fs.existsSync(path.join(PEERS_DIR, 'node_modules', '.package-lock.json'))) return;
  console.log('Installing the peer gateways (test/bench/peers, npm ci, once)…');
  execFileSync('npm', ['ci', '--prefix', PEERS_DIR, '--no-audit', '--no-fund'], { stdio: 'inherit' });
}

/** A peer on a free port with the graph's environment; resolves once it answers a query. */
export async function startPeer(peer: Peer, env: NodeJS.ProcessEnv, token: string): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PEERS_DIR, 'serve.ts'), peer], { cwd: PEERS_DIR, env: { ...env, PORT: String(port) }, stdio: 'inherit' });
  const url = `http://127.0.0.1:${port}`;
  const answers = () => fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ __typename }' }) })
    .then((r) => r.ok, () => false);
  for (let i = 0; !(await answers()); i++) {
    if (child.exitCode !== null || i > 600) throw new Error(`peer ${peer} did not start (exit ${child.exitCode})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, process: child };
}

interface Answer {
  data?: unknown;
  errors?: { path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/**
 * Whether an error's path names a field the answer holds (null included): one the operation
 * selected. The stock gateway also hands on subgraphs' errors at fields only its plan fetched
 * (a sector a signal requires, refused FORBIDDEN for want of consent), which ours places or drops
 * (selected-errors.ts); those are counted and shown, not compared.
 */
function inAnswer(data: unknown, errorPath: readonly (string | number)[] | undefined): boolean {
  if (!errorPath || errorPath.length === 0) return true;
  let at = data;
  for (const key of errorPath) {
    if (at === null || typeof at !== 'object' || !(String(key) in at)) return false;
    at = (at as Record<string, unknown>)[String(key)];
  }
  return true;
}

/** An answer's errors as two gateways must agree on them: each one's code and path (not its message), at the fields the operation selected. */
const errorKeys = (answer: Answer, selected: boolean) => (answer.errors ?? []).filter((e) => inAnswer(answer.data, e.path) === selected)
  .map((e) => `${String(e.extensions?.code)} at ${(e.path ?? []).join('.') || '(no path)'}`).sort();

/** The errors outside the selection by code, and the subgraph's reason where it gives one (BASIS_MISSING): codes, never messages. */
const outsideCodes = (answer: Answer) => (answer.errors ?? []).filter((e) => !inAnswer(answer.data, e.path))
  .map((e) => [e.extensions?.code, e.extensions?.reason].filter((x) => typeof x === 'string').join('/'));

/** Values that identify and say nothing else, shown in a difference; any other value is described by its kind only. */
const SHOWN = /^(id|personnummer|code|agency|__typename)$|Id$/;
const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? `list of ${v.length}` : v === undefined ? 'missing' : typeof v);

/** Where two JSON values differ, by path: personal values are not printed, only their kind. */
export function differences(ours: unknown, theirs: unknown, at = ''): string[] {
  if (ours !== null && theirs !== null && typeof ours === 'object' && typeof theirs === 'object' && Array.isArray(ours) === Array.isArray(theirs)) {
    const keys = Array.isArray(ours)
      ? [...Array(Math.max(ours.length, (theirs as unknown[]).length)).keys()].map(String)
      : [...new Set([...Object.keys(ours), ...Object.keys(theirs)])];
    return keys.flatMap((k) => differences((ours as Record<string, unknown>)[k], (theirs as Record<string, unknown>)[k], at ? `${at}.${k}` : k));
  }
  if (ours === theirs) return [];
  const key = at.split('.').at(-1) ?? '';
  const show = (v: unknown) => (SHOWN.test(key) && (typeof v === 'string' || typeof v === 'number') ? JSON.stringify(v) : kindOf(v));
  const same = kindOf(ours) === kindOf(theirs) && !SHOWN.test(key);
  return [`${at || '(answer)'}: ours ${same ? `${kindOf(ours)} (value differs)` : show(ours)}, theirs ${same ? kindOf(theirs) : show(theirs)}`];
}

export interface Probe {
  /** What is asked, for the report: ids only (`PersonOverview 19xxxxxx-xxxx`, `Caseload of coordinator-3`). */
  label: string;
  ask: (url: string) => Promise<Answer>;
}

export interface Agreement {
  /** Where the answers differ, by probe: empty when they agree. */
  differences: string[];
  /** Errors a gateway's answers carried at fields the operations did not select, by code, for the report. */
  outside: { ours: string[]; theirs: string[] };
}

const SLOW = /^(SUBGRAPH_TIMEOUT|SUBGRAPH_UNAVAILABLE|DOWNSTREAM_SERVICE_ERROR)/;

/**
 * Our gateway's answers and a peer's to the same probes, one request at a time. A probe whose
 * answers differ is asked again, twice, when either carries a timeout or an unavailable subgraph:
 * on a busy machine a first answer may be late, which says nothing about the gateways.
 */
export async function sameAnswers(ours: string, theirs: string, probes: Probe[]): Promise<Agreement> {
  const agreement: Agreement = { differences: [], outside: { ours: [], theirs: [] } };
  for (const probe of probes) {
    let found: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const a = await probe.ask(ours);
      const b = await probe.ask(theirs);
      const data = differences(a.data, b.data).map((d) => `data.${d}`);
      const [ea, eb] = [errorKeys(a, true), errorKeys(b, true)];
      const errors = [...ea.filter((e) => !eb.includes(e)).map((e) => `error only in ours: ${e}`), ...eb.filter((e) => !ea.includes(e)).map((e) => `error only in theirs: ${e}`)];
      found = [...errors, ...data];
      if (found.length === 0 || !found.some((f) => SLOW.test(f.replace(/^error only in \w+: /, '')))) {
        agreement.outside.ours.push(...outsideCodes(a));
        agreement.outside.theirs.push(...outsideCodes(b));
        break;
      }
    }
    if (found.length > 0) agreement.differences.push(`${probe.label}:`, ...found.slice(0, 12).map((d) => `  ${d}`), ...(found.length > 12 ? [`  … ${found.length - 12} more`] : []));
  }
  return agreement;
}

/** Codes counted: `FORBIDDEN × 10, …`. */
export const tally = (codes: string[]) => [...codes.reduce((m, c) => m.set(c, (m.get(c) ?? 0) + 1), new Map<string, number>())].map(([c, n]) => `${c} × ${n}`).join(', ') || 'none';
