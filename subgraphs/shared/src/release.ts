import type { GraphQLResolveInfo } from 'graphql';
import type { RequestAudit } from './audit.ts';
import type { Caller } from './caller.ts';
import { consentCovers, type ConsentEvidence } from './consent.ts';
import { todayIso } from './dates.ts';
import { failure, success, type Result } from './errors.ts';
import { selectedFieldPaths } from './field-paths.ts';

/** What coordination sends with a person through the query plan (`@requires`). */
export interface ReleaseBasis {
  consents: ConsentEvidence[];
  protectedIdentity: boolean;
}

export interface PersonWithBasis {
  personnummer: string;
  releaseBasis?: ReleaseBasis | null;
}

const AGENCY_NAMES: Record<string, string> = {
  SICKNESS_INSURANCE: 'Försäkringskassan',
  EMPLOYMENT: 'Arbetsförmedlingen',
  SOCIAL_SERVICES: 'The social services',
  CARE: 'The region',
};

const REASON_TEXT: Record<string, string> = {
  ROLE_NOT_ALLOWED: 'only a coordinator may read a person\'s data',
  NO_CONSENT: 'there is no consent (samtycke) that covers this agency',
  CONSENT_REVOKED: 'the person has withdrawn the consent for this agency',
  CONSENT_EXPIRED: 'the consent for this agency has expired',
};

/**
 * An agency's decision to release its sector of a person's data to the caller, logged either
 * way. The consent arrives with the person through the query plan; the agency re-checks it
 * here, on every request, so a withdrawal holds from the very next request.
 */
export function releaseSector(
  agency: string, person: PersonWithBasis, ctx: { caller: Caller; audit: RequestAudit }, info: GraphQLResolveInfo,
): Result<void> {
  const fields = selectedFieldPaths(info);
  const protectedIdentity = person.releaseBasis?.protectedIdentity ?? false;
  const refuse = (reason: string) => {
    ctx.audit.record({ personnummer: person.personnummer, fields, decision: 'REFUSED', reason, protectedIdentity });
    return failure<void>('FORBIDDEN', `${AGENCY_NAMES[agency] ?? agency} releases no data for this person: ${REASON_TEXT[reason] ?? reason}.`, { agency, reason });
  };
  if (ctx.caller.role !== 'coordinator') return refuse('ROLE_NOT_ALLOWED');
  const decision = consentCovers(person.releaseBasis?.consents, agency, todayIso());
  if (!decision.covered) return refuse(decision.reason);
  ctx.audit.record({ personnummer: person.personnummer, fields, decision: 'RELEASED', reason: null, protectedIdentity });
  return success(undefined);
}
