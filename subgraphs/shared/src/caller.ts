import type { IncomingHttpHeaders } from 'node:http';

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

/** Headers on which the gateway passes the caller to a subgraph. */
export const CALLER_HEADERS = {
  actor: 'x-finsam-actor',
  role: 'x-finsam-role',
  purpose: 'x-finsam-purpose',
} as const;

export function callerHeaders(caller: Caller): Record<string, string> {
  return {
    [CALLER_HEADERS.actor]: caller.actorId,
    [CALLER_HEADERS.role]: caller.role,
    [CALLER_HEADERS.purpose]: caller.purpose,
    'x-request-id': caller.requestId,
  };
}

export function callerFromHeaders(headers: IncomingHttpHeaders, requestId: string): Caller | null {
  const actorId = headers[CALLER_HEADERS.actor];
  const role = headers[CALLER_HEADERS.role];
  const purpose = headers[CALLER_HEADERS.purpose];
  if (typeof actorId !== 'string' || actorId === '' || !isRole(role)) return null;
  return { actorId, role, purpose: typeof purpose === 'string' && purpose !== '' ? purpose : 'COORDINATION', requestId };
}
