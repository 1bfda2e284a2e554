import { addDays, addMonths, monthOf, type IsoDate } from '@finsam/kit/dates';
import { makePersonnummer, sexOf } from '@finsam/kit/personnummer';
import { SeededRandom } from '@finsam/kit/random';
import { FORBUND } from './catalogue.ts';
import { certificate, emptyPerson } from './builders.ts';
import { AGENCIES, type Agency } from '@finsam/kit/agencies';
import type { PersonProfile } from './types.ts';

/**
 * Fixed persons in `coordinator-1`'s caseload that tests and docs name. Their personnummer
 * do not depend on SEED; their dates are relative to the seed's reference date, so that each
 * signal fires on the day the population is seeded.
 */
export const FIXTURE_PERSONS = {
  /** Consent for all four agencies and data in all four sectors. */
  allConsent: makePersonnummer('1985-03-12', 382),
  /** Consent that lacks exactly one agency (the key names which). */
  lacksCare: makePersonnummer('1979-11-02', 247),
  lacksSocialServices: makePersonnummer('1990-06-21', 570),
  lacksEmployment: makePersonnummer('1968-01-30', 139),
  lacksSicknessInsurance: makePersonnummer('1994-09-09', 624),
  /** Skyddad folkbokföring: name and address never leave the coordination subgraph. */
  protectedIdentity: makePersonnummer('1988-04-17', 452),
  /** A samordningsnummer (day of birth + 60). */
  coordinationNumber: makePersonnummer('1992-08-05', 213, true),
  sicknessBenefitEndedNotRegistered: makePersonnummer('1975-05-25', 317),
  day180Approaching: makePersonnummer('1981-12-03', 868),
  leftInsuranceOnSocialAssistance: makePersonnummer('1970-02-14', 795),
  longAssistanceNoActivity: makePersonnummer('1996-10-28', 406),
  sickListedWithoutBenefit: makePersonnummer('1983-07-07', 559),
  activityCompensationNoActivity: makePersonnummer('2002-05-14', 930),
  sickInProgrammeNoCertificate: makePersonnummer('1987-01-19', 677),
  conflictingAssessments: makePersonnummer('1977-09-26', 284),
  /**
   * Moved from Mölndal to Göteborg four months ago: ekonomiskt bistånd from both municipalities,
   * each its own controller; the seeded consent names Göteborg's social services only.
   */
  movedBetweenMunicipalities: makePersonnummer('1986-02-20', 463),
} as const;

export type FixtureKey = keyof typeof FIXTURE_PERSONS;

/** Which signal each signal fixture is built to raise. */
export const SIGNAL_FIXTURES = {
  SICKNESS_BENEFIT_ENDED_NOT_REGISTERED: FIXTURE_PERSONS.sicknessBenefitEndedNotRegistered,
  DAY_180_APPROACHING: FIXTURE_PERSONS.day180Approaching,
  LEFT_INSURANCE_ON_SOCIAL_ASSISTANCE: FIXTURE_PERSONS.leftInsuranceOnSocialAssistance,
  LONG_ASSISTANCE_NO_ACTIVITY: FIXTURE_PERSONS.longAssistanceNoActivity,
  SICK_LISTED_WITHOUT_BENEFIT: FIXTURE_PERSONS.sickListedWithoutBenefit,
  ACTIVITY_COMPENSATION_NO_ACTIVITY: FIXTURE_PERSONS.activityCompensationNoActivity,
  SICK_IN_PROGRAMME_NO_CERTIFICATE: FIXTURE_PERSONS.sickInProgrammeNoCertificate,
  CONFLICTING_ASSESSMENTS: FIXTURE_PERSONS.conflictingAssessments,
} as const;

const GOTEBORG = FORBUND[0]!.municipalities[0]!;

export function buildFixturePersons(today: IsoDate): PersonProfile[] {
  // Fixed seed: the fixtures' incidental details do not change with SEED either.
  const rng = new SeededRandom(20031210);
  const person = (key: FixtureKey, givenName: string, familyName = 'Exempelsson'): PersonProfile => {
    const pn = FIXTURE_PERSONS[key];
    const birthDate = `${pn.slice(0, 4)}-${pn.slice(4, 6)}-${String(Number(pn.slice(6, 8)) % 60).padStart(2, '0')}`;
    return emptyPerson({
      personnummer: pn, sex: sexOf(pn), birthDate, municipality: GOTEBORG, coordinatorId: 'coordinator-1', givenName, familyName,
      address: `Exempelgatan ${Number(pn.slice(8, 11)) % 90}, Göteborg`, protectedIdentity: 'NONE', today,
    });
  };

  /** Data in all four sectors, none of which raises a signal. */
  const wholeSituation = (p: PersonProfile): PersonProfile => {
    const start = addDays(today, -100);
    p.sicknessCases.push({
      benefit: 'SJUKPENNING', status: 'GRANTED', startDate: start, endDate: null, employed: true,
      degreeSteps: [{ from: start, to: addDays(start, 59), degree: 100 }, { from: addDays(start, 60), to: null, degree: 50 }],
      diagnosisCode: 'F43.8A', decisionDate: addDays(start, 20), refusalReason: null,
      reconciliationMeetingDate: addDays(start, 70), rehabilitationPlanDate: addDays(start, 75),
      activityCompensationGround: null, caseOfficer: 'Handläggare 101', office: 'Lokalt försäkringscenter Väst',
    });
    p.registrations.push({ registeredOn: addDays(today, -400), jobSeekerCategory: '21', hasPlan: true, deregisteredOn: null, deregistrationReason: null, office: 'Arbetsförmedlingen Centrum' });
    p.programmes.push({ programme: 'ARBETSTRANING', startDate: addDays(today, -300), endDate: addDays(today, -200), payment: 'AKTIVITETSSTOD', reportedSickFrom: null, reportedSickTo: null });
    p.assistanceMonths.push(
      { month: addMonths(monthOf(today), -2), amountSek: 6200, householdType: 'SINGLE_WOMAN_WITH_CHILDREN', reasonForNeed: 'SJUKSKRIVEN_OTILLRACKLIG_ERSATTNING' },
      { month: addMonths(monthOf(today), -1), amountSek: 5900, householdType: 'SINGLE_WOMAN_WITH_CHILDREN', reasonForNeed: 'SJUKSKRIVEN_OTILLRACKLIG_ERSATTNING' },
    );
    p.socialMeasures.push({ kind: 'SIP', startDate: addDays(today, -80), endDate: null });
    p.certificates.push(certificate(rng, today, {
      issuedOn: addDays(start, 7), diagnosisCode: 'F43.8A',
      workCapacitySteps: [{ from: start, to: addDays(start, 59), reduction: 100 }, { from: addDays(start, 60), to: addDays(today, 30), reduction: 50 }],
    }));
    p.careContacts.push({ kind: 'PRIMARY_CARE', date: addDays(today, -30), careUnit: 'Vårdcentralen Centrum' }, { kind: 'PSYCHIATRY', date: addDays(today, -12), careUnit: 'Psykiatriska mottagningen' });
    p.rehabilitationCoordinator = { name: 'Rehabkoordinator Berg', careUnit: 'Vårdcentralen Centrum', assignedOn: addDays(start, 20) };
    p.priorityGroups = ['MENTAL_ILL_HEALTH'];
    return p;
  };
  const lacking = (p: PersonProfile, agency: Agency): PersonProfile => {
    p.consents[0]!.agencies = AGENCIES.filter((a) => a !== agency);
    return p;
  };

  const fixtures: PersonProfile[] = [
    wholeSituation(person('allConsent', 'Anna')),
    lacking(wholeSituation(person('lacksCare', 'Bertil')), 'CARE'),
    lacking(wholeSituation(person('lacksSocialServices', 'Cecilia')), 'SOCIAL_SERVICES'),
    lacking(wholeSituation(person('lacksEmployment', 'David')), 'EMPLOYMENT'),
    lacking(wholeSituation(person('lacksSicknessInsurance', 'Erika')), 'SICKNESS_INSURANCE'),
    wholeSituation(person('coordinationNumber', 'Farid', 'Exempelzadeh')),
  ];
  const hidden = wholeSituation(person('protectedIdentity', 'Gunilla', 'Skyddad'));
  hidden.protectedIdentity = 'SKYDDAD_FOLKBOKFORING';
  hidden.address = 'Särskild postadress via Skatteverket';
  fixtures.push(hidden);

  // Sjukpenning refused 60 days ago; never registered at the employment service.
  const ended = person('sicknessBenefitEndedNotRegistered', 'Hans');
  ended.sicknessCases.push({
    benefit: 'SJUKPENNING', status: 'REFUSED', startDate: addDays(today, -240), endDate: addDays(today, -60), employed: false,
    degreeSteps: [{ from: addDays(today, -240), to: addDays(today, -60), degree: 100 }], diagnosisCode: 'M54.5',
    decisionDate: addDays(today, -60), refusalReason: 'INSUFFICIENT_MEDICAL_BASIS', reconciliationMeetingDate: addDays(today, -150),
    rehabilitationPlanDate: null, activityCompensationGround: null, caseOfficer: 'Handläggare 102', office: 'Lokalt försäkringscenter Väst',
  });
  fixtures.push(ended);

  // Day 165 of sick leave, no reconciliation meeting and no plan.
  const day180 = person('day180Approaching', 'Ingrid');
  day180.sicknessCases.push({
    benefit: 'SJUKPENNING', status: 'GRANTED', startDate: addDays(today, -164), endDate: null, employed: true,
    degreeSteps: [{ from: addDays(today, -164), to: null, degree: 100 }], diagnosisCode: 'F32.1', decisionDate: addDays(today, -140),
    refusalReason: null, reconciliationMeetingDate: null, rehabilitationPlanDate: null, activityCompensationGround: null,
    caseOfficer: 'Handläggare 103', office: 'Lokalt försäkringscenter Öst',
  });
  day180.certificates.push(certificate(rng, today, { issuedOn: addDays(today, -157), diagnosisCode: 'F32.1', workCapacitySteps: [{ from: addDays(today, -164), to: addDays(today, 30), reduction: 100 }] }));
  fixtures.push(day180);

  // Sjukpenning ended four months ago; ekonomiskt bistånd since.
  const left = person('leftInsuranceOnSocialAssistance', 'Jan');
  left.sicknessCases.push({
    benefit: 'SJUKPENNING', status: 'ENDED', startDate: addDays(today, -420), endDate: addDays(today, -120), employed: false,
    degreeSteps: [{ from: addDays(today, -420), to: addDays(today, -120), degree: 100 }], diagnosisCode: 'M79.7', decisionDate: addDays(today, -400),
    refusalReason: null, reconciliationMeetingDate: addDays(today, -330), rehabilitationPlanDate: addDays(today, -320), activityCompensationGround: null,
    caseOfficer: 'Handläggare 104', office: 'Lokalt försäkringscenter Väst',
  });
  left.registrations.push({ registeredOn: addDays(today, -110), jobSeekerCategory: '11', hasPlan: true, deregisteredOn: null, deregistrationReason: null, office: 'Arbetsförmedlingen Nord' });
  for (let m = 3; m >= 1; m--) left.assistanceMonths.push({ month: addMonths(monthOf(today), -m), amountSek: 7400, householdType: 'SINGLE_MAN_NO_CHILDREN', reasonForNeed: 'ARBETSLOS_INGEN_ERSATTNING' });
  fixtures.push(left);

  // Nine of the last twelve months on ekonomiskt bistånd; no registration, no programme.
  const longAssistance = person('longAssistanceNoActivity', 'Karin');
  for (let m = 9; m >= 1; m--) longAssistance.assistanceMonths.push({ month: addMonths(monthOf(today), -m), amountSek: 8100, householdType: 'SINGLE_WOMAN_NO_CHILDREN', reasonForNeed: 'ARBETSHINDER_SOCIALA_SKAL' });
  longAssistance.socialMeasures.push({ kind: 'HOUSING_SUPPORT', startDate: addDays(today, -200), endDate: null });
  fixtures.push(longAssistance);

  // Reason for need "sjukskriven med läkarintyg", a current certificate, no sickness benefit.
  const sickNoBenefit = person('sickListedWithoutBenefit', 'Leif');
  for (let m = 3; m >= 1; m--) sickNoBenefit.assistanceMonths.push({ month: addMonths(monthOf(today), -m), amountSek: 6900, householdType: 'SINGLE_MAN_NO_CHILDREN', reasonForNeed: 'SJUKSKRIVEN_INGEN_ERSATTNING' });
  sickNoBenefit.registrations.push({ registeredOn: addDays(today, -300), jobSeekerCategory: '11', hasPlan: false, deregisteredOn: null, deregistrationReason: null, office: 'Arbetsförmedlingen Syd' });
  sickNoBenefit.certificates.push(certificate(rng, today, { issuedOn: addDays(today, -95), diagnosisCode: 'F41.1', workCapacitySteps: [{ from: addDays(today, -95), to: addDays(today, 20), reduction: 100 }] }));
  fixtures.push(sickNoBenefit);

  // Aktivitetsersättning ending in four months, no new application, no activity.
  const young = person('activityCompensationNoActivity', 'Moa');
  young.sicknessCases.push({
    benefit: 'AKTIVITETSERSATTNING', status: 'GRANTED', startDate: addDays(today, -610), endDate: addDays(today, 120), employed: false,
    degreeSteps: [{ from: addDays(today, -610), to: addDays(today, 120), degree: 100 }], diagnosisCode: 'F84.5', decisionDate: addDays(today, -630),
    refusalReason: null, reconciliationMeetingDate: null, rehabilitationPlanDate: null, activityCompensationGround: 'REDUCED_WORK_CAPACITY',
    caseOfficer: 'Handläggare 105', office: 'Lokalt försäkringscenter Syd',
  });
  young.priorityGroups = ['YOUNG_WITH_ACTIVITY_COMPENSATION', 'YOUNG_WITH_DISABILITY'];
  fixtures.push(young);

  // Reported sick in arbetsträning for 20 days with no medical certificate.
  const sickInProgramme = person('sickInProgrammeNoCertificate', 'Nils');
  sickInProgramme.registrations.push({ registeredOn: addDays(today, -500), jobSeekerCategory: '68', hasPlan: true, deregisteredOn: null, deregistrationReason: null, office: 'Arbetsförmedlingen Centrum' });
  sickInProgramme.programmes.push({ programme: 'ARBETSTRANING', startDate: addDays(today, -200), endDate: null, payment: 'AKTIVITETSSTOD', reportedSickFrom: addDays(today, -20), reportedSickTo: null });
  fixtures.push(sickInProgramme);

  // Försäkringskassan refused: work capacity not reduced; the region's certificate says 100 %.
  const conflicting = person('conflictingAssessments', 'Olga');
  conflicting.sicknessCases.push({
    benefit: 'SJUKPENNING', status: 'REFUSED', startDate: addDays(today, -90), endDate: addDays(today, -30), employed: true,
    degreeSteps: [{ from: addDays(today, -90), to: addDays(today, -30), degree: 100 }], diagnosisCode: 'F43.8A', decisionDate: addDays(today, -30),
    refusalReason: 'WORK_CAPACITY_NOT_REDUCED', reconciliationMeetingDate: null, rehabilitationPlanDate: null, activityCompensationGround: null,
    caseOfficer: 'Handläggare 106', office: 'Lokalt försäkringscenter Öst',
  });
  conflicting.registrations.push({ registeredOn: addDays(today, -25), jobSeekerCategory: '11', hasPlan: false, deregisteredOn: null, deregistrationReason: null, office: 'Arbetsförmedlingen Syd' });
  conflicting.certificates.push(certificate(rng, today, { issuedOn: addDays(today, -45), diagnosisCode: 'F43.8A', workCapacitySteps: [{ from: addDays(today, -45), to: addDays(today, 45), reduction: 100 }] }));
  fixtures.push(conflicting);

  const moved = person('movedBetweenMunicipalities', 'Petra');
  const molndal = FORBUND[0]!.municipalities.find((m) => m.code === '1481')!;
  for (let m = 8; m >= 1; m--) {
    moved.assistanceMonths.push({
      month: addMonths(monthOf(today), -m), amountSek: m > 4 ? 7200 : 7600, householdType: 'SINGLE_WOMAN_NO_CHILDREN', reasonForNeed: 'ARBETSLOS_INGEN_ERSATTNING',
      ...(m > 4 ? { municipalityCode: molndal.code } : {}),
    });
  }
  moved.registrations.push({ registeredOn: addDays(today, -400), jobSeekerCategory: '11', hasPlan: true, deregisteredOn: null, deregistrationReason: null, office: 'Arbetsförmedlingen Centrum' });
  fixtures.push(moved);

  return fixtures;
}
