/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** An agency that pools its work in the samordningsförbund. */
export type Agency =
  /** Försäkringskassan (sickness insurance). */
  | 'SICKNESS_INSURANCE'
  /** Arbetsförmedlingen (employment service). */
  | 'EMPLOYMENT'
  /** The municipality's social services (socialtjänsten). */
  | 'SOCIAL_SERVICES'
  /** The region's care (hälso- och sjukvården). */
  | 'CARE';

/** An anonymous participant: all SUS keeps of a person registered without personal data. */
export type AnonymousParticipantInput = {
  /** The participant's legal sex. */
  sex: Sex;
  /** Why the participant is anonymous. */
  reason: AnonymousReason;
};

/** Why a participant is registered anonymously (SUS: sex and start year only). */
export type AnonymousReason =
  /** The person has not consented to registration with personal data. */
  | 'NO_REGISTRATION_CONSENT'
  /** The person has protected identity (skyddade personuppgifter). */
  | 'PROTECTED_IDENTITY';

/** The benefit a case is about. */
export type Benefit =
  /** Sjukpenning: compensation when work capacity is reduced by at least a quarter. */
  | 'SJUKPENNING'
  /** Aktivitetsersättning: ages 19–29, on reduced work capacity or extended schooling. */
  | 'AKTIVITETSERSATTNING'
  /** Sjukersättning: permanently reduced work capacity, ages 19–65. */
  | 'SJUKERSATTNING'
  /** Rehabiliteringspenning: during planned work-oriented rehabilitation. */
  | 'REHABILITERINGSPENNING';

/** Where a case stands (ärendestatus). */
export type CaseStatus =
  /** Ansökan inkommen. */
  | 'APPLICATION_RECEIVED'
  /** Under utredning. */
  | 'INVESTIGATION'
  /** Beviljad. */
  | 'GRANTED'
  /** Avslag. */
  | 'REFUSED'
  /** Återkallad by the applicant. */
  | 'WITHDRAWN'
  /** Avslutad: the granted period is over. */
  | 'ENDED';

/** Certificate form in the region's certificate system. */
export type CertificateType =
  /** Läkarintyg för sjukpenning (FK 7804). */
  | 'FK7804'
  /** Läkarintyg för sjuklön to the employer (AG 7804). */
  | 'AG7804'
  /** Läkarintyg om arbetsförmåga, sjukskrivning dag 1–14 (AG1-14). */
  | 'AG1_14'
  /** Läkarintyg for Arbetsförmedlingen (AF 00251). */
  | 'AF00251';

/** Highest education level (utbildningsnivå). */
export type EducationLevel =
  /** Förgymnasial. */
  | 'FORGYMNASIAL'
  /** Gymnasial. */
  | 'GYMNASIAL'
  /** Eftergymnasial. */
  | 'EFTERGYMNASIAL'
  /** Okänd. */
  | 'OKAND';

/** A registration out of an intervention (utregistrering). */
export type EndParticipationInput = {
  /** Chosen by the client once per form, as for registerParticipation. */
  submissionKey: string;
  /** The participation (Participation.id). */
  participationId: string | number;
  /** Date of registration out, ISO date; not before registration in, not after today. */
  registeredOut: string;
  /** Why the participation ended (avslutsorsak). */
  reason: EndReason;
  /** Occupation after. */
  occupation: Occupation;
  /** Income sources after: 1–3 different, OKAND alone. */
  incomeSources: Array<IncomeSource>;
};

/** Reason for registration out (avslutsorsak). */
export type EndReason =
  /** Planned end of the intervention. */
  | 'PLANNED_END'
  /** Moved on before the planned end (to work, studies or another measure). */
  | 'MOVED_ON_EARLY'
  /** Ended because of ill health. */
  | 'ILL_HEALTH'
  /** Contact lost. */
  | 'NO_CONTACT'
  /** Registered in error (felregistrerad). */
  | 'REGISTERED_IN_ERROR';

/** The level of protected identity (skyddade personuppgifter). */
export type IdentityProtection =
  /** No protection. */
  | 'NONE'
  /** Sekretessmarkering: assess harm before any disclosure. */
  | 'SEKRETESSMARKERING'
  /** Skyddad folkbokföring: the real address is held by no other agency. */
  | 'SKYDDAD_FOLKBOKFORING';

/** Income source (försörjningskälla) as recorded in SUS. */
export type IncomeSource =
  /** Lön. */
  | 'LON'
  /** Arbetslöshetsersättning. */
  | 'A_KASSA'
  /** Aktivitetsstöd. */
  | 'AKTIVITETSSTOD'
  /** Utvecklingsersättning. */
  | 'UTVECKLINGSERSATTNING'
  /** Etableringsersättning. */
  | 'ETABLERINGSERSATTNING'
  /** Sjukpenning. */
  | 'SJUKPENNING'
  /** Rehabiliteringspenning. */
  | 'REHABILITERINGSPENNING'
  /** Sjukersättning. */
  | 'SJUKERSATTNING'
  /** Aktivitetsersättning. */
  | 'AKTIVITETSERSATTNING'
  /** Försörjningsstöd (ekonomiskt bistånd). */
  | 'FORSORJNINGSSTOD'
  /** Ingen offentlig försörjning. */
  | 'INGEN_OFFENTLIG'
  /** Okänd. */
  | 'OKAND';

/** Individual-oriented or structural intervention. */
export type InterventionKind =
  /** Individinriktad: has participants. */
  | 'INDIVIDUAL'
  /** Strukturinriktad: works on the system, no participants. */
  | 'STRUCTURAL';

/**
 * An obstacle in rules or steering (hinder i regelverk och styrning): where a rule or an agency's
 * routine stood in the way of a person, as the coordinator saw it. The code list is in
 * docs/domain.md.
 */
export type ObstacleCode =
  /** Ersättning upphörde utan övergång: a benefit (sjukpenning, aktivitetsersättning, a-kassa) ended and no agency took over, with no registration at Arbetsförmedlingen to follow. */
  | 'BENEFIT_ENDED_NO_TRANSITION'
  /** Motstridiga bedömningar av arbetsförmågan: two agencies assess the person's work capacity differently (one finds them able to work, another too ill). */
  | 'CONFLICTING_WORK_CAPACITY_ASSESSMENTS'
  /** Krav som personen inte kan uppfylla: a requirement for support that the person cannot meet (registration, activity report, certificate, attendance, a digital service). */
  | 'REQUIREMENT_CANNOT_BE_MET'
  /** Väntetid: waiting for a decision, care, an assessment or a programme stopped the person's way forward. */
  | 'WAITING_TIME'
  /** Ingen tar ansvar: no agency is responsible, or each refers the person to another (rundgång). */
  | 'NO_ONE_RESPONSIBLE'
  /** Regler hindrar kombination av stöd: rules stop a combination of support (studies with a benefit, part-time work with ekonomiskt bistånd, a programme with sjukpenning). */
  | 'COMBINATION_NOT_ALLOWED'
  /** Tidsgräns i regelverket: a fixed time limit (a day of the rehabilitation chain, an age limit, a period of activity compensation) ended support before the person was ready. */
  | 'TIME_LIMIT'
  /** Uppgifter delas inte: an agency could not or would not share what another needed (secrecy, no route for it), so a decision was made without it. */
  | 'INFORMATION_NOT_SHARED'
  /** Annat hinder i regelverk eller styrning: anything else; say what in the note. */
  | 'OTHER';

/** Occupation (sysselsättning) as recorded in SUS. */
export type Occupation =
  /** Förvärvsarbete, with or without subsidy. */
  | 'FORVARVSARBETE'
  /** Studier. */
  | 'STUDIER'
  /** Aktivt arbetssökande. */
  | 'AKTIVT_ARBETSSOKANDE'
  /** Övrigt. */
  | 'OVRIGT';

/** A labour-market programme or support. */
export type Programme =
  /** Förberedande insatser. */
  | 'FORBEREDANDE_INSATSER'
  /** Arbetsträning. */
  | 'ARBETSTRANING'
  /** Jobb- och utvecklingsgarantin. */
  | 'JOBB_OCH_UTVECKLINGSGARANTIN'
  /** Jobbgarantin för ungdomar. */
  | 'JOBBGARANTIN_FOR_UNGDOMAR'
  /** Rusta och matcha. */
  | 'RUSTA_OCH_MATCHA'
  /** Arbetsmarknadsutbildning. */
  | 'ARBETSMARKNADSUTBILDNING'
  /** Introduktionsjobb. */
  | 'INTRODUKTIONSJOBB'
  /** Nystartsjobb. */
  | 'NYSTARTSJOBB'
  /** Lönebidrag. */
  | 'LONEBIDRAG'
  /** Skyddat arbete (Samhall). */
  | 'SKYDDAT_ARBETE'
  /** Supported employment (SIUS). */
  | 'SIUS';

/** What a participant is paid during a programme. */
export type ProgrammePayment =
  /** Aktivitetsstöd. */
  | 'AKTIVITETSSTOD'
  /** Utvecklingsersättning (under 25). */
  | 'UTVECKLINGSERSATTNING'
  /** Etableringsersättning. */
  | 'ETABLERINGSERSATTNING'
  /** No payment from Arbetsförmedlingen. */
  | 'NONE';

/** A signed consent form to record. */
export type RecordConsentInput = {
  /** The person's opaque id (Person.id); give this or personnummer. */
  personId?: string | number | null | undefined;
  /** Personnummer or samordningsnummer in any written form; give this or personId. */
  personnummer?: string | null | undefined;
  /** The agencies the person agreed may share their data; at least one. */
  agencies: Array<Agency>;
  /** First day of validity, ISO date. */
  validFrom: string;
  /** Last day of validity, ISO date; not before validFrom. */
  validTo: string;
  /** Reference to the signed form in the association's records. */
  formReference: string;
  /**
   * The data controllers (personuppgiftsansvariga) the person agreed may share their data, for
   * the agencies of many among `agencies`: kommunkoder (four digits) of member municipalities of
   * the caller's samordningsförbund for SOCIAL_SERVICES, länskoder (two digits) of their regions for
   * CARE; one consent is recorded per controller. A kommunkod needs SOCIAL_SERVICES among the
   * agencies, a länskod CARE. Omitted, or naming none of an agency's kind: the person's home
   * municipality for SOCIAL_SERVICES, its region for CARE.
   */
  controllers?: Array<string> | null | undefined;
};

/** A coordinator's record of an obstacle in rules or steering on a person in their caseload. */
export type RecordObstacleInput = {
  /** The person's opaque id (Person.id). */
  personId?: string | number | null | undefined;
  /** Personnummer or samordningsnummer in any written form. */
  personnummer?: string | null | undefined;
  /** What stood in the way. */
  code: ObstacleCode;
  /** The agencies involved: at least one. */
  agencies: Array<Agency>;
  /** A short note, at most 300 characters; no names or personnummer (it is shown to no analyst, but kept with the person). */
  note?: string | null | undefined;
  /** The signals the coordinator's page shows the person with now (Person.signals' codes), kept as what they saw. */
  signalsSeen?: Array<SignalCode> | null | undefined;
};

/** Why a case was refused (avslagsgrund). */
export type RefusalReason =
  /** Försäkringskassan finds the work capacity not reduced by at least a quarter. */
  | 'WORK_CAPACITY_NOT_REDUCED'
  /** The medical basis (underlag) does not show reduced work capacity. */
  | 'INSUFFICIENT_MEDICAL_BASIS'
  /** Any other reason. */
  | 'OTHER';

/** A registration into an intervention (inregistrering). Name the participant by exactly one of personId, personnummer and anonymous. */
export type RegisterParticipationInput = {
  /**
   * Chosen by the client once per form (8–100 letters, digits, - or _; a UUID fits): the same key
   * sent again records nothing more and gets the first answer.
   */
  submissionKey: string;
  /** A person of the caller's caseload, by opaque id (Person.id). */
  personId?: string | number | null | undefined;
  /** Personnummer or samordningsnummer in any written form: a person of the caseload, or of a member municipality (then added to the caseload). */
  personnummer?: string | null | undefined;
  /** An anonymous participant instead of a person. */
  anonymous?: AnonymousParticipantInput | null | undefined;
  /** The intervention (Intervention.id): an individual-oriented one of the caller's förbund, running on registeredIn. */
  interventionId: string | number;
  /** Date of registration in, ISO date; not after today. */
  registeredIn: string;
  /** Income sources before (försörjningskällor): 1–3 different, OKAND alone. */
  incomeSources: Array<IncomeSource>;
  /** Occupation just before (sysselsättning). */
  occupation: Occupation;
  /** Occupation as a share of 40 hours a week, in percent, 0–100. */
  occupationShareOfFullTime: number;
  /** Highest education level (utbildningsnivå). */
  educationLevel: EducationLevel;
  /** Whole years on public support before (tid i offentlig försörjning), 0–60. */
  yearsOnPublicSupport: number;
};

/** What the work capacity is assessed against at a point in the rehabilitation chain (rehabiliteringskedjan). */
export type RehabilitationCheckpoint =
  /** Days 1–90: the person's own job or other work at the employer. */
  | 'OWN_OR_OTHER_WORK_AT_EMPLOYER'
  /** Days 91–180: any work at the employer. */
  | 'ANY_WORK_AT_EMPLOYER'
  /** Days 181–365: work normally found on the labour market, unless return to the employer is likely before day 366. */
  | 'LABOUR_MARKET_UNLESS_RETURN_LIKELY'
  /** From day 366, or from day 1 for the unemployed: the whole labour market. */
  | 'WHOLE_LABOUR_MARKET';

/** Legal sex as given by the personnummer's ninth digit. */
export type Sex =
  /** Odd ninth digit. */
  | 'MALE'
  /** Even ninth digit. */
  | 'FEMALE';

/** A cross-sector signal: a person falling between the chairs. */
export type SignalCode =
  /** Sjukpenning refused or withdrawn, and no employment-service registration within 25 days. */
  | 'SICKNESS_BENEFIT_ENDED_NOT_REGISTERED'
  /** Day 150–180 of sick leave with no reconciliation meeting or plan. */
  | 'DAY_180_APPROACHING'
  /** Left the sickness insurance, then ekonomiskt bistånd. */
  | 'LEFT_INSURANCE_ON_SOCIAL_ASSISTANCE'
  /** Ekonomiskt bistånd at least 6 of the last 12 months, and no registration or programme. */
  | 'LONG_ASSISTANCE_NO_ACTIVITY'
  /** Reason for need is sick leave with a certificate, but no sickness benefit. */
  | 'SICK_LISTED_WITHOUT_BENEFIT'
  /** Aktivitetsersättning with no activity, or ending within 6 months with no new application. */
  | 'ACTIVITY_COMPENSATION_NO_ACTIVITY'
  /** Sick more than 7 days during a programme with no certificate. */
  | 'SICK_IN_PROGRAMME_NO_CERTIFICATE'
  /** One agency finds the person able to work while another finds them too ill. */
  | 'CONFLICTING_ASSESSMENTS';

/** Why the signal rules could not see an agency. */
export type UnseenReason =
  /** The agency did not answer (its subgraph down or too slow). */
  | 'UNAVAILABLE'
  /** No consent (samtycke) in force covers the agency. */
  | 'NO_CONSENT';

export type CaseloadQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  signals?: boolean;
}>;


export type CaseloadQuery = { me: { id: string, name: string, caseload: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, personnummer: string, name: string | null, identityProtection: IdentityProtection } & { signals?: Array<{ id: string, code: SignalCode, arose: string, needsAction: boolean, handling: { id: string, followUp: string } | null }> | null, unseenAgencies?: Array<{ agency: Agency, reason: UnseenReason }> | null }> } } | null };

export type EndParticipationMutationVariables = Exact<{
  input: EndParticipationInput;
}>;


export type EndParticipationMutation = { endParticipation: { participation: { id: string, registeredIn: string, registeredOut: string | null, atEnd: { reason: EndReason, occupation: Occupation, incomeSources: Array<IncomeSource> } | null }, person: { id: string, participations: Array<{ id: string, registeredIn: string, registeredOut: string | null, intervention: { id: string, name: string }, atEnd: { reason: EndReason } | null }> } | null } };

export type FindPersonQueryVariables = Exact<{
  text: string;
  first?: number | null | undefined;
}>;


export type FindPersonQuery = { findPerson: { hasMore: boolean, nodes: Array<{ id: string, personnummer: string, name: string | null, identityProtection: IdentityProtection }> } };

export type HandleSignalMutationVariables = Exact<{
  personId: string | number;
  signalId: string | number;
  action: string;
  followUp: string;
}>;


export type HandleSignalMutation = { handleSignal: { handling: { id: string, handledAt: string, action: string, followUp: string, handledBy: { id: string, name: string } }, person: { id: string, signals: Array<{ id: string, code: SignalCode, arose: string, needsAction: boolean, handling: { id: string, handledAt: string, action: string, followUp: string, handledBy: { id: string, name: string } } | null }> | null } } };

export type MemberMunicipalitiesQueryVariables = Exact<{ [key: string]: never; }>;


export type MemberMunicipalitiesQuery = { me: { id: string, forbund: { id: string, name: string, municipalities: Array<{ code: string, name: string }> } } | null };

export type PersonObstaclesQueryVariables = Exact<{
  id: string | number;
}>;


export type PersonObstaclesQuery = { person: { id: string, obstacles: Array<{ id: string, code: ObstacleCode, agencies: Array<Agency>, note: string | null, signalsSeen: Array<SignalCode>, recordedAt: string }> } | null };

export type PersonOverviewQueryVariables = Exact<{
  id?: string | number | null | undefined;
  personnummer?: string | null | undefined;
}>;


export type PersonOverviewQuery = { person: { id: string, personnummer: string, name: string | null, address: string | null, identityProtection: IdentityProtection, age: number, homeMunicipality: { code: string, name: string, region: { kind: string, code: string, name: string } }, consents: Array<{ id: string, agency: Agency, validFrom: string, validTo: string, revokedAt: string | null, formReference: string, controller: { kind: string, code: string, name: string } | null }>, sicknessInsurance: { ongoingSickLeave: { id: string, benefit: Benefit, status: CaseStatus, startDate: string, currentDegree: number | null, dayInRehabilitationChain: number | null, rehabilitationCheckpoint: RehabilitationCheckpoint | null, reconciliationMeetingDate: string | null, rehabilitationPlanDate: string | null } | null, cases: Array<{ id: string, benefit: Benefit, status: CaseStatus, startDate: string, endDate: string | null, decisionDate: string | null, refusalReason: RefusalReason | null, degreeSteps: Array<{ from: string, to: string | null, degree: number }> }> } | null, employment: { longTermUnemployed: boolean, currentRegistration: { id: string, registeredOn: string, hasPlan: boolean, office: string, jobSeekerCategory: { code: string, label: string } } | null, programmes: Array<{ id: string, programme: Programme, startDate: string, endDate: string | null, payment: ProgrammePayment }>, registrations: Array<{ id: string, registeredOn: string, deregisteredOn: string | null, office: string, jobSeekerCategory: { code: string, label: string } }> } | null, socialServices: { assistanceMonthsLast12: number, assistanceMonths: Array<{ month: string, reasonForNeed: { label: string }, municipality: { code: string, name: string } }>, notReleased: Array<{ reason: string, controller: { code: string, name: string } }> } | null, care: { certificates: Array<{ id: string, type: CertificateType, issuedOn: string, careUnit: string, workCapacitySteps: Array<{ from: string, to: string, reduction: number }> }>, rehabilitationCoordinator: { name: string, careUnit: string, assignedOn: string } | null, notReleased: Array<{ reason: string, controller: { code: string, name: string } }> } | null, signals: Array<{ id: string, code: SignalCode, arose: string, summary: string, needsAction: boolean, facts: Array<{ agency: Agency, description: string, date: string | null }>, handling: { id: string, handledAt: string, action: string, followUp: string, handledBy: { id: string, name: string } } | null }> | null, unseenAgencies: Array<{ agency: Agency, reason: UnseenReason, signalsNotEvaluated: Array<SignalCode> }> | null } | null };

export type PersonParticipationsQueryVariables = Exact<{
  id: string | number;
}>;


export type PersonParticipationsQuery = { person: { id: string, identityProtection: IdentityProtection, sex: Sex, participations: Array<{ id: string, registeredIn: string, registeredOut: string | null, intervention: { id: string, name: string }, atEnd: { reason: EndReason } | null }> } | null, me: { id: string, forbund: { id: string, interventions: Array<{ id: string, name: string, kind: InterventionKind, startDate: string, endDate: string | null }> } } | null };

export type RecordConsentMutationVariables = Exact<{
  input: RecordConsentInput;
}>;


export type RecordConsentMutation = { recordConsent: { consents: Array<{ id: string, agency: Agency, validFrom: string, validTo: string, revokedAt: string | null, formReference: string, controller: { kind: string, code: string, name: string } | null }>, person: { id: string, consents: Array<{ id: string, agency: Agency, validFrom: string, validTo: string, revokedAt: string | null, formReference: string, controller: { kind: string, code: string, name: string } | null }> } } };

export type RecordObstacleMutationVariables = Exact<{
  input: RecordObstacleInput;
}>;


export type RecordObstacleMutation = { recordObstacle: { obstacle: { id: string, code: ObstacleCode, agencies: Array<Agency>, note: string | null, signalsSeen: Array<SignalCode>, recordedAt: string }, person: { id: string, obstacles: Array<{ id: string, code: ObstacleCode, agencies: Array<Agency>, note: string | null, signalsSeen: Array<SignalCode>, recordedAt: string }> } } };

export type RegisterParticipationMutationVariables = Exact<{
  input: RegisterParticipationInput;
}>;


export type RegisterParticipationMutation = { registerParticipation: { participation: { id: string, registeredIn: string, registeredOut: string | null, intervention: { id: string, name: string }, atStart: { incomeSources: Array<IncomeSource>, occupation: Occupation, occupationShareOfFullTime: number, educationLevel: EducationLevel, yearsOnPublicSupport: number } }, person: { id: string, participations: Array<{ id: string, registeredIn: string, registeredOut: string | null, intervention: { id: string, name: string }, atEnd: { reason: EndReason } | null }> } | null } };

export type RevokeConsentMutationVariables = Exact<{
  personId?: string | number | null | undefined;
  personnummer?: string | null | undefined;
  agency: Agency;
  controller?: string | null | undefined;
}>;


export type RevokeConsentMutation = { revokeConsent: { consent: { id: string, agency: Agency, validFrom: string, validTo: string, revokedAt: string | null, formReference: string, controller: { kind: string, code: string, name: string } | null }, person: { id: string, consents: Array<{ id: string, agency: Agency, validFrom: string, validTo: string, revokedAt: string | null, formReference: string, controller: { kind: string, code: string, name: string } | null }> } } };


export const CaseloadDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Caseload"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"signals"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}},"defaultValue":{"kind":"BooleanValue","value":true}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"caseload"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"personnummer"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"identityProtection"}},{"kind":"InlineFragment","directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"signals"}}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"arose"}},{"kind":"Field","name":{"kind":"Name","value":"needsAction"}},{"kind":"Field","name":{"kind":"Name","value":"handling"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"followUp"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"unseenAgencies"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"agency"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<CaseloadQuery, CaseloadQueryVariables>;
export const EndParticipationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"EndParticipation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"EndParticipationInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"endParticipation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"participation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"registeredIn"}},{"kind":"Field","name":{"kind":"Name","value":"registeredOut"}},{"kind":"Field","name":{"kind":"Name","value":"atEnd"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"occupation"}},{"kind":"Field","name":{"kind":"Name","value":"incomeSources"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"person"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"participations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"registeredIn"}},{"kind":"Field","name":{"kind":"Name","value":"registeredOut"}},{"kind":"Field","name":{"kind":"Name","value":"intervention"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"atEnd"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<EndParticipationMutation, EndParticipationMutationVariables>;
export const FindPersonDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FindPerson"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"text"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"findPerson"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"text"},"value":{"kind":"Variable","name":{"kind":"Name","value":"text"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"personnummer"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"identityProtection"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hasMore"}}]}}]}}]} as unknown as DocumentNode<FindPersonQuery, FindPersonQueryVariables>;
export const HandleSignalDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"HandleSignal"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"personId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"signalId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"action"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"followUp"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"handleSignal"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"personId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"personId"}}},{"kind":"Argument","name":{"kind":"Name","value":"signalId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"signalId"}}},{"kind":"Argument","name":{"kind":"Name","value":"action"},"value":{"kind":"Variable","name":{"kind":"Name","value":"action"}}},{"kind":"Argument","name":{"kind":"Name","value":"followUp"},"value":{"kind":"Variable","name":{"kind":"Name","value":"followUp"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"handling"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"handledBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"handledAt"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"followUp"}}]}},{"kind":"Field","name":{"kind":"Name","value":"person"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"signals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"arose"}},{"kind":"Field","name":{"kind":"Name","value":"needsAction"}},{"kind":"Field","name":{"kind":"Name","value":"handling"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"handledBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"handledAt"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"followUp"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<HandleSignalMutation, HandleSignalMutationVariables>;
export const MemberMunicipalitiesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MemberMunicipalities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"forbund"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"municipalities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<MemberMunicipalitiesQuery, MemberMunicipalitiesQueryVariables>;
export const PersonObstaclesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PersonObstacles"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"person"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"obstacles"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"agencies"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"signalsSeen"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}}]}}]}}]}}]} as unknown as DocumentNode<PersonObstaclesQuery, PersonObstaclesQueryVariables>;
export const PersonOverviewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PersonOverview"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"personnummer"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"person"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"personnummer"},"value":{"kind":"Variable","name":{"kind":"Name","value":"personnummer"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"personnummer"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"address"}},{"kind":"Field","name":{"kind":"Name","value":"identityProtection"}},{"kind":"Field","name":{"kind":"Name","value":"age"}},{"kind":"Field","name":{"kind":"Name","value":"homeMunicipality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"region"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"consents"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"agency"}},{"kind":"Field","name":{"kind":"Name","value":"validFrom"}},{"kind":"Field","name":{"kind":"Name","value":"validTo"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"formReference"}},{"kind":"Field","name":{"kind":"Name","value":"controller"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"sicknessInsurance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ongoingSickLeave"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"benefit"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"currentDegree"}},{"kind":"Field","name":{"kind":"Name","value":"dayInRehabilitationChain"}},{"kind":"Field","name":{"kind":"Name","value":"rehabilitationCheckpoint"}},{"kind":"Field","name":{"kind":"Name","value":"reconciliationMeetingDate"}},{"kind":"Field","name":{"kind":"Name","value":"rehabilitationPlanDate"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cases"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"benefit"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"endDate"}},{"kind":"Field","name":{"kind":"Name","value":"degreeSteps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"degree"}}]}},{"kind":"Field","name":{"kind":"Name","value":"decisionDate"}},{"kind":"Field","name":{"kind":"Name","value":"refusalReason"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"employment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"currentRegistration"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"registeredOn"}},{"kind":"Field","name":{"kind":"Name","value":"jobSeekerCategory"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"label"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hasPlan"}},{"kind":"Field","name":{"kind":"Name","value":"office"}}]}},{"kind":"Field","name":{"kind":"Name","value":"programmes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"programme"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"endDate"}},{"kind":"Field","name":{"kind":"Name","value":"payment"}}]}},{"kind":"Field","name":{"kind":"Name","value":"registrations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"registeredOn"}},{"kind":"Field","name":{"kind":"Name","value":"deregisteredOn"}},{"kind":"Field","name":{"kind":"Name","value":"jobSeekerCategory"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"label"}}]}},{"kind":"Field","name":{"kind":"Name","value":"office"}}]}},{"kind":"Field","name":{"kind":"Name","value":"longTermUnemployed"}}]}},{"kind":"Field","name":{"kind":"Name","value":"socialServices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"assistanceMonthsLast12"}},{"kind":"Field","name":{"kind":"Name","value":"assistanceMonths"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"reasonForNeed"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"label"}}]}},{"kind":"Field","name":{"kind":"Name","value":"municipality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"notReleased"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"controller"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"care"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"certificates"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"issuedOn"}},{"kind":"Field","name":{"kind":"Name","value":"careUnit"}},{"kind":"Field","name":{"kind":"Name","value":"workCapacitySteps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"reduction"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"rehabilitationCoordinator"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"careUnit"}},{"kind":"Field","name":{"kind":"Name","value":"assignedOn"}}]}},{"kind":"Field","name":{"kind":"Name","value":"notReleased"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"controller"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"signals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"arose"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"facts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"agency"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"date"}}]}},{"kind":"Field","name":{"kind":"Name","value":"needsAction"}},{"kind":"Field","name":{"kind":"Name","value":"handling"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"handledBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"handledAt"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"followUp"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"unseenAgencies"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"agency"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"signalsNotEvaluated"}}]}}]}}]}}]} as unknown as DocumentNode<PersonOverviewQuery, PersonOverviewQueryVariables>;
export const PersonParticipationsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PersonParticipations"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"person"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"identityProtection"}},{"kind":"Field","name":{"kind":"Name","value":"sex"}},{"kind":"Field","name":{"kind":"Name","value":"participations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"registeredIn"}},{"kind":"Field","name":{"kind":"Name","value":"registeredOut"}},{"kind":"Field","name":{"kind":"Name","value":"intervention"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"atEnd"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"forbund"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"interventions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"endDate"}}]}}]}}]}}]}}]} as unknown as DocumentNode<PersonParticipationsQuery, PersonParticipationsQueryVariables>;
export const RecordConsentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecordConsent"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RecordConsentInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordConsent"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"consents"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"agency"}},{"kind":"Field","name":{"kind":"Name","value":"validFrom"}},{"kind":"Field","name":{"kind":"Name","value":"validTo"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"formReference"}},{"kind":"Field","name":{"kind":"Name","value":"controller"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"person"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"consents"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"agency"}},{"kind":"Field","name":{"kind":"Name","value":"validFrom"}},{"kind":"Field","name":{"kind":"Name","value":"validTo"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"formReference"}},{"kind":"Field","name":{"kind":"Name","value":"controller"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<RecordConsentMutation, RecordConsentMutationVariables>;
export const RecordObstacleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecordObstacle"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RecordObstacleInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordObstacle"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"obstacle"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"agencies"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"signalsSeen"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"person"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"obstacles"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"agencies"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"signalsSeen"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}}]}}]}}]}}]}}]} as unknown as DocumentNode<RecordObstacleMutation, RecordObstacleMutationVariables>;
export const RegisterParticipationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RegisterParticipation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RegisterParticipationInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registerParticipation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"participation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"registeredIn"}},{"kind":"Field","name":{"kind":"Name","value":"registeredOut"}},{"kind":"Field","name":{"kind":"Name","value":"intervention"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"atStart"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"incomeSources"}},{"kind":"Field","name":{"kind":"Name","value":"occupation"}},{"kind":"Field","name":{"kind":"Name","value":"occupationShareOfFullTime"}},{"kind":"Field","name":{"kind":"Name","value":"educationLevel"}},{"kind":"Field","name":{"kind":"Name","value":"yearsOnPublicSupport"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"person"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"participations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"registeredIn"}},{"kind":"Field","name":{"kind":"Name","value":"registeredOut"}},{"kind":"Field","name":{"kind":"Name","value":"intervention"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"atEnd"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<RegisterParticipationMutation, RegisterParticipationMutationVariables>;
export const RevokeConsentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeConsent"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"personId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"personnummer"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"agency"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Agency"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"controller"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeConsent"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"personId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"personId"}}},{"kind":"Argument","name":{"kind":"Name","value":"personnummer"},"value":{"kind":"Variable","name":{"kind":"Name","value":"personnummer"}}},{"kind":"Argument","name":{"kind":"Name","value":"agency"},"value":{"kind":"Variable","name":{"kind":"Name","value":"agency"}}},{"kind":"Argument","name":{"kind":"Name","value":"controller"},"value":{"kind":"Variable","name":{"kind":"Name","value":"controller"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"consent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"agency"}},{"kind":"Field","name":{"kind":"Name","value":"validFrom"}},{"kind":"Field","name":{"kind":"Name","value":"validTo"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"formReference"}},{"kind":"Field","name":{"kind":"Name","value":"controller"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"person"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"consents"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"agency"}},{"kind":"Field","name":{"kind":"Name","value":"validFrom"}},{"kind":"Field","name":{"kind":"Name","value":"validTo"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"formReference"}},{"kind":"Field","name":{"kind":"Name","value":"controller"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<RevokeConsentMutation, RevokeConsentMutationVariables>;