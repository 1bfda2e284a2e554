/**
 * `npm run statistics-release [-- --today YYYY-MM-DD] [--settle-days N] [--follow-up-only]`:
 * releases every settled month (and year) not released yet from coordination's store (DATA_DIR's
 * coordination.sqlite, or COORDINATION_DATABASE_URL / DATABASE_URL as coordination itself
 * resolves them), then hands each released period's cohort to the four agencies for their own
 * releases and releases the signal counts from their answers (cohort-release-job.ts; the agencies
 * at <NAME>_URL), and prints the privacy ledgers. Idempotent, so it is scheduled daily
 * (docs/statistics-release.md). Runs in its own process; nothing on a request path calls it.
 * Exit 0 when done, 1 on a failure (an agency that did not answer: run again), 2 on a usage error.
 */
import type { Kysely } from 'kysely';
import { AuditLog, type AuditDb } from '@finsam/kit/audit';
import { dataDir } from '@finsam/kit/config';
import { consoleOutput, type CommandOutput } from '@finsam/kit/command-output';
import { databaseUrlFor, openDatabase } from '@finsam/kit/database';
import { todayIso } from '@finsam/kit/dates';
import { createLogger } from '@finsam/kit/logger';
import { subgraphKitMigrations } from '@finsam/kit/subgraph';
import type { RandomSource } from '@finsam/kit/statistics-release';
import { rhoSpentByYear, type CoordinationDb } from './data.ts';
import { migrations } from './migrations.ts';
import { SETTLE_DAYS, runStatisticsReleaseJob } from './statistics-release-job.ts';
import { runCohortReleases } from './cohort-release-job.ts';
import { runObstacleReleases } from './obstacle-release.ts';
import { releasedPeriods } from './data.ts';
import { agencyRecipientKeys, loadOrCreateCoordinationKey } from '@finsam/kit/release-basis';
import { cryptoRandom, RHO_PER_YEAR_OF_SCHEDULE, rhoOfPeriod } from '@finsam/kit/statistics-release';

/**
 * The cohorts of every period coordination has released whose signal counts are not stored yet,
 * with coordination's key (DATA_DIR) and the agencies' published keys (<NAME>_JWKS_URL, else their
 * key set files in DATA_DIR), as coordination's own process finds them.
 */
async function releaseCohortsOf(db: Kysely<CoordinationDb>, today: string, env: NodeJS.ProcessEnv, audit: AuditLog, random?: RandomSource) {
  const directory = dataDir(env);
  const signingKey = await loadOrCreateCoordinationKey(directory);
  const recipientKey = agencyRecipientKeys(env, directory);
  const done = new Set(await releasedPeriods(db, 'signal_release'));
  // Months first, then years, as the follow-up is released.
  const periods = (await releasedPeriods(db)).filter((p) => !done.has(p)).sort((a, b) => a.length - b.length || a.localeCompare(b));
  return runCohortReleases(db, periods, {
    today, random: random ?? cryptoRandom, now: () => new Date().toISOString(), audit, signingKey, recipientKey, env,
    rhoOf: rhoOfPeriod, rhoPerYear: RHO_PER_YEAR_OF_SCHEDULE,
  });
}

const USAGE = 'Usage: npm run statistics-release [-- --today YYYY-MM-DD] [--settle-days N] [--follow-up-only]';

function parseArgs(argv: readonly string[]): { today?: string; settleDays?: number; followUpOnly?: boolean } | string {
  const parsed: { today?: string; settleDays?: number; followUpOnly?: boolean } = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--follow-up-only') {
      parsed.followUpOnly = true;
      i--;
    } else if (flag === '--today' && value && /^\d{4}-\d{2}-\d{2}$/.test(value)) parsed.today = value;
    else if (flag === '--settle-days' && value && /^\d+$/.test(value)) parsed.settleDays = Number(value);
    else return `${flag ?? ''}${value === undefined ? '' : ` ${value}`}: not understood.`;
  }
  return parsed;
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));

export async function statisticsReleaseCommand(
  argv: readonly string[], env: NodeJS.ProcessEnv = process.env, print: CommandOutput = consoleOutput, random?: RandomSource,
): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    print.err(`${args} ${USAGE}`);
    return 2;
  }
  // A stored month is never drawn again: a month released before it has ended (or settled) would
  // stay released without the participations still to come. Earlier dates are for reruns and tests.
  if (args.today && args.today > todayIso()) {
    print.err(`--today ${args.today} is after today (${todayIso()}): months are released only once they have ended. ${USAGE}`);
    return 2;
  }
  // The store's own log lines (migrations) go to stderr, so stdout is the command's report.
  const logger = createLogger('statistics-release', { level: env.LOG_LEVEL ?? 'warn', destination: { write: (line) => print.err(line.trimEnd()) } });
  const store = await openDatabase<CoordinationDb>({
    store: 'coordination', dataDir: dataDir(env), databaseUrl: databaseUrlFor('coordination', env),
    kitMigrations: subgraphKitMigrations, migrations, onStatement: () => undefined, logger,
  });
  try {
    const today = args.today ?? todayIso();
    const audit = new AuditLog(store.auditDb as unknown as Kysely<AuditDb>, store.dialect, store.auditWriter);
    const result = await runStatisticsReleaseJob(store.db, { today, settleDays: args.settleDays, random, audit });
    const settle = args.settleDays ?? SETTLE_DAYS;
    if (result.released.length === 0 && result.alreadyReleased.length === 0) print.out(`No month to release: none has ended ${settle} days before ${today}, or the register holds no participation.`);
    if (result.alreadyReleased.length > 0) {
      const [first, last] = [result.alreadyReleased[0], result.alreadyReleased.at(-1)];
      print.out(`${first === last ? first : `${first} … ${last}`}: already released (${result.alreadyReleased.length} ${result.alreadyReleased.length === 1 ? 'period' : 'periods'}: months, then years), left as stored: a period is never drawn twice.`);
    }
    for (const r of result.released) {
      print.out(`${r.period}: released, ρ ${round(r.rho, 4)} (ε ${round(r.epsilon)} at δ 1e-10), ${r.tables} tables, ${r.cells} cells, ${r.ms} ms.`);
    }
    for (const year of await rhoSpentByYear(store.db)) {
      print.out(`ledger ${year.year}: ${year.releases} ${year.releases === 1 ? 'release' : 'releases'}, ρ ${round(year.rho, 4)} spent.`);
    }
    print.out(`${result.released.length} released, ${result.alreadyReleased.length} already released (${store.dialect}, ${today}, settled after ${settle} days).`);
    // Coordination's own records: no agency is asked, so they go with the follow-up whatever the flags.
    const obstacles = await runObstacleReleases(store.db, { audit, random });
    for (const r of obstacles.released) print.out(`${r.period}: obstacle counts released over ${r.persons} persons, ρ ${round(r.rho, 4)}.`);
    for (const year of await rhoSpentByYear(store.db, 'obstacle_release')) {
      print.out(`obstacle ledger ${year.year}: ${year.releases} ${year.releases === 1 ? 'release' : 'releases'}, ρ ${round(year.rho, 4)} spent.`);
    }
    if (args.followUpOnly) return 0;

    const cohorts = await releaseCohortsOf(store.db, today, env, audit, random);
    for (const r of cohorts.released) {
      const counted = Object.entries(r.agencies).map(([agency, a]) => `${agency} ${a.counted}${a.alreadyReleased ? ' (stored before)' : ''}`).join(', ');
      print.out(`${r.period}: signal counts released over ${r.members} members, ρ ${round(r.rho, 4)}, ${r.cells} cells, ${r.ms} ms; counted by ${counted}.`);
    }
    for (const year of await rhoSpentByYear(store.db, 'signal_release')) {
      print.out(`signal ledger ${year.year}: ${year.releases} ${year.releases === 1 ? 'release' : 'releases'}, ρ ${round(year.rho, 4)} spent.`);
    }
    for (const f of cohorts.failed) print.err(`${f.period}: ${f.agency} did not release (${f.message}); its cohort is left for the next run.`);
    print.out(`${cohorts.released.length} cohort ${cohorts.released.length === 1 ? 'period' : 'periods'} released, ${new Set(cohorts.failed.map((f) => f.period)).size} left for the next run.`);
    return cohorts.failed.length === 0 ? 0 : 1;
  } catch (error) {
    print.err(`statistics release failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await store.close();
  }
}
