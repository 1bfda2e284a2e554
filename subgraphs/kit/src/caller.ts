export const ROLES = ['coordinator', 'analyst', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The end user on whose behalf the gateway calls a subgraph. */
export interface Caller {
  /** The user's id (`sub` of the user's token), e.g. coordinator-1. */
  actorId: string;
  role: Role;
  /** Why the data is read (ändamål): one of PURPOSES_BY_ROLE[role], e.g. COORDINATION. */
  purpose: string;
  requestId: string;
  /** The samordningsförbund whose gateway asked (trusted-forbund.ts); absent for a part's own jobs. */
  forbund?: string;
}

/**
 * The purposes (ändamål) a user may give for an access, per role: the audit log records one of
 * these and nothing else, so a token cannot write free text into every store's log, and a role
 * cannot claim another's purpose (a coordinator's read logged as AUDIT would mislead the very
 * control it is meant for). The first of each role is what a token without `purpose` gets.
 */
export const PURPOSES_BY_ROLE = {
  coordinator: ['COORDINATION'],
  analyst: ['FOLLOW_UP', 'STATISTICS'],
  auditor: ['AUDIT', 'TILLSYN'],
} as const satisfies Record<Role, readonly [string, ...string[]]>;

export type Purpose = (typeof PURPOSES_BY_ROLE)[Role][number];

export const PURPOSES: readonly Purpose[] = Object.values(PURPOSES_BY_ROLE).flat();

export function isPurposeOf(role: Role, value: unknown): value is Purpose {
  return typeof value === 'string' && (PURPOSES_BY_ROLE[role] as readonly string[]).includes(value);
}

export const defaultPurpose = (role: Role): Purpose => PURPOSES_BY_ROLE[role][0];
