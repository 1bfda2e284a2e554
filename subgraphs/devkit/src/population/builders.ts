import { addDays, type IsoDate } from '@finsam/kit/dates';
import type { SeededRandom } from '@finsam/kit/random';
import { CARE_UNITS, diagnosisText } from './catalogue.ts';
import { AGENCIES } from '@finsam/kit/agencies';
import type { CertificateProfile, InterventionProfile, ParticipationProfile, PersonProfile } from './types.ts';

/** Building blocks shared by the random population and the fixtures. */

export function emptyPerson(fields: Pick<PersonProfile,
  'personnummer' | 'sex' | 'birthDate' | 'municipality' | 'coordinatorId' | 'givenName' | 'familyName' | 'address' | 'protectedIdentity'
> & { today: IsoDate }): PersonProfile {
  const { today, ...rest } = fields;
  return {
    ...rest,
    priorityGroups: [],
    consents: [{ agencies: [...AGENCIES], validFrom: addDays(today, -200), validTo: addDays(today, 530), revokedAt: null, formReference: 'SAMTYCKE-FIXTUR' }],
    participations: [], sicknessCases: [], registrations: [], programmes: [], activityReports: [],
    assistanceMonths: [], socialMeasures: [], certificates: [], careContacts: [], rehabilitationCoordinator: null,
  };
}

/**
 * A participation in the intervention. Without `registeredIn`, registered in during the last 700
 * days and registered out in two cases of five. With it (a förbund with `participationYears`), every
 * participation lasts 60–700 days and is registered out unless that is still ahead.
 */
export function participation(rng: SeededRandom, today: IsoDate, intervention: InterventionProfile, historic?: { registeredIn: IsoDate }): ParticipationProfile {
  const registeredIn = historic?.registeredIn ?? addDays(today, -rng.int(10, 700));
  const out = historic ? addDays(registeredIn, rng.int(60, 700)) : rng.chance(0.4) ? addDays(registeredIn, rng.int(60, 500)) : null;
  const registeredOut = out !== null && out < today ? out : null;
  const before = rng.weighted([[['SJUKPENNING'], 30], [['FORSORJNINGSSTOD'], 25], [['AKTIVITETSERSATTNING'], 10], [['AKTIVITETSSTOD'], 15], [['INGEN_OFFENTLIG'], 8], [['SJUKPENNING', 'FORSORJNINGSSTOD'], 7], [['OKAND'], 5]] as const);
  // About a third go straight to work or studies (SUS 2015).
  const occupationAfter = registeredOut === null ? null : rng.weighted([['FORVARVSARBETE', 22], ['STUDIER', 11], ['AKTIVT_ARBETSSOKANDE', 30], ['OVRIGT', 37]] as const);
  return {
    interventionId: intervention.id,
    registeredIn,
    registeredOut,
    incomeSourcesBefore: [...before],
    occupationBefore: rng.weighted([['OVRIGT', 60], ['AKTIVT_ARBETSSOKANDE', 25], ['FORVARVSARBETE', 10], ['STUDIER', 5]] as const),
    occupationShareBefore: rng.pick([0, 0, 0, 25, 50]),
    educationLevel: rng.weighted([['FORGYMNASIAL', 30], ['GYMNASIAL', 50], ['EFTERGYMNASIAL', 15], ['OKAND', 5]] as const),
    yearsOnPublicSupport: rng.int(0, 10),
    endReason: registeredOut === null ? null : rng.weighted([['PLANNED_END', 60], ['MOVED_ON_EARLY', 20], ['ILL_HEALTH', 10], ['NO_CONTACT', 8], ['REGISTERED_IN_ERROR', 2]] as const),
    occupationAfter,
    incomeSourcesAfter: occupationAfter === null ? null : occupationAfter === 'FORVARVSARBETE' ? ['LON'] : occupationAfter === 'STUDIER' ? ['INGEN_OFFENTLIG'] : [...before],
  };
}

export function certificate(
  rng: SeededRandom, today: IsoDate,
  fields: Pick<CertificateProfile, 'issuedOn' | 'diagnosisCode' | 'workCapacitySteps'> & Partial<CertificateProfile>,
): CertificateProfile {
  const issuedOn = fields.issuedOn <= today ? fields.issuedOn : today;
  return {
    type: 'FK7804',
    basis: [{ kind: rng.chance(0.8) ? 'EXAMINATION' : 'PHONE', date: issuedOn }],
    occupationAssessedAgainst: rng.pick(['Nuvarande arbete', 'Normalt förekommande arbete', 'Arbetssökande']),
    diagnosisText: diagnosisText(fields.diagnosisCode),
    impairment: 'Nedsatt koncentrationsförmåga och uthållighet',
    activityLimitation: 'Klarar inte heltidsarbete',
    treatment: rng.chance(0.7) ? 'Samtalsbehandling och läkemedel' : null,
    prognosis: rng.pick(['Återgång i arbete inom sex månader', 'Oklar prognos', 'Förväntas återfå full arbetsförmåga']),
    suggestedMeasures: rng.chance(0.5) ? 'Arbetsträning, kontakt med rehabkoordinator' : null,
    careUnit: rng.pick(CARE_UNITS),
    ...fields,
    issuedOn,
  };
}

