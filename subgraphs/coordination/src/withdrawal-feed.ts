import type { Agency } from '@finsam/kit/agencies';
import { pushWithdrawals, signWithdrawalFeed, windowStart } from '@finsam/kit/consent-withdrawals';
import type { Logger } from '@finsam/kit/logger';
import type { SigningKey } from '@finsam/kit/signing-key';
import { forbundId } from '@finsam/kit/trusted-forbund';
import { withdrawalsSince, type Db } from './data.ts';

/**
 * Coordination's side of the withdrawal feed (@finsam/kit/consent-withdrawals): an agency's
 * withdrawals of the window, signed with the key that signs release bases, for the agencies' pull
 * and for the push that revokeConsent makes before it answers.
 */
export function withdrawalFeed(signingKey: SigningKey, env: NodeJS.ProcessEnv, logger: Logger) {
  let store: Db | null = null;
  const forbund = forbundId(env);
  const feed = async (agency: Agency, db: Db | null = store): Promise<string> => {
    if (!db) throw new Error('the withdrawal feed is asked before the store is open');
    const now = Date.now();
    return signWithdrawalFeed(signingKey, agency, await withdrawalsSince(db, agency, windowStart(now)), now, forbund);
  };
  return {
    /** The store the feed reads, once open. */
    open(db: Db) {
      store = db;
    },
    feed,
    /**
     * After a withdrawal is committed: the agency's feed, pushed to it now. The withdrawal stands
     * whether or not the agency takes it; one that does not learns of it by its pull, within the
     * bound, and the log says which agency missed the push (no person named).
     */
    async announce(agency: Agency, db: Db): Promise<void> {
      try {
        const pushed = await pushWithdrawals(agency, await feed(agency, db), env);
        if (!pushed.ok) logger.warn({ agency, why: pushed.why }, 'withdrawal not pushed: the agency learns of it from its pull, within the bound');
      } catch (error) {
        logger.warn({ agency, err: (error as Error).message }, 'withdrawal not pushed: the agency learns of it from its pull, within the bound');
      }
    },
  };
}

export type WithdrawalFeed = ReturnType<typeof withdrawalFeed>;
