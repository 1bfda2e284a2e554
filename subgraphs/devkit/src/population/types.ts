import type { Agency } from '@finsam/kit/agencies';
import type { IsoDate } from '@finsam/kit/dates';
import type { INCOME_SOURCES } from './catalogue.ts';

/**
 * The synthetic population, one profile per person across all four sectors. Every
 * subgraph's seed module takes its own sector from the same profiles, so that the sectors
 * agree about a person (a refused sjukpenning case and the social assistance that followed
 * it) the way real agencies' registers would. Nothing here is a real person's data.
 */
export type ProtectedIdentity = 'NONE' | 'SEKRETESSMARKERING' | 'SKYDDAD_FOLKBOKFORING';

export interface Municipality {
  code: string;
  name: string;
  county: string;
}

export interface Forbund {
  id: string;
  name: string;
  municipalities: Municipality[];
  /**
   * Participations registered in over this many years before the reference date, each in an
   * intervention running then, and all but the latest registered out (the generator's
   * `historicParticipation`). Unset: the last two years or so, a draw every other förbund's stream
   * is made of.
   */
  participationYears?: number;
}

export interface CoordinatorProfile {
  id: string;
  name: string;
  forbundId: string;
}

export interface InterventionProfile {
  id: string;
  name: string;
  kind: 'INDIVIDUAL' | 'STRUCTURAL';
  forbundId: string;
  startDate: IsoDate;
  endDate: IsoDate | null;
}

export interface ConsentProfile {
  agencies: Agency[];
  validFrom: IsoDate;
  validTo: IsoDate;
  revokedAt: string | null;
  /** Reference to the signed consent form (blankett) in the association's records. */
  formReference: string;
}

/** The follow-up register's codes (subgraphs/coordination/schema/coordination.graphql `Occupation`, `EducationLevel`, `EndReason`, `IncomeSource`). */
export type Occupation = 'FORVARVSARBETE' | 'STUDIER' | 'AKTIVT_ARBETSSOKANDE' | 'OVRIGT';
export type EducationLevel = 'FORGYMNASIAL' | 'GYMNASIAL' | 'EFTERGYMNASIAL' | 'OKAND';
export type EndReason = 'PLANNED_END' | 'MOVED_ON_EARLY' | 'ILL_HEALTH' | 'NO_CONTACT' | 'REGISTERED_IN_ERROR';
export type IncomeSource = (typeof INCOME_SOURCES)[number];

export interface ParticipationProfile {
  interventionId: string;
  registeredIn: IsoDate;
  registeredOut: IsoDate | null;
  incomeSourcesBefore: IncomeSource[];
  occupationBefore: Occupation;
  occupationShareBefore: number;
  educationLevel: EducationLevel;
  yearsOnPublicSupport: number;
  endReason: EndReason | null;
  occupationAfter: Occupation | null;
  incomeSourcesAfter: IncomeSource[] | null;
}

export type Benefit = 'SJUKPENNING' | 'AKTIVITETSERSATTNING' | 'SJUKERSATTNING' | 'REHABILITERINGSPENNING';
export type CaseStatus = 'APPLICATION_RECEIVED' | 'INVESTIGATION' | 'GRANTED' | 'REFUSED' | 'WITHDRAWN' | 'ENDED';

export interface DegreeStepProfile {
  from: IsoDate;
  to: IsoDate | null;
  degree: 25 | 50 | 75 | 100;
}

export interface SicknessCaseProfile {
  benefit: Benefit;
  status: CaseStatus;
  /** First day of the sick leave (for sjukpenning, day 1 of the rehabilitation chain). */
  startDate: IsoDate;
  endDate: IsoDate | null;
  employed: boolean;
  degreeSteps: DegreeStepProfile[];
  diagnosisCode: string | null;
  decisionDate: IsoDate | null;
  refusalReason: 'WORK_CAPACITY_NOT_REDUCED' | 'INSUFFICIENT_MEDICAL_BASIS' | 'OTHER' | null;
  reconciliationMeetingDate: IsoDate | null;
  rehabilitationPlanDate: IsoDate | null;
  activityCompensationGround: 'REDUCED_WORK_CAPACITY' | 'EXTENDED_SCHOOLING' | null;
  caseOfficer: string;
  office: string;
}

export interface RegistrationProfile {
  registeredOn: IsoDate;
  jobSeekerCategory: string;
  hasPlan: boolean;
  deregisteredOn: IsoDate | null;
  deregistrationReason: string | null;
  office: string;
}

export interface ProgrammeProfile {
  programme: string;
  startDate: IsoDate;
  endDate: IsoDate | null;
  payment: 'AKTIVITETSSTOD' | 'UTVECKLINGSERSATTNING' | 'ETABLERINGSERSATTNING' | 'NONE';
  reportedSickFrom: IsoDate | null;
  reportedSickTo: IsoDate | null;
}

export interface ActivityReportProfile {
  month: string;
  submittedOn: IsoDate | null;
}

/** The social services' household types (subgraphs/social-services/schema/social-services.graphql `HouseholdType`). */
export type HouseholdType = 'ONLY_CHILDREN' | 'SINGLE_MAN_NO_CHILDREN' | 'SINGLE_MAN_WITH_CHILDREN' | 'SINGLE_WOMAN_NO_CHILDREN'
  | 'SINGLE_WOMAN_WITH_CHILDREN' | 'COUPLE_NO_CHILDREN' | 'COUPLE_WITH_CHILDREN' | 'UNKNOWN';

export interface AssistanceMonthProfile {
  month: string;
  amountSek: number;
  householdType: HouseholdType;
  reasonForNeed: string;
  /** The municipality that paid it (kommunkod), when not the person's home municipality: they moved since. */
  municipalityCode?: string;
}

export interface SocialMeasureProfile {
  kind: string;
  startDate: IsoDate;
  endDate: IsoDate | null;
  /** The municipality that granted it (kommunkod), when not the person's home municipality. */
  municipalityCode?: string;
}

export interface CertificateProfile {
  type: 'FK7804' | 'AG7804' | 'AG1_14' | 'AF00251';
  issuedOn: IsoDate;
  basis: { kind: 'EXAMINATION' | 'PHONE' | 'RECORDS'; date: IsoDate }[];
  occupationAssessedAgainst: string;
  diagnosisCode: string;
  diagnosisText: string;
  impairment: string;
  activityLimitation: string;
  treatment: string | null;
  workCapacitySteps: { from: IsoDate; to: IsoDate; reduction: 25 | 50 | 75 | 100 }[];
  prognosis: string;
  suggestedMeasures: string | null;
  careUnit: string;
}

export interface CareContactProfile {
  kind: 'PRIMARY_CARE' | 'PSYCHIATRY' | 'ADDICTION_CARE' | 'HABILITATION' | 'OTHER_SPECIALIST';
  date: IsoDate;
  careUnit: string;
}

export interface PersonProfile {
  personnummer: string;
  givenName: string;
  familyName: string;
  sex: 'MALE' | 'FEMALE';
  birthDate: IsoDate;
  municipality: Municipality;
  address: string;
  protectedIdentity: ProtectedIdentity;
  coordinatorId: string;
  priorityGroups: string[];
  consents: ConsentProfile[];
  participations: ParticipationProfile[];
  sicknessCases: SicknessCaseProfile[];
  registrations: RegistrationProfile[];
  programmes: ProgrammeProfile[];
  activityReports: ActivityReportProfile[];
  assistanceMonths: AssistanceMonthProfile[];
  socialMeasures: SocialMeasureProfile[];
  certificates: CertificateProfile[];
  careContacts: CareContactProfile[];
  rehabilitationCoordinator: { name: string; careUnit: string; assignedOn: IsoDate } | null;
}

export interface Population {
  referenceDate: IsoDate;
  seed: number;
  forbund: Forbund[];
  coordinators: CoordinatorProfile[];
  interventions: InterventionProfile[];
  persons: PersonProfile[];
}
