import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedOutput } from '@finsam/kit/command-output';
import { openExisting } from '@finsam/kit/database';
import type { AuditDb } from '@finsam/kit/audit';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { storeBackupCommand } from '@finsam/gateway/store-backup-cli';
import { startGraph, testPostgresDatabase, type TestGraph } from '../../support/graph.ts';
import { runTool } from '../../support/run-tool.ts';

/**
 * `npm run backup` and `npm run restore` (docs/backup.md) on one store of a running graph: care's
 * region store, where the reads of a person's care data are logged. On SQLite in the main run, on
 * PostgreSQL (pg_dump, pg_restore) in the PostgreSQL run.
 */
const root = path.join(import.meta.dirname, '../../..');
const PERSON_OVERVIEW = fs.readFileSync(path.join(root, 'schema/operations/PersonOverview.graphql'), 'utf8');
const STORE = 'care-14';

describe('backing up one store and restoring it', () => {
  let graph: TestGraph;
  let scratch: string;
  const dropped: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    graph = await startGraph({ persons: 300 });
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-backup-'));
  });
  afterAll(async () => {
    await graph?.close();
    for (const drop of dropped) await drop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  const command = async (...argv: string[]) => {
    const output = capturedOutput();
    const status = await storeBackupCommand(argv, { ...process.env, ...graph.storeEnv }, output);
    return { status, out: output.all() };
  };
  /** A place to restore into that is not the store's own: a new SQLite file, or a new empty database. */
  const freshPlace = async (name: string): Promise<string> => {
    if (graph.dialect === 'sqlite') return path.join(scratch, name, `${STORE}.sqlite`);
    const database = await testPostgresDatabase(`restore_${name}`);
    dropped.push(database!.drop);
    return database!.url;
  };
  const overviews = async (count: number) => {
    const coordinator = await graph.token('coordinator', 'coordinator-1');
    return Promise.all(Array.from({ length: count }, () => graph.query(coordinator, PERSON_OVERVIEW, { personnummer: FIXTURE_PERSONS.allConsent })));
  };
  const headAt = async (place: { file: string } | { databaseUrl: string }) => {
    const db = openExisting<AuditDb>(place);
    try {
      return Number((await db.selectFrom('audit_log').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirstOrThrow()).seq ?? 0);
    } finally {
      await db.destroy();
    }
  };
  const placeOf = (into: string) => (into.startsWith('postgres') ? { databaseUrl: into } : { file: into });
  const liveHead = async () => {
    const db = graph.store(STORE);
    try {
      return Number((await db.selectFrom('audit_log').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirstOrThrow()).seq ?? 0);
    } finally {
      await db.destroy();
    }
  };

  let quiet: string;
  let quietHead: number;

  it('a backup taken while requests are served is a consistent store: restored elsewhere, its chain verifies up to where it was taken', async () => {
    await overviews(3);
    const during = path.join(scratch, 'during.backup');
    // As an operator runs it: the bin, as a process, while the graph answers a burst of requests.
    const [backup] = await Promise.all([runTool('gateway/src/store-backup-cli.ts', ['backup', STORE, '--to', during], graph.storeEnv), overviews(12)]);
    expect(backup.code, backup.stdout + backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(new RegExp(`^${STORE}: backed up from .* to ${during.replace(/[.]/g, '\\.')}`, 'm'));
    expect(fs.statSync(during).mode & 0o777).toBe(0o600);
    const into = await freshPlace('during');
    const restored = await command('restore', STORE, '--from', during, '--into', into);
    // Requests that ended after the backup's moment left records it lacks; none is broken or changed.
    expect(restored.out).toMatch(new RegExp(`^${STORE}: restored from `, 'm'));
    expect(restored.out).not.toMatch(/another hash|does not match|does not point|sequence jumps|does not verify/);
    expect(await headAt(placeOf(into))).toBeGreaterThan(0);
  }, 120_000);

  it('a backup restored into a fresh place verifies against the other stores\' anchors, when nothing was written since', async () => {
    quiet = path.join(scratch, 'quiet.backup');
    quietHead = await liveHead();
    const backup = await command('backup', STORE, '--to', quiet);
    expect(backup.status, backup.out).toBe(0);
    const into = await freshPlace('quiet');
    const restored = await command('restore', STORE, '--from', quiet, '--into', into);
    expect(restored.status, restored.out).toBe(0);
    // Anchored by the gateway's records of the requests (their chain heads), though no checkpoint was taken since.
    expect(restored.out).toMatch(new RegExp(`^${STORE}: ${quietHead} records, chain intact, anchored up to record ${quietHead} by gateway`, 'm'));
    expect(await headAt(placeOf(into))).toBe(quietHead);
  });

  it('a backup older than what the other stores witnessed is restored and reported as the records it lacks, exit 1', async () => {
    await overviews(3);
    const now = await liveHead();
    expect(now).toBeGreaterThan(quietHead);
    const into = await freshPlace('older');
    const restored = await command('restore', STORE, '--from', quiet, '--into', into);
    expect(restored.status, restored.out).toBe(1);
    expect(restored.out).toMatch(new RegExp(`^${STORE}: RECORDS MISSING: .*records ${quietHead + 1} to ${now} \\(${now - quietHead}\\) are not in it and are lost`, 'm'));
    expect(restored.out).toMatch(new RegExp(`^${STORE}: BROKEN at record ${quietHead + 1}: .*its tail was removed`, 'm'));
  });

  it('is refused over the running store, which is left as it was', async () => {
    const before = await liveHead();
    const plain = await command('restore', STORE, '--from', quiet);
    expect(plain.status, plain.out).toBe(2);
    const replacing = await command('restore', STORE, '--from', quiet, '--replace');
    expect(replacing.status, replacing.out).toBe(2);
    expect(replacing.out).toMatch(graph.dialect === 'sqlite' ? /open in a running process.*: stop the process that serves this store first/ : /other session\(s\) are connected to that database: stop the process/);
    expect(await liveHead()).toBe(before);
    expect((await graph.verifyAudit()).status).toBe(0);
  });

  it('a damaged backup restores nothing: the store in place stays whole', async () => {
    const into = await freshPlace('damaged');
    // Restored (older than what was witnessed since: exit 1, as above).
    expect((await command('restore', STORE, '--from', quiet, '--into', into)).status).toBe(1);
    const damaged = path.join(scratch, 'damaged.backup');
    const whole = fs.readFileSync(quiet);
    fs.writeFileSync(damaged, whole.subarray(0, Math.floor(whole.length * 0.6)), { mode: 0o600 });
    const restored = await command('restore', STORE, '--from', damaged, '--into', into, '--replace');
    expect(restored.status, restored.out).toBe(2);
    expect(restored.out).toMatch(/nothing was restored/);
    expect(await headAt(placeOf(into))).toBe(quietHead);
    // Restored over it whole, it is replaced.
    expect((await command('restore', STORE, '--from', quiet, '--into', into, '--replace')).status).toBe(1);
    expect(await headAt(placeOf(into))).toBe(quietHead);
  });

  it('refuses what it cannot do, in one line, with no stack', async () => {
    expect((await command('backup', STORE, '--to', quiet)).out).toMatch(/exists; a backup is not written over another file/);
    expect((await command('backup', 'nowhere', '--to', path.join(scratch, 'x'))).status).toBe(2);
    expect((await command('restore', STORE)).status).toBe(2);
    const notABackup = path.join(scratch, 'not-a-backup');
    fs.writeFileSync(notABackup, 'hello');
    const refused = await command('restore', STORE, '--from', notABackup, '--into', await freshPlace('nothing'));
    expect(refused.status).toBe(2);
    expect(refused.out).toMatch(/is not a backup of a store/);
    expect(refused.out).not.toMatch(/\n\s+at /);
  });
});
