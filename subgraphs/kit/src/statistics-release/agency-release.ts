import type { Agency } from '../agencies.ts';

/**
 * The agencies' statistics releases (issue 20; docs/statistics-release.md): the contract between
 * coordination's release job and each agency.
 *
 * For each period coordination releases (a month `YYYY-MM` or a calendar year `YYYY`), its job
 * hands each agency the period's cohort: the persons registered in during the period (each by
 * their earliest registration in it, protected identities left out) whose consent covers that
 * agency on the day of the job, each with the release's dimensions. The list is signed by
 * coordination and sealed to the agency (`signStatisticsBasis`, release-basis.ts), and POSTed to
 * the agency's STATISTICS_RELEASE_PATH as `{ "basis": <signed basis>, "period": <the period> }`.
 *
 * The agency checks the basis, keeps the members whose consent it finds covers it, and:
 * - the first time for the period: protects its own categories of those members, as of that day,
 *   by the dimensions (discrete Gaussian noise, its own ρ and CSPRNG), and stores them in its own
 *   store in one transaction with an audit record (STATISTICS_RELEASE, the member set beside it);
 *   later calls for the period find it stored and draw nothing again;
 * - every time: answers the signal questions on the members (signal-statistics.ts), as
 *   `AgencyReleaseAnswer.signalFacts`, which coordination's job combines into the signal counts
 *   it releases itself. Only yes/no answers leave the agency; its categories leave only protected.
 *
 * Analysts' `Cohort.<sectorField>` is then answered by the agency from its stored releases.
 */

/** Where an agency takes a release request, beside `/graphql` on the same server. */
export const STATISTICS_RELEASE_PATH = '/statistics-release';

/** The `sub` of a statistics basis: the job, not a person, asks. */
export const STATISTICS_RELEASE_ACTOR = 'statistics-release-job';

/** The `rid` of a statistics basis: bound to the period it lists, so it releases no other. */
export const statisticsReleaseRequestId = (period: string) => `statistics-release:${period}`;

/** One member of a period's cohort as handed to an agency. */
export interface ReleaseMember {
  personnummer: string;
  /** The one consent that covers the agency (the longest running), for the agency's own check. */
  consentValidFrom: string;
  consentValidTo: string;
  /**
   * For an agency of many controllers (controllers.ts): the controllers a consent in force names,
   * kommunkoder for the social services. Only their data counts for the member.
   */
  controllers?: string[];
  /** The release's dimensions, from the member's earliest registration in the period. */
  intervention: string;
  municipality: string;
  sex: string;
  ageBand: string;
  /** Priority groups (insatsernas målgrupper); [] is none. */
  priorityGroups: string[];
}

/** The sealed list: the plaintext of a statistics basis (JSON). */
export interface ReleaseMemberList {
  agency: Agency;
  /** `YYYY-MM` or `YYYY`. */
  period: string;
  /** The period's first and last day. */
  from: string;
  to: string;
  /** The day the job runs: the agency's categories are as of this day. */
  asOf: string;
  /** Every value of each dimension (every cell of a table is noised, empty ones too). */
  domains: { intervention: string[]; municipality: string[] };
  members: ReleaseMember[];
}

/** The request body of STATISTICS_RELEASE_PATH. */
export interface AgencyReleaseRequest {
  basis: string;
  /**
   * The period the basis lists, said outside the sealed list: the basis is bound to its period
   * (its `rid`), so the agency needs the period to verify it before it may read the list; it then
   * checks that the list's own period is this one.
   */
  period: string;
}

/** The answer of STATISTICS_RELEASE_PATH (HTTP 200); refusals are 4xx with `{ error: { code, reason, message } }`. */
export interface AgencyReleaseAnswer {
  period: string;
  /** False when this call drew the release; true when it was already stored. */
  alreadyReleased: boolean;
  /** Protected cells stored for the period. */
  cells: number;
  /** Members on the list whose consent the agency found covering it. */
  counted: number;
  /**
   * The agency's answers to the signal questions on the members, in list order (encodeAnswers
   * over the decrypted list text): a member the agency did not count is answered as not released.
   */
  signalFacts: string;
}
