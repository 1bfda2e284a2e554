import { addDays, addMonths, daysBetween, monthOf, type IsoDate } from '@finsam/kit/dates';
import { makePersonnummer } from '@finsam/kit/personnummer';
import { SeededRandom } from '@finsam/kit/random';
import {
  AF_OFFICES, CARE_UNITS, DIAGNOSES, FAMILY_NAMES, FK_OFFICES, FORBUND, GIVEN_NAMES_FEMALE, GIVEN_NAMES_MALE,
  HOUSEHOLD_TYPES, INTERVENTION_NAMES, PROGRAMMES, REASONS_FOR_NEED, SOCIAL_MEASURES, STREETS,
} from './catalogue.ts';
import { certificate, emptyPerson, participation } from './builders.ts';
import { buildFixturePersons, FIXTURE_PERSONS } from './fixtures.ts';
import { AGENCIES } from '@finsam/kit/agencies';
import {
  type ConsentProfile, type CoordinatorProfile, type InterventionProfile,
  type Forbund, type ParticipationProfile, type PersonProfile, type Population, type SicknessCaseProfile,
} from './types.ts';

export interface PopulationOptions {
  seed: number;
  persons: number;
  /** The day the population is seeded "as of": every date is relative to it. */
  referenceDate: IsoDate;
  /**
   * The förbund whose persons to make (FORBUND ids; SEED_FORBUND), each its own population of
   * `persons`, drawn from its own stream of the seed: a förbund's population is the same whether it
   * is made alone (its coordination) or beside others (a national agency answering several).
   * Default: the first, Göteborg's, the embedded default's förbund.
   */
  forbund?: readonly string[];
}

/** The förbund the embedded default seeds: three municipalities and one region. */
export const DEFAULT_SEED_FORBUND = 'forbund-goteborg';

/** Persons in `coordinator-1`'s caseload: the fixtures plus random persons up to this size. */
export const FIRST_CASELOAD_SIZE = 40;

/**
 * The whole synthetic population for a seed, size and reference date. Same arguments, same
 * population, on every machine and in every subgraph process.
 */
export function generatePopulation(options: PopulationOptions): Population {
  const ids = options.forbund ?? [DEFAULT_SEED_FORBUND];
  const parts = ids.map((id) => {
    const index = FORBUND.findIndex((f) => f.id === id);
    if (index < 0) throw new Error(`SEED_FORBUND: no förbund "${id}" in the synthetic catalogue (${FORBUND.map((f) => f.id).join(', ')})`);
    return generateForbund(options, FORBUND[index]!, index);
  });
  return {
    referenceDate: options.referenceDate, seed: options.seed,
    forbund: parts.map((p) => p.forbund), coordinators: parts.flatMap((p) => p.coordinators),
    interventions: parts.flatMap((p) => p.interventions), persons: parts.flatMap((p) => p.persons),
  };
}

/**
 * One förbund's population. The first förbund of the catalogue has the fixtures and names its
 * coordinators and interventions as before (`coordinator-1`, `insats-1`); another prefixes them
 * with its id, and draws birth numbers from its own range, so that förbund made apart never
 * share a personnummer.
 */
function generateForbund(options: PopulationOptions, forbund: Forbund, forbundIndex: number): Omit<Population, 'forbund'> & { forbund: Forbund } {
  const rng = new SeededRandom(options.seed + forbundIndex * 1_000_003);
  const today = options.referenceDate;
  const prefix = forbundIndex === 0 ? '' : `${forbund.id}-`;
  const fixtures = forbundIndex === 0 ? buildFixturePersons(today) : [];
  const total = Math.max(options.persons, fixtures.length);
  const caseloadSizes = planCaseloads(rng, total, fixtures.length);

  const coordinators: CoordinatorProfile[] = caseloadSizes.map((_, i) => ({
    id: `${prefix}coordinator-${i + 1}`,
    name: `${rng.pick([...GIVEN_NAMES_FEMALE, ...GIVEN_NAMES_MALE])} ${rng.pick(FAMILY_NAMES)}`,
    forbundId: forbund.id,
  }));
  const interventions = forbund.participationYears
    ? planHistoricInterventions(rng, total, today, forbund, prefix, forbund.participationYears)
    : planInterventions(rng, total, today, forbund, prefix);

  // The fixtures' numbers are kept out of every förbund's draw, those made without them too.
  const used = new Set<string>(Object.values(FIXTURE_PERSONS));
  const persons: PersonProfile[] = [];
  caseloadSizes.forEach((size, index) => {
    const coordinator = coordinators[index]!;
    const own = interventions.filter((i) => i.kind === 'INDIVIDUAL');
    const place = forbund.participationYears ? historicPlacement(own, today, forbund.participationYears) : undefined;
    const caseload = index === 0 ? fixtures.map((f) => ({ ...f, coordinatorId: coordinator.id })) : [];
    for (const fixture of caseload) fixture.participations = [participation(rng, today, rng.pick(own))];
    while (caseload.length < size) {
      caseload.push(randomPerson(rng, today, used, coordinator.id, forbund, forbundIndex, own, place));
    }
    persons.push(...caseload);
  });
  return { referenceDate: today, seed: options.seed, forbund, coordinators, interventions, persons };
}

/** Caseloads of 20–60 persons; the first holds the fixtures and is 40 when the population allows. */
function planCaseloads(rng: SeededRandom, total: number, fixtureCount: number): number[] {
  const first = Math.min(total, Math.max(FIRST_CASELOAD_SIZE, fixtureCount));
  const sizes = [first];
  let assigned = first;
  while (assigned < total) {
    const size = Math.min(rng.int(20, 60), total - assigned);
    sizes.push(size);
    assigned += size;
  }
  // A short last caseload is spread over the others while they have room under 60.
  const last = sizes.length - 1;
  if (last > 0 && sizes[last]! < 20) {
    let rest = sizes[last]!;
    for (let i = 1; i < last && rest > 0; i++) {
      const room = 60 - sizes[i]!;
      const moved = Math.min(room, rest);
      sizes[i]! += moved;
      rest -= moved;
    }
    if (rest === 0) sizes.pop();
    else sizes[last] = rest;
  }
  return sizes;
}

/** About 33 participants per intervention (SUS 2015: 33,500 in about 1,000); a fifth structural. */
function planInterventions(rng: SeededRandom, total: number, today: IsoDate, forbund: Forbund, prefix: string): InterventionProfile[] {
  const count = Math.max(2, Math.round(total / 33));
  const interventions: InterventionProfile[] = [];
  {
    for (let i = 0; i < count; i++) {
      const start = addDays(today, -rng.int(200, 1500));
      interventions.push({
        id: `${prefix}insats-${interventions.length + 1}`,
        name: `${rng.pick(INTERVENTION_NAMES)} (${forbund.municipalities[i % forbund.municipalities.length]!.name})`,
        // The first of each förbund is individual, so every förbund has somewhere to place people.
        kind: i > 0 && rng.chance(0.2) ? 'STRUCTURAL' : 'INDIVIDUAL',
        forbundId: forbund.id,
        startDate: start,
        endDate: rng.chance(0.15) ? addDays(start, rng.int(365, 1000)) : null,
      });
    }
  }
  return interventions;
}

/**
 * A förbund with `participationYears`: interventions that each run two to five years, started
 * over those years and the two before, so that about 33 participants a year share an intervention
 * running (as in the national figures: 32,715 participants in 1,105 interventions, 2018); the
 * first runs throughout. A fifth are structural.
 */
function planHistoricInterventions(rng: SeededRandom, total: number, today: IsoDate, forbund: Forbund, prefix: string, years: number): InterventionProfile[] {
  const running = total / years / 33;
  const meanYears = 3.5;
  const count = Math.max(2, Math.round((running * (years + 2)) / meanYears));
  const span = Math.round((years + 2) * 365.25);
  return Array.from({ length: count }, (_, i): InterventionProfile => {
    const start = i === 0 ? addDays(today, -span) : addDays(today, -rng.int(200, span));
    const end = addDays(start, rng.int(730, 1826));
    return {
      id: `${prefix}insats-${i + 1}`,
      name: `${rng.pick(INTERVENTION_NAMES)} (${forbund.municipalities[i % forbund.municipalities.length]!.name})`,
      kind: i > 0 && rng.chance(0.2) ? 'STRUCTURAL' : 'INDIVIDUAL',
      forbundId: forbund.id,
      startDate: start,
      endDate: i === 0 || end >= today ? null : end,
    };
  });
}

/**
 * Where a participation of a förbund with `participationYears` goes: registered in on a day of
 * those years (evenly spread), in an individual intervention running that month.
 */
function historicPlacement(interventions: InterventionProfile[], today: IsoDate, years: number): (rng: SeededRandom) => ParticipationProfile {
  const days = Math.round(years * 365.25);
  const runningIn = new Map<string, InterventionProfile[]>();
  const runningInMonth = (month: string) => runningIn.get(month) ?? runningIn.set(month, interventions.filter((i) =>
    monthOf(i.startDate) <= month && (i.endDate === null || monthOf(i.endDate) >= month))).get(month)!;
  return (rng) => {
    const registeredIn = addDays(today, -rng.int(10, days));
    const running = runningInMonth(monthOf(registeredIn));
    return participation(rng, today, rng.pick(running.length > 0 ? running : interventions), { registeredIn });
  };
}

/** Share of persons with social services' data from a municipality they have since moved from. */
const MOVED_SHARE = 0.08;

function randomPerson(
  rng: SeededRandom, today: IsoDate, used: Set<string>, coordinatorId: string, forbund: Forbund, forbundIndex: number,
  interventions: InterventionProfile[], historic?: (rng: SeededRandom) => ParticipationProfile,
): PersonProfile {
  const municipality = rng.pick(forbund.municipalities);
  const [minAge, maxAge] = rng.weighted([[[19, 29], 30], [[30, 44], 35], [[45, 64], 35]] as const);
  const age = rng.int(minAge, maxAge);
  const birthDate = addDays(today, -Math.floor(age * 365.25) - rng.int(1, 364));
  const sex = rng.chance(0.5) ? 'MALE' : 'FEMALE';
  const coordinationNumber = rng.chance(0.02);
  let personnummer: string;
  do {
    // Ninth digit: odd for men, even for women. Each förbund its own range of the first two digits.
    const birthNumber = (forbundIndex * 20 + rng.int(1, 19)) * 10 + rng.int(0, 4) * 2 + (sex === 'MALE' ? 1 : 0);
    personnummer = makePersonnummer(birthDate, birthNumber, coordinationNumber);
  } while (used.has(personnummer));
  used.add(personnummer);

  const person = emptyPerson({
    personnummer, sex, birthDate, municipality, coordinatorId,
    givenName: rng.pick(sex === 'MALE' ? GIVEN_NAMES_MALE : GIVEN_NAMES_FEMALE),
    familyName: rng.pick(FAMILY_NAMES),
    address: `${rng.pick(STREETS)} ${rng.int(1, 80)}, ${municipality.name}`,
    protectedIdentity: rng.weighted([['NONE', 985], ['SEKRETESSMARKERING', 10], ['SKYDDAD_FOLKBOKFORING', 5]] as const),
    today,
  });
  person.consents = [randomConsent(rng, today)];
  const drawParticipation = historic ?? ((r: SeededRandom) => participation(r, today, r.pick(interventions)));
  person.participations = [drawParticipation(rng)];
  if (rng.chance(0.15)) person.participations.push(drawParticipation(rng));

  addSicknessInsurance(rng, today, person, age);
  addEmployment(rng, today, person, age);
  addSocialServices(rng, today, person);
  if (person.assistanceMonths.length > 1 && forbund.municipalities.length > 1 && rng.chance(MOVED_SHARE)) movedFrom(rng, person, forbund);
  addCare(rng, today, person);
  person.priorityGroups = priorityGroups(person, age, rng);
  return person;
}

function randomConsent(rng: SeededRandom, today: IsoDate): ConsentProfile {
  const validFrom = addDays(today, -rng.int(10, 600));
  const consent: ConsentProfile = {
    agencies: [...AGENCIES],
    validFrom,
    validTo: addDays(validFrom, 730),
    revokedAt: null,
    formReference: `SAMTYCKE-${rng.int(100000, 999999)}`,
  };
  const variant = rng.weighted([['ALL', 80], ['LACKS_ONE', 12], ['REVOKED', 3], ['EXPIRED', 3], ['NONE', 2]] as const);
  if (variant === 'LACKS_ONE') consent.agencies = AGENCIES.filter((a) => a !== rng.pick(AGENCIES));
  if (variant === 'REVOKED') consent.revokedAt = `${addDays(today, -rng.int(1, 60))}T10:00:00.000Z`;
  if (variant === 'EXPIRED') {
    consent.validFrom = addDays(today, -900);
    consent.validTo = addDays(today, -rng.int(1, 100));
  }
  if (variant === 'NONE') consent.agencies = [];
  return consent;
}

function sicknessCase(rng: SeededRandom, fields: Partial<SicknessCaseProfile> & Pick<SicknessCaseProfile, 'benefit' | 'status' | 'startDate'>): SicknessCaseProfile {
  return {
    endDate: null, employed: true, degreeSteps: [], diagnosisCode: null, decisionDate: null, refusalReason: null,
    reconciliationMeetingDate: null, rehabilitationPlanDate: null, activityCompensationGround: null,
    caseOfficer: `Handläggare ${rng.int(100, 999)}`, office: rng.pick(FK_OFFICES),
    ...fields,
  };
}

function addSicknessInsurance(rng: SeededRandom, today: IsoDate, person: PersonProfile, age: number): void {
  if (rng.chance(0.45)) {
    const status = rng.weighted([['GRANTED', 40], ['ENDED', 30], ['REFUSED', 12], ['WITHDRAWN', 3], ['INVESTIGATION', 8], ['APPLICATION_RECEIVED', 7]] as const);
    const pending = status === 'INVESTIGATION' || status === 'APPLICATION_RECEIVED';
    const start = addDays(today, pending ? -rng.int(5, 40) : -rng.int(20, 700));
    const elapsed = daysBetween(start, today);
    const diagnosis = rng.weighted(DIAGNOSES).code;
    let endDate: IsoDate | null = null;
    if (status === 'ENDED') endDate = addDays(start, rng.int(14, elapsed - 1));
    if (status === 'REFUSED' || status === 'WITHDRAWN') endDate = addDays(start, rng.int(14, Math.max(14, elapsed - 1)));
    const degreeSteps = pending || status === 'WITHDRAWN' ? [] : steppedDegrees(rng, start, endDate);
    person.sicknessCases.push(sicknessCase(rng, {
      benefit: 'SJUKPENNING', status, startDate: start, endDate, employed: rng.chance(0.6), degreeSteps,
      diagnosisCode: diagnosis,
      decisionDate: pending ? null : endDate && status !== 'ENDED' ? endDate : addDays(start, 20),
      refusalReason: status === 'REFUSED' ? rng.weighted([['WORK_CAPACITY_NOT_REDUCED', 60], ['INSUFFICIENT_MEDICAL_BASIS', 30], ['OTHER', 10]] as const) : null,
      reconciliationMeetingDate: elapsed > 60 && !pending && rng.chance(0.55) ? addDays(start, rng.int(40, Math.min(150, elapsed))) : null,
      rehabilitationPlanDate: elapsed > 90 && !pending && rng.chance(0.4) ? addDays(start, rng.int(60, Math.min(170, elapsed))) : null,
    }));
  }
  if (age >= 19 && age <= 29 && rng.chance(0.22)) {
    const start = addDays(today, -rng.int(30, 900));
    const end = addDays(start, 365 * rng.int(1, 3) - 1);
    const degree = rng.pick([25, 50, 75, 100] as const);
    person.sicknessCases.push(sicknessCase(rng, {
      benefit: 'AKTIVITETSERSATTNING', status: end < today ? 'ENDED' : 'GRANTED', startDate: start, endDate: end,
      employed: false, degreeSteps: [{ from: start, to: end, degree }], decisionDate: addDays(start, -20),
      diagnosisCode: rng.weighted(DIAGNOSES).code,
      activityCompensationGround: rng.chance(0.3) ? 'EXTENDED_SCHOOLING' : 'REDUCED_WORK_CAPACITY',
    }));
    if (daysBetween(today, end) < 183 && end >= today && rng.chance(0.6)) {
      person.sicknessCases.push(sicknessCase(rng, { benefit: 'AKTIVITETSERSATTNING', status: 'APPLICATION_RECEIVED', startDate: addDays(end, 1), employed: false }));
    }
  }
  if (age >= 30 && rng.chance(0.07)) {
    const start = addDays(today, -rng.int(100, 3000));
    person.sicknessCases.push(sicknessCase(rng, {
      benefit: 'SJUKERSATTNING', status: 'GRANTED', startDate: start, employed: false,
      degreeSteps: [{ from: start, to: null, degree: rng.pick([50, 75, 100, 100] as const) }],
      decisionDate: addDays(start, -30), diagnosisCode: rng.weighted(DIAGNOSES).code,
    }));
  }
  if (rng.chance(0.04)) {
    const start = addDays(today, -rng.int(30, 400));
    const end = addDays(start, rng.int(60, 180));
    person.sicknessCases.push(sicknessCase(rng, {
      benefit: 'REHABILITERINGSPENNING', status: end < today ? 'ENDED' : 'GRANTED', startDate: start, endDate: end,
      degreeSteps: [{ from: start, to: end, degree: 100 }], decisionDate: addDays(start, -10),
      diagnosisCode: rng.weighted(DIAGNOSES).code,
    }));
  }
}

/**
 * The degree a sick leave ends up at. Full time is the most common degree of ongoing sjukpenning
 * in Försäkringskassan's statistics (about two cases in three); part-time leave is mostly half
 * time. The seed had it the other way round (100 % the rarest, 42 of 366 ongoing cases), because
 * every leave stepped down from where it started.
 */
const FINAL_DEGREE = [[100, 64], [75, 8], [50, 20], [25, 8]] as const;

/** Sick leave starts at its final degree or above and steps down to it as work resumes. */
function steppedDegrees(rng: SeededRandom, start: IsoDate, end: IsoDate | null): SicknessCaseProfile['degreeSteps'] {
  const final = rng.weighted(FINAL_DEGREE);
  const above = ([100, 75, 50, 25] as const).filter((degree) => degree > final);
  // From one of the higher degrees (or the final one), down through at most one more, to the final one.
  const first = above.length > 0 && rng.chance(0.6) ? above.slice(rng.int(0, above.length - 1)) : [];
  const degrees = [...first.slice(0, 2), final];
  const steps: SicknessCaseProfile['degreeSteps'] = [];
  let from = start;
  for (let i = 0; i < degrees.length; i++) {
    const last = i === degrees.length - 1;
    const to = last ? end : addDays(from, rng.int(30, 120));
    if (end !== null && to !== null && to > end) {
      steps.push({ from, to: end, degree: degrees[i]! });
      break;
    }
    steps.push({ from, to, degree: degrees[i]! });
    if (to === null) break;
    from = addDays(to, 1);
  }
  return steps;
}

function addEmployment(rng: SeededRandom, today: IsoDate, person: PersonProfile, age: number): void {
  if (!rng.chance(0.55)) return;
  const registeredOn = addDays(today, -rng.int(10, 1000));
  const category = rng.weighted([['11', 50], ['68', 12], ['69', age < 25 ? 10 : 0], ['70', 10], ['21', 8], ['22', 5]] as const);
  const deregisteredOn = rng.chance(0.2) ? addDays(registeredOn, rng.int(5, Math.max(5, daysBetween(registeredOn, today) - 1))) : null;
  person.registrations.push({
    registeredOn, jobSeekerCategory: category, hasPlan: rng.chance(0.85), deregisteredOn,
    deregistrationReason: deregisteredOn ? rng.weighted([['ARBETE', 45], ['STUDIER', 15], ['OKAND_ORSAK', 25], ['OVERGANG_TILL_SJUKERSATTNING', 5], ['AVREGISTRERAD_AV_ARBETSFORMEDLINGEN', 10]] as const) : null,
    office: rng.pick(AF_OFFICES),
  });
  const inProgramme = ['68', '69', '70'].includes(category) && deregisteredOn === null;
  if (inProgramme || rng.chance(0.2)) {
    const start = addDays(registeredOn, rng.int(1, Math.max(1, daysBetween(registeredOn, today) - 1)));
    const end = inProgramme ? null : addDays(start, rng.int(30, 200));
    const sick = rng.chance(0.06);
    const sickFrom = sick ? addDays(start, rng.int(1, 20)) : null;
    person.programmes.push({
      programme: category === '69' ? 'JOBBGARANTIN_FOR_UNGDOMAR' : category === '68' ? 'JOBB_OCH_UTVECKLINGSGARANTIN' : rng.pick(PROGRAMMES),
      startDate: start,
      endDate: end !== null && end < today ? end : null,
      payment: age < 25 ? 'UTVECKLINGSERSATTNING' : rng.chance(0.05) ? 'ETABLERINGSERSATTNING' : 'AKTIVITETSSTOD',
      reportedSickFrom: sickFrom !== null && sickFrom <= today ? sickFrom : null,
      reportedSickTo: sickFrom !== null && sickFrom <= today && rng.chance(0.5) ? addDays(sickFrom, rng.int(2, 30)) : null,
    });
    if (inProgramme) {
      for (let m = 1; m <= 6; m++) {
        const month = addMonths(monthOf(today), -m);
        if (month < monthOf(start)) break;
        person.activityReports.push({ month, submittedOn: rng.chance(0.92) ? `${addMonths(month, 1)}-${String(rng.int(1, 14)).padStart(2, '0')}` : null });
      }
    }
  }
}

function addSocialServices(rng: SeededRandom, today: IsoDate, person: PersonProfile): void {
  const sickOnBenefit = person.sicknessCases.some((c) => c.status === 'REFUSED' || c.status === 'ENDED');
  if (rng.chance(sickOnBenefit ? 0.45 : 0.3)) {
    const length = rng.weighted([[rng.int(1, 3), 40], [rng.int(4, 9), 30], [rng.int(10, 24), 30]] as const);
    const last = addMonths(monthOf(today), -rng.int(0, 6));
    const reason = rng.weighted(REASONS_FOR_NEED);
    const household = rng.weighted(HOUSEHOLD_TYPES.filter(([h]) => !h.startsWith(person.sex === 'MALE' ? 'SINGLE_WOMAN' : 'SINGLE_MAN')));
    const amount = rng.int(3000, 16000);
    for (let m = length - 1; m >= 0; m--) {
      person.assistanceMonths.push({ month: addMonths(last, -m), amountSek: amount + rng.int(-500, 500), householdType: household, reasonForNeed: reason });
    }
  }
  if (rng.chance(0.12)) {
    const start = addDays(today, -rng.int(30, 800));
    person.socialMeasures.push({ kind: rng.pick(SOCIAL_MEASURES), startDate: start, endDate: rng.chance(0.4) ? addDays(start, rng.int(30, 300)) : null });
  }
}

/** The person moved within the förbund: their earlier months were paid by the municipality they left. */
function movedFrom(rng: SeededRandom, person: PersonProfile, forbund: Forbund): void {
  const before = rng.pick(forbund.municipalities.filter((m) => m.code !== person.municipality.code));
  const moved = rng.int(1, person.assistanceMonths.length - 1);
  for (const month of person.assistanceMonths.slice(0, moved)) month.municipalityCode = before.code;
  for (const measure of person.socialMeasures) if (rng.chance(0.5)) measure.municipalityCode = before.code;
}

function addCare(rng: SeededRandom, today: IsoDate, person: PersonProfile): void {
  for (const sick of person.sicknessCases) {
    if (sick.benefit !== 'SJUKPENNING' || sick.diagnosisCode === null) continue;
    // A refusal for "work capacity not reduced" is usually against the doctor's own assessment.
    const conflicting = sick.refusalReason === 'WORK_CAPACITY_NOT_REDUCED';
    const steps = sick.degreeSteps.length > 0 ? sick.degreeSteps : [{ from: sick.startDate, to: sick.endDate, degree: 100 as const }];
    person.certificates.push(certificate(rng, today, {
      issuedOn: addDays(sick.startDate, 7),
      diagnosisCode: sick.diagnosisCode,
      workCapacitySteps: steps.map((s) => ({ from: s.from, to: s.to ?? addDays(today, 30), reduction: conflicting ? 100 : s.degree })),
    }));
  }
  if (rng.chance(0.7)) {
    const psychiatric = person.sicknessCases.some((c) => c.diagnosisCode?.startsWith('F'));
    for (let i = rng.int(1, 4); i > 0; i--) {
      person.careContacts.push({
        kind: rng.weighted([['PRIMARY_CARE', 50], ['PSYCHIATRY', psychiatric ? 40 : 15], ['ADDICTION_CARE', 8], ['HABILITATION', 5], ['OTHER_SPECIALIST', 12]] as const),
        date: addDays(today, -rng.int(1, 700)),
        careUnit: rng.pick(CARE_UNITS),
      });
    }
  }
  if (person.certificates.length > 0 && rng.chance(0.4)) {
    person.rehabilitationCoordinator = { name: `Rehabkoordinator ${rng.pick(FAMILY_NAMES)}`, careUnit: rng.pick(CARE_UNITS), assignedOn: addDays(person.certificates[0]!.issuedOn, rng.int(7, 60)) };
  }
}

function priorityGroups(person: PersonProfile, age: number, rng: SeededRandom): string[] {
  const groups: string[] = [];
  const longSick = person.sicknessCases.some((c) => c.benefit === 'SJUKPENNING' && c.degreeSteps.length > 0 &&
    daysBetween(c.startDate, c.endDate ?? addDays(c.startDate, 100_000)) > 180);
  if (longSick) groups.push('LONG_TERM_SICK_LISTED');
  if (age <= 29 && person.sicknessCases.some((c) => c.benefit === 'AKTIVITETSERSATTNING')) groups.push('YOUNG_WITH_ACTIVITY_COMPENSATION');
  if (age <= 29 && (person.sicknessCases.some((c) => /^F(84|90)/.test(c.diagnosisCode ?? '')) || rng.chance(0.05))) groups.push('YOUNG_WITH_DISABILITY');
  if (person.sicknessCases.some((c) => c.diagnosisCode?.startsWith('F')) || person.careContacts.some((c) => c.kind === 'PSYCHIATRY')) groups.push('MENTAL_ILL_HEALTH');
  return groups;
}
