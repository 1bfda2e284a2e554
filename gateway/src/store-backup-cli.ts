/**
 * `npm run backup -- <store> --to FILE` and `npm run restore -- <store> --from FILE [--into FILE|URL] [--replace]`
 * (docs/backup.md): one store of the graph backed up while the graph runs, and restored all or
 * nothing, never over a store in use; the restored chain is then held to what the other stores
 * witnessed of it (audit-verify.ts), so that a backup older than the newest witnessed record is
 * reported as the records it lacks. Exits 0 when done (a restore: and its chain verifies), 1 when
 * a restore is done but its chain does not verify (records lost), 2 on a usage error or a refusal
 * (nothing changed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyChain, type AuditDb, type ChainCheck } from '@finsam/kit/audit';
import { consoleOutput, type CommandOutput } from '@finsam/kit/command-output';
import { openExisting } from '@finsam/kit/database';
import { BackupError, backupStore, restoreStore, type StoreLocation } from '@finsam/kit/store-backup';
import { isStoreName, storeLocation, verifyAuditChains } from './audit-verify.ts';

const USAGE = 'Usage: npm run backup -- <store> --to FILE\n' +
  '       npm run restore -- <store> --from FILE [--into FILE|postgres://…] [--replace]\n' +
  '  <store>: gateway, a subgraph (care), or a controller\'s store behind one (care-14, social-services-1480)';

/** Where a location is, for a line of output: a database URL without its password. */
function shown(location: StoreLocation): string {
  if ('file' in location) return location.file;
  const url = new URL(location.databaseUrl);
  url.password = '';
  return url.toString();
}

function parse(argv: string[]): { command: 'backup' | 'restore'; store: string; flags: Map<string, string | true> } | null {
  const [command, store, ...rest] = argv;
  if ((command !== 'backup' && command !== 'restore') || !store || store.startsWith('--')) return null;
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!;
    if (flag === '--replace') flags.set(flag, true);
    else if (['--to', '--from', '--into'].includes(flag) && rest[i + 1] !== undefined && !flags.has(flag)) flags.set(flag, rest[++i]!);
    else return null;
  }
  const allowed = command === 'backup' ? ['--to'] : ['--from', '--into', '--replace'];
  if ([...flags.keys()].some((flag) => !allowed.includes(flag))) return null;
  if (command === 'backup' && typeof flags.get('--to') !== 'string') return null;
  if (command === 'restore' && typeof flags.get('--from') !== 'string') return null;
  return { command, store, flags };
}

export async function storeBackupCommand(argv: string[], env: NodeJS.ProcessEnv = process.env, print: CommandOutput = consoleOutput): Promise<number> {
  const parsed = parse(argv);
  if (!parsed) {
    print.err(`Unknown command "${argv.join(' ')}".\n${USAGE}`);
    return 2;
  }
  const { command, store, flags } = parsed;
  if (!isStoreName(store)) {
    print.err(`"${store}" is not a store of the graph.\n${USAGE}`);
    return 2;
  }
  try {
    return command === 'backup'
      ? await backup(store, path.resolve(flags.get('--to') as string), env, print)
      : await restore(store, path.resolve(flags.get('--from') as string), flags, env, print);
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    print.err(`${store}: ${error.message}`);
    return 2;
  }
}

async function backup(store: string, to: string, env: NodeJS.ProcessEnv, print: CommandOutput): Promise<number> {
  const location = storeLocation(store, env);
  const kind = await backupStore(location, to, env);
  if (kind === 'postgres') {
    print.out(`${store}: backed up from ${shown(location)} to ${to} (pg_dump, custom format)`);
    return 0;
  }
  // The copy's own chain, checked now: a backup that does not verify is said at once, not at the restore.
  const check = await withStore({ file: to }, (db) => verifyChain(db));
  if (!check.ok) {
    print.err(`${store}: backed up to ${to}, but its chain does not verify: BROKEN at record ${check.brokenAt}: ${check.problem}`);
    return 1;
  }
  print.out(`${store}: backed up from ${shown(location)} to ${to} (SQLite online backup): ${check.records} records, chain intact`);
  return 0;
}

async function restore(store: string, from: string, flags: Map<string, string | true>, env: NodeJS.ProcessEnv, print: CommandOutput): Promise<number> {
  if (!fs.existsSync(from)) throw new BackupError(`there is no backup at ${from}`);
  const into = flags.get('--into');
  const location: StoreLocation = typeof into === 'string'
    ? (/^postgres(ql)?:\/\//.test(into) ? { databaseUrl: into } : { file: path.resolve(into) })
    : storeLocation(store, env);
  await restoreStore(from, location, { replace: flags.get('--replace') === true }, env);
  print.out(`${store}: restored from ${from} into ${shown(location)}`);

  // Held to what the other stores witnessed of it: their checkpoints and the gateway's records of requests.
  let result: { check: ChainCheck } | null = null;
  await verifyAuditChains(env, print, { locations: { [store]: location }, only: [store], report: (_store, check) => { result = { check }; } });
  const check = (result as { check: ChainCheck } | null)?.check;
  if (!check) {
    print.err(`${store}: the restored store could not be read back`);
    return 1;
  }
  if (check.ok) return 0;
  if (check.missing) {
    const { from: first, to: last, witness } = check.missing;
    print.err(`${store}: RECORDS MISSING: the backup is older than what was witnessed of this store: records ${first} to ${last} (${last - first + 1}) are not in it and are lost; ${witness} saw record ${last}. The store is restored as the backup holds it; every \`npm run audit -- verify\` will name this loss (docs/backup.md).`);
  } else {
    print.err(`${store}: the restored chain does not verify (above): the backup is not the store that was witnessed, or was changed.`);
  }
  return 1;
}

async function withStore<T>(location: StoreLocation, use: (db: ReturnType<typeof openExisting<AuditDb>>) => Promise<T>): Promise<T> {
  const db = openExisting<AuditDb>(location);
  try {
    return await use(db);
  } finally {
    await db.destroy();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  storeBackupCommand(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
    consoleOutput.err(`npm run ${process.argv[2] ?? 'backup'}: ${(error as Error).message}`);
    process.exitCode = 2;
  });
}
