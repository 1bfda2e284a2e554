/**
 * What the bench modes read around a turn of load, from outside the processes: each process's CPU
 * time (/proc), each store's size and audit records (its SQLite file, opened read-only beside the
 * process that writes it), and the counters a process publishes at `/metrics`.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';

/**
 * CPU seconds (user + system) a process has used so far, from /proc (NaN where there is none);
 * with `children`, also those of its children that have ended and been waited for.
 */
export function cpuSeconds(pid: number, children = false): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12]) + (children ? Number(fields[13]) + Number(fields[14]) : 0)) / 100;
  } catch {
    return NaN;
  }
}

/** Resident set size of a process in MB, as the kernel counts it: now (VmRSS) and its peak (VmHWM). */
export function residentMb(pid: number): { now: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** CPU seconds the whole machine has spent busy so far (every process, from /proc/stat). */
export function machineCpuSeconds(): number {
  const [user, nice, system, , , irq, softirq, steal] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / 100;
}

/**
 * CPU seconds per second that processes other than `pids` and this one (with its ended children,
 * such as the release job) spent since the call: whatever else shares the cores (another test
 * run), to tell a quiet measurement from a disturbed one.
 */
export function othersMeter(pids: readonly number[]): () => number {
  const mine = () => pids.reduce((sum, pid) => sum + (cpuSeconds(pid) || 0), cpuSeconds(process.pid, true));
  const [machine, own, at] = [machineCpuSeconds(), mine(), performance.now()];
  return () => (machineCpuSeconds() - machine - (mine() - own)) / ((performance.now() - at) / 1000);
}

export interface StoreFigures {
  /** The SQLite file and its WAL on disk. */
  bytes: number;
  /** The database as its connections see it (page count × page size, the WAL's pages included): what it is once checkpointed. */
  databaseBytes: number;
  auditRows: number;
  /** The pages of the audit log's table and its index. */
  auditBytes: number;
  /** Other stores' chain heads kept here (`audit_checkpoint`, docs/audit-anchoring.md), and the bytes they fill (table and index). */
  checkpointRows: number;
  checkpointBytes: number;
  /** The pages of every other table and index: the register (coordination's persons, participations and consents; an agency's records). */
  registerBytes: number;
}

/** Every store in a data folder: its `<store>.sqlite` files (`gateway`, `coordination`, `social-services-1480`, …). */
export function storesIn(dataDir: string): string[] {
  return fs.readdirSync(dataDir).filter((f) => f.endsWith('.sqlite')).map((f) => f.slice(0, -'.sqlite'.length)).sort();
}

/** Each store's size on disk and as a database, and its audit log's records and pages. */
export function storeFigures(dataDir: string, stores: readonly string[] = storesIn(dataDir)): Record<string, StoreFigures> {
  return Object.fromEntries(stores.map((store) => {
    const file = path.join(dataDir, `${store}.sqlite`);
    const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
    const figures: StoreFigures = { bytes: size(file) + size(`${file}-wal`), databaseBytes: NaN, auditRows: NaN, auditBytes: NaN, checkpointRows: NaN, checkpointBytes: NaN, registerBytes: NaN };
    try {
      const db = new SQLite(file, { readonly: true, fileMustExist: true });
      try {
        figures.databaseBytes = (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
        figures.auditRows = (db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n;
        const pages = (names: string, used = false) => (db.prepare(`SELECT COALESCE(SUM(pgsize${used ? ' - unused' : ''}), 0) AS bytes FROM dbstat WHERE aggregate = TRUE AND name IN (${names})`).get() as { bytes: number }).bytes;
        figures.auditBytes = pages("'audit_log', 'audit_log_personnummer'");
        figures.checkpointRows = (db.prepare('SELECT COUNT(*) AS n FROM audit_checkpoint').get() as { n: number }).n;
        // Few rows: the bytes they fill, not their pages.
        figures.checkpointBytes = pages("'audit_checkpoint', 'audit_checkpoint_store'", true);
        figures.registerBytes = (db.prepare(`SELECT COALESCE(SUM(pgsize), 0) AS bytes FROM dbstat WHERE aggregate = TRUE AND name NOT LIKE '%release%'
          AND name NOT IN ('audit_log', 'audit_log_personnummer', 'audit_checkpoint', 'audit_checkpoint_store')`).get() as { bytes: number }).bytes;
      } finally {
        db.close();
      }
    } catch {
      // A store without an audit log (or no file yet) keeps NaN.
    }
    return [store, figures];
  }));
}

/**
 * The statistics releases each store holds: the pages of its release tables (coordination's
 * `statistics_release` and `signal_release`, an agency's `agency_statistics_release`, and every
 * store's `released_member_set`, with their indexes), and the periods coordination has released.
 */
export function releaseFigures(dataDir: string, stores: readonly string[] = storesIn(dataDir)): { periods: number; bytes: Record<string, number> } {
  let periods = 0;
  const bytes = Object.fromEntries(stores.map((store) => {
    try {
      const db = new SQLite(path.join(dataDir, `${store}.sqlite`), { readonly: true, fileMustExist: true });
      try {
        if (store === 'coordination') periods = (db.prepare('SELECT COUNT(*) AS n FROM statistics_release').get() as { n: number }).n;
        return [store, (db.prepare("SELECT COALESCE(SUM(pgsize), 0) AS bytes FROM dbstat WHERE aggregate = TRUE AND name LIKE '%release%'").get() as { bytes: number }).bytes];
      } finally {
        db.close();
      }
    } catch {
      return [store, NaN];
    }
  }));
  return { periods, bytes };
}

/** A process's `/metrics` (with METRICS_TOKEN), each sample by its name and labels as printed: `http_requests_total{route="/graphql",…}`. */
export async function scrapeMetrics(baseUrl: string, token: string): Promise<Map<string, number>> {
  const response = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`${baseUrl}/metrics: HTTP ${response.status}`);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

/** The sum of a metric's samples whose labels include every `label="value"` given. */
export function metricSum(samples: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const [key, value] of samples) {
    if (key !== name && !key.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([label, wanted]) => key.includes(`${label}="${wanted}"`))) sum += value;
  }
  return sum;
}
