import type { Agency } from './agencies.ts';
import type { IsoDate } from './dates.ts';
import type { ConsentRefusal } from './error-catalogue.ts';

/**
 * Where coordination serves its withdrawal feed (GET) and an agency takes a pushed one (POST):
 * consent-withdrawals.ts. Here, in a module that imports nothing, so that http.ts can name the route.
 */
export const WITHDRAWALS_PATH = '/consent-withdrawals';

/** A consent record as it reaches an agency subgraph through the query plan. */
export interface ConsentEvidence {
  agency: Agency;
  validFrom: IsoDate;
  validTo: IsoDate;
  revokedAt: string | null;
  /**
   * The data controller the consent names, for an agency that is many (controllers.ts): the
   * municipality's kommunkod for the social services, the region's länskod for care. Null (or
   * absent) for Försäkringskassan and Arbetsförmedlingen, each one authority.
   */
  controller?: string | null;
  /**
   * The consent's id at coordination, an opaque random value: what coordination's withdrawal feed
   * names (consent-withdrawals.ts), so that the agency can tell this consent was withdrawn after
   * the basis was signed. A consent without one cannot be matched, and is judged as signed.
   */
  id?: string;
  /**
   * Set by the agency, never signed: the feed says the consent was withdrawn after the basis that
   * carries it was signed (revokedAt is then the feed's moment).
   */
  withdrawnSinceBasis?: true;
}

export type ConsentDecision = { covered: true } | { covered: false; reason: ConsentRefusal };

/**
 * Whether the person's consent covers the agency today, and for an agency of many controllers
 * the one named (a consent to "socialtjänsten i Göteborg" is none to Mölndal's). The agency
 * decides this itself from the records rather than trusting a yes/no from coordination: validity
 * dates and withdrawal are checked here, at the moment of release. When no record covers today,
 * the most recent record for the agency says why (withdrawn, expired, or none at all).
 */
export function consentCovers(consents: readonly ConsentEvidence[] | null | undefined, agency: Agency, today: IsoDate, controller?: string): ConsentDecision {
  const forAgency = (consents ?? []).filter((c) => c.agency === agency && (controller === undefined || c.controller === controller));
  if (forAgency.some((c) => c.revokedAt === null && c.validFrom <= today && today <= c.validTo)) return { covered: true };
  // Most recent first: by start, then by end, then a withdrawn one; so the reason does not depend on the records' order.
  const latest = [...forAgency].sort((a, b) => descending(a.validFrom, b.validFrom) || descending(a.validTo, b.validTo)
    || Number(b.revokedAt !== null) - Number(a.revokedAt !== null))[0];
  if (!latest) return { covered: false, reason: 'NO_CONSENT' };
  if (latest.revokedAt !== null) return { covered: false, reason: latest.withdrawnSinceBasis ? 'CONSENT_WITHDRAWN' : 'CONSENT_REVOKED' };
  if (latest.validTo < today) return { covered: false, reason: 'CONSENT_EXPIRED' };
  return { covered: false, reason: 'NO_CONSENT' };
}

const descending = (a: IsoDate, b: IsoDate): number => (a < b ? 1 : a > b ? -1 : 0);
