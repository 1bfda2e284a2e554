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
  /** Why the data is read (ändamål), e.g. COORDINATION. */
  purpose: string;
  requestId: string;
}
