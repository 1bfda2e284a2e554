import { AGENCY_TABLE, type Agency } from '@finsam/kit/agencies';
import { requestAgencyRelease } from '@finsam/kit/agency-statistics-release';
import { envPrefix } from '@finsam/kit/config';
import { todayIso } from '@finsam/kit/dates';
import { loadOrCreateCoordinationKey, signStatisticsBasis } from '@finsam/kit/release-basis';
import { recipientKeys } from '@finsam/kit/signing-key';
import { RELEASE_PRIORITY_GROUPS, periodBounds, type ReleaseMemberList } from '@finsam/kit/statistics-release';
import { consentsInForce, participationsForRelease, releaseDomains, releasedPeriods, type Db } from '@finsam/coordination/data';
import { ageBand } from '@finsam/coordination/follow-up';

/**
 * Coordination's release job's step to the agencies, standing in for the job in the end-to-end
 * tests until the job takes it (docs/statistics-release.md, "Left for coordination's job"): for
 * every period coordination has released, each agency's list of the period's cohort (the persons
 * registered in during it by their earliest registration, protected identities left out, whose
 * consent covers the agency today, each with the consent that runs longest and the release's
 * dimensions), signed and sealed as the job signs it (signStatisticsBasis) and POSTed to the
 * agency's STATISTICS_RELEASE_PATH at its GraphQL URL (requestAgencyRelease). An agency draws a
 * period once: a second run draws nothing. Returns the periods each agency released.
 */
export async function releaseToAgencies(
  db: Db, options: { dataDir: string; env: NodeJS.ProcessEnv; agencies: readonly Agency[]; graphqlUrl: (agency: Agency) => string },
): Promise<Record<string, string[]>> {
  const { dataDir, env } = options;
  const today = todayIso();
  const key = await loadOrCreateCoordinationKey(dataDir);
  const recipients = recipientKeys(env, dataDir);
  const { interventions, municipalities } = await releaseDomains(db);
  // Each agency's longest running consent in force today per person, as coordination hands over cohorts (cohort.ts handOverAll).
  const consents = new Map<string, Map<string, { validFrom: string; validTo: string }>>();
  for (const c of await consentsInForce(db, today)) {
    const [personnummer, validFrom, validTo] = c.record.split(' ') as [string, string, string];
    const byPerson = consents.get(c.agency) ?? consents.set(c.agency, new Map()).get(c.agency)!;
    if ((byPerson.get(personnummer)?.validTo ?? '') < validTo) byPerson.set(personnummer, { validFrom, validTo });
  }
  const groups = new Set<string>(RELEASE_PRIORITY_GROUPS);
  const released: Record<string, string[]> = {};
  for (const period of await releasedPeriods(db)) {
    const { from, to } = periodBounds(period);
    // Oldest registration first (then by id): the first row of a person is the earliest registration in the period.
    const earliest = new Map<string, Awaited<ReturnType<typeof participationsForRelease>>[number]>();
    for (const row of await participationsForRelease(db, from, to)) {
      if (row.registered_in >= from && row.registered_in <= to && !earliest.has(row.personnummer)) earliest.set(row.personnummer, row);
    }
    for (const agency of options.agencies) {
      const covering = consents.get(agency) ?? new Map();
      const list: ReleaseMemberList = {
        agency, period, from, to, asOf: today, domains: { intervention: interventions, municipality: municipalities },
        members: [...earliest.values()].filter((row) => covering.has(row.personnummer)).sort((a, b) => a.personnummer.localeCompare(b.personnummer)).map((row) => ({
          personnummer: row.personnummer, consentValidFrom: covering.get(row.personnummer)!.validFrom, consentValidTo: covering.get(row.personnummer)!.validTo,
          intervention: row.intervention_id, municipality: row.municipality_code, sex: row.sex, ageBand: ageBand(row.birth_date, row.registered_in),
          priorityGroups: (JSON.parse(row.priority_groups) as string[]).filter((g) => groups.has(g)),
        })),
      };
      const { subgraph } = AGENCY_TABLE[agency];
      const recipient = await recipients(subgraph, env[`${envPrefix(subgraph)}_JWKS_URL`]);
      const basis = await signStatisticsBasis(key, agency, period, JSON.stringify(list), recipient);
      const answer = await requestAgencyRelease(options.graphqlUrl(agency), { basis, period }, env);
      if (!answer.ok) throw new Error(`${agency} refused the release of ${period}: ${answer.refusal.code} ${answer.refusal.reason ?? ''} ${answer.refusal.message}`);
      (released[agency] ??= []).push(period);
    }
  }
  return released;
}
