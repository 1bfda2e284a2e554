import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, type FieldNode, type GraphQLResolveInfo, type OperationDefinitionNode } from 'graphql';
import type { Caller } from '../../src/caller.ts';
import type { ConsentEvidence } from '../../src/consent.ts';
import { createReleaseBasisVerifier, loadOrCreateCoordinationKey, signPersonBases, type PersonEvidence } from '../../src/release-basis.ts';
import type { SigningKey } from '../../src/signing-key.ts';
import type { Agency } from '../../src/agencies.ts';

/** The moment the tests run at, fixed: bases are signed and checked against it, consent judged on its day. */
export const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);
export const TODAY = '2026-03-10';

export const PERSON = '198503152383';
export const OTHER_PERSON = '197702280394';

export const coordinator: Caller = { actorId: 'coordinator-1', role: 'coordinator', purpose: 'COORDINATION', requestId: 'request-1' };

export const validConsent = (agency: Agency, over: Partial<ConsentEvidence> = {}): ConsentEvidence =>
  ({ agency, validFrom: '2026-01-01', validTo: '2026-12-31', revokedAt: null, ...over });

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Coordination's key in a fresh DATA_DIR (its public key set written beside it, where an agency
 * on the same machine reads it), and an agency's verifier of that folder on a clock the test
 * moves. Bases are signed as coordination signs them (release-basis.ts, coordination's context.ts).
 */
export async function coordinationAndAgency() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-kit-basis-'));
  const key = await loadOrCreateCoordinationKey(dataDir);
  const clock = { now: NOW };
  let signatureChecks = 0;
  const verifier = createReleaseBasisVerifier({}, dataDir, { now: () => clock.now, onSignatureCheck: () => signatureChecks++ });
  return {
    dataDir,
    key,
    clock,
    verifier,
    signatureChecks: () => signatureChecks,
    /** Bases for the entries, bound to an agency, a user and a request, signed at a moment (NOW unless given). */
    sign(agency: Agency, entries: PersonEvidence[], binding: { actorId?: string; requestId?: string; signedAt?: number; key?: Pick<SigningKey, 'kid' | 'privateKey'> } = {}) {
      return signPersonBases(binding.key ?? key, agency, { actorId: binding.actorId ?? coordinator.actorId, requestId: binding.requestId ?? coordinator.requestId },
        entries, binding.signedAt ?? NOW);
    },
    close: () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** What a resolver of `query`'s first field is given: enough of GraphQLResolveInfo for the fields it logs. */
export function resolveInfo(query: string): GraphQLResolveInfo {
  const operation = parse(query).definitions[0] as OperationDefinitionNode;
  const field = operation.selectionSet.selections[0] as FieldNode;
  return { fieldName: field.name.value, fieldNodes: [field], fragments: {} } as unknown as GraphQLResolveInfo;
}
