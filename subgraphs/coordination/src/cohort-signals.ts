import type { CategoryCount } from '../../shared/src/cohort.ts';
import type { IsoDate } from '../../shared/src/dates.ts';
import { DEFAULT_THRESHOLD, protectTablesSharingRows, type ProtectedCount } from '../../shared/src/disclosure.ts';
import type { FollowUpRow } from './data.ts';
import { computeSignals, SIGNAL_RULES, type SectorFacts, type SignalCode } from './signals.ts';

/** What each agency released for the cohort through the query plan: JSON, its facts by personnummer. */
export interface ReleasedSectors {
  sicknessInsuranceSignalFacts?: string;
  employmentSignalFacts?: string;
  socialServicesSignalFacts?: string;
  careSignalFacts?: string;
}

export interface CohortSignalFigures {
  byCode: { code: SignalCode; count: ProtectedCount }[];
  byMunicipality: { code: SignalCode; counts: CategoryCount[] }[];
  byIntervention: { code: SignalCode; counts: CategoryCount[] }[];
}

const SIGNAL_CODES = Object.keys(SIGNAL_RULES) as SignalCode[];

function byMember<T>(json: string | undefined): Map<string, T> {
  return new Map(Object.entries(json ? (JSON.parse(json) as Record<string, T>) : {}));
}

/**
 * Runs the person-level signal rules over every member, on what the agencies released, and
 * publishes only protected counts. A sector an agency did not release for a member is unknown
 * to the rules (null), as on the person view, so a missing consent never raises a signal.
 */
export function cohortSignalFigures(members: readonly FollowUpRow[], released: ReleasedSectors, today: IsoDate, threshold = DEFAULT_THRESHOLD): CohortSignalFigures {
  const sectors = {
    sicknessInsurance: byMember<SectorFacts['sicknessInsurance']>(released.sicknessInsuranceSignalFacts),
    employment: byMember<SectorFacts['employment']>(released.employmentSignalFacts),
    socialServices: byMember<SectorFacts['socialServices']>(released.socialServicesSignalFacts),
    care: byMember<SectorFacts['care']>(released.careSignalFacts),
  };
  // One member may take part in several interventions in the period: one person, several rows.
  const persons = new Map<string, { municipality: string; interventions: Set<string> }>();
  for (const row of members) {
    const person = persons.get(row.personnummer) ?? { municipality: row.municipality_code, interventions: new Set<string>() };
    person.interventions.add(row.intervention_id);
    persons.set(row.personnummer, person);
  }
  const municipalities = [...new Set([...persons.values()].map((p) => p.municipality))].sort();
  const interventions = [...new Set([...persons.values()].flatMap((p) => [...p.interventions]))].sort();
  const byMunicipality = SIGNAL_CODES.map(() => municipalities.map(() => 0));
  const byIntervention = SIGNAL_CODES.map(() => interventions.map(() => 0));

  for (const [personnummer, person] of persons) {
    const facts: SectorFacts = {
      sicknessInsurance: sectors.sicknessInsurance.get(personnummer) ?? null,
      employment: sectors.employment.get(personnummer) ?? null,
      socialServices: sectors.socialServices.get(personnummer) ?? null,
      care: sectors.care.get(personnummer) ?? null,
    };
    for (const signal of computeSignals(facts, today)) {
      const row = SIGNAL_CODES.indexOf(signal.code);
      byMunicipality[row]![municipalities.indexOf(person.municipality)]! += 1;
      for (const intervention of person.interventions) byIntervention[row]![interventions.indexOf(intervention)]! += 1;
    }
  }

  const [municipalityTable, interventionTable] = protectTablesSharingRows([byMunicipality, byIntervention], threshold);
  const breakdown = (table: typeof municipalityTable, categories: string[]) => SIGNAL_CODES.map((code, r) => ({
    code, counts: categories.map((category, c) => ({ category, count: table!.cells[r]![c]! })),
  }));
  return {
    byCode: SIGNAL_CODES.map((code, r) => ({ code, count: municipalityTable!.rowTotals[r]! })),
    byMunicipality: breakdown(municipalityTable, municipalities),
    byIntervention: breakdown(interventionTable, interventions),
  };
}
