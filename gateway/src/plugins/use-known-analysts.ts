import type { AuditLog } from '@finsam/kit/audit';
import { refusal } from '@finsam/kit/errors';
import { ExpiringCache } from '@finsam/kit/expiring-cache';
import type { Logger } from '@finsam/kit/logger';
import type { RequestPlugin } from '@finsam/kit/request-plugin';
import type { GatewayContext } from '../context.ts';
import type { KnownAnalysts } from '../known-analysts.ts';
import { recordRefusal } from './use-request-audit.ts';

/** How often a refusal of the same unknown `sub` is written to the audit log. */
const REFUSAL_RECORD_INTERVAL_MS = 60_000;

const UNKNOWN_ANALYST = refusal({
  code: 'FORBIDDEN', reason: 'UNKNOWN_ANALYST', status: 403,
  message: 'This analyst account is not on the list of analysts of the association: ask the association\'s administrator to add it (npm run analysts -- add <user id>).',
});

/**
 * An analyst's token is served only for a `sub` on the förbund's list (known-analysts.ts), from
 * the headers, before the body is read, parsed or planned: otherwise 403 FORBIDDEN
 * UNKNOWN_ANALYST. Before the analyst rate limit, so that an unknown `sub` takes no place in it
 * (and cannot crowd the known analysts out of the places all analysts share). Other roles pass:
 * coordinators are known by coordination's store (UNKNOWN_COORDINATOR), auditors by their role.
 *
 * The token itself was valid, so the refusal is a decision about a named user: a record in the
 * gateway's audit log (actor, REFUSED, UNKNOWN_ANALYST), at most one per `sub` a minute — this
 * runs before the rate limit, and a valid token (a removed analyst's, for up to 12 h) must not be
 * able to fill the audit chain. Every refusal is logged (request id and reason, not the `sub`).
 */
export function useKnownAnalysts(options: { analysts: KnownAnalysts; auditLog: AuditLog; logger: Logger }): RequestPlugin<GatewayContext> {
  const recorded = new ExpiringCache<true>();
  return {
    name: 'use-known-analysts',
    async onRequest({ context, requestId }) {
      if (!context.user) throw new Error('use-known-analysts runs after use-authentication, which names the user');
      if (context.user.role !== 'analyst' || await options.analysts.isKnown(context.user.id)) return;
      options.logger.info({ requestId, reason: 'UNKNOWN_ANALYST' }, 'request refused: analyst not on the list');
      if (recorded.get(context.user.id)) return { refuse: UNKNOWN_ANALYST };
      recorded.set(context.user.id, true, Date.now() + REFUSAL_RECORD_INTERVAL_MS);
      await recordRefusal(options.auditLog, options.logger, { user: context.user, requestId }, { decision: 'REFUSED', reason: 'UNKNOWN_ANALYST' });
      return { refuse: UNKNOWN_ANALYST };
    },
  };
}
