import { generateKeyPair, SignJWT } from 'jose';
import { defaultPurpose } from '@finsam/kit/caller';
import { GATEWAY_ISSUER, GATEWAY_TOKEN_ALGORITHM, signGatewayToken } from '@finsam/kit/gateway-token';
import { verdictOf, type Check } from './check.ts';
import { AGENCY_SECTORS, describeAnswer, Implementation } from './implementation.ts';
import { askPerson, basisFor, coordinatorOf } from './person.ts';

/**
 * Check 1: a subgraph answers only the gateway. Each bad token is sent with a request that a
 * good one would be answered with in full (the SDL and the person, under a valid basis), and
 * must get nothing back: HTTP 401/403 or a GraphQL error with a code, and no data.
 */
export const tokenCheck: Check = {
  name: 'token',
  title: 'nothing without a gateway token for its audience',
  async run(run) {
    const impl = run.implementation;
    const speaker = coordinatorOf(run);
    // Another agency's: what whoever reads one agency's traffic would replay at this one.
    const otherAudience = AGENCY_SECTORS.find((s) => s.name !== impl.sector.name)!.name;
    const { privateKey: strangerKey } = await generateKeyPair(GATEWAY_TOKEN_ALGORITHM, { crv: 'Ed25519' });
    const subject = { actorId: speaker.actorId, role: speaker.role, purpose: defaultPurpose(speaker.role) };
    const longAgo = Math.floor(Date.now() / 1000) - 600;
    const tokens: [string, () => Promise<string | null>][] = [
      ['no token', async () => null],
      [`a token for another agency's audience (${otherAudience})`, () => impl.token(speaker, otherAudience)],
      // The gateway's key id, another key: a verifier that trusts the kid alone would take it.
      ['a token signed with another key', () => signGatewayToken({ ...impl.keys.gateway, privateKey: strangerKey }, subject, impl.sector.name)],
      ['an expired token', () => new SignJWT({ role: subject.role, purpose: subject.purpose })
        .setProtectedHeader({ alg: GATEWAY_TOKEN_ALGORITHM, kid: impl.keys.gateway.kid, typ: 'JWT' })
        .setIssuer(GATEWAY_ISSUER).setAudience(impl.sector.name).setSubject(subject.actorId)
        .setIssuedAt(longAgo).setExpirationTime(longAgo + 60)
        .sign(impl.keys.gateway.privateKey)],
    ];
    const failures: string[] = [];
    for (const [what, make] of tokens) {
      const requestId = Implementation.requestId();
      const basis = impl.sector.name === 'coordination' ? undefined : await basisFor(run, { actorId: speaker.actorId, requestId });
      const { answer, anything } = await askPerson(run, { requestId, token: await make(), basis, withService: true });
      const refused = answer.status === 401 || answer.status === 403 || (answer.errors ?? []).some((e) => typeof e.extensions?.code === 'string');
      if (anything) failures.push(`answered with data to ${what} (${describeAnswer(answer)})`);
      else if (!refused) failures.push(`gave no refusal to ${what}: neither HTTP 401/403 nor an error code (${describeAnswer(answer)})`);
    }
    return verdictOf(failures, `refused ${tokens.map(([what]) => what).join(', ')}`);
  },
};
