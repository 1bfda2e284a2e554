import { describe, expect, it } from 'vitest';
import { ERROR_CODES, REFUSAL_REASONS } from '@finsam/kit/error-catalogue';
import { toGraphQLError } from '@finsam/kit/errors';
import { validConsent } from '@finsam/coordination/consent-form';
import { englishIn } from './english.ts';

/** The client's modules, loaded by vite: the root type check would hold the browser code to Node's import rules (it has `tsc -p client`). */
const CLIENT_ERRORS: string = '../../../client/src/errors.ts';
const CONSENT_TEXTS: string = '../../../client/src/consent-texts.ts';
type Item = { message: string; extensions?: Record<string, unknown> };
const { swedishErrors, swedishText, NETWORK_FAILURE } = await import(CLIENT_ERRORS) as {
  swedishErrors: (error: unknown, fields?: object) => string[];
  swedishText: (error: Item, fields?: object) => string;
  NETWORK_FAILURE: string;
};
const { consentFieldTexts } = await import(CONSENT_TEXTS) as { consentFieldTexts: (form: { validFrom: string; validTo: string; today: string }) => object };

/** As the graph sends it: the English message and the extensions that leave the graph. */
const sent = (error: ReturnType<typeof toGraphQLError>): Item => ({ message: error.message, extensions: { ...error.extensions } });

describe('the coordinator client says every error in Swedish (client/src/errors.ts)', () => {
  it('has Swedish for every code and reason in the catalogue, never the English message', () => {
    // Each its own, in the catalogue beside the code (subgraphs/kit/src/error-catalogue.ts).
    const without = [...Object.entries(ERROR_CODES), ...Object.entries(REFUSAL_REASONS)].filter(([, entry]) => !('shown' in entry)).map(([name]) => name);
    expect(without).toEqual([]);
    const message = 'The person has no consent for CARE in force to withdraw.';
    const texts = [
      ...Object.keys(ERROR_CODES).map((code) => swedishText({ message, extensions: { code, serviceName: 'care' } })),
      ...Object.entries(REFUSAL_REASONS).map(([reason, entry]) => swedishText({ message, extensions: { code: entry.code, reason } })),
    ];
    for (const text of texts) {
      expect(englishIn(text), text).toEqual([]);
      expect(text).not.toContain(message);
      expect(text).toMatch(/^[A-ZÅÄÖ«].*[.!?]$/u);
    }
    expect(swedishText({ message, extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'employment' } })).toBe('Arbetsförmedlingen svarar inte just nu.');
    expect(swedishText({ message, extensions: { code: 'BAD_USER_INPUT', argument: 'agency', reason: 'NOTHING_IN_FORCE' } })).toBe('Det finns inget samtycke i kraft att återkalla.');
  });

  it('says what is wrong with each field of the consent form, from coordination\'s own refusals', () => {
    const today = '2026-12-07';
    const base = { personId: 'p', agencies: ['CARE'], validFrom: today, validTo: '2027-12-07', formReference: 'SAMTYCKE-1' };
    const cases: [Partial<typeof base> & { controllers?: string[] }, string][] = [
      [{ agencies: [] }, 'Välj minst en myndighet som samtycket gäller.'],
      [{ validFrom: '2026-13-01' }, '«Giltigt från» är inte ett datum (ÅÅÅÅ-MM-DD).'],
      [{ validFrom: '2026-01-01' }, '«Giltigt från» får vara högst 30 dagar före eller efter i dag: ett samtycke registreras när det har skrivits under.'],
      [{ validFrom: '2026-12-07', validTo: '2026-12-01' }, '«Giltigt till» får inte vara före «Giltigt från».'],
      [{ validTo: '2031-01-01' }, 'Ett samtycke gäller högst tre år: «Giltigt till» är för långt efter «Giltigt från».'],
      [{ formReference: '<script>' }, '«Blankettens referens» ska vara 1–100 bokstäver, siffror, mellanslag eller . _ / -.'],
      [{ controllers: ['1480'] }, 'En kommun kan bara anges för Socialtjänsten och en region bara för Hälso- och sjukvården: välj myndigheten också.'],
      [{ controllers: ['12345'] }, 'Samtycket kan bara gälla medlemskommunerna i samordningsförbundet och deras regioner.'],
    ];
    for (const [change, expected] of cases) {
      const input = { ...base, ...change } as Parameters<typeof validConsent>[0];
      const result = validConsent(input, today);
      expect(result.ok, JSON.stringify(change)).toBe(false);
      if (result.ok) continue;
      const error = sent(toGraphQLError(result.refusal));
      const shown = swedishErrors({ errors: [error] }, consentFieldTexts({ validFrom: input.validFrom, validTo: input.validTo, today }));
      expect(shown, error.message).toEqual([expected]);
      expect(englishIn(shown[0]!)).toEqual([]);
    }
  });

  it('says a network failure, an expired sign-in and a server fault in Swedish', () => {
    expect(swedishErrors(new TypeError('Failed to fetch'))).toEqual([NETWORK_FAILURE]);
    const unauthenticated = Object.assign(new Error('Response not successful: Received status code 401'), {
      statusCode: 401, bodyText: JSON.stringify({ errors: [{ message: 'Token expired.', extensions: { code: 'UNAUTHENTICATED' } }] }),
    });
    expect(swedishErrors(unauthenticated)[0]).toMatch(/^Inloggningen har gått ut/);
    expect(swedishErrors(Object.assign(new Error('Bad gateway'), { statusCode: 502, bodyText: '<html>' }))[0]).toMatch(/^Systemet svarar inte/);
    for (const text of [...swedishErrors(new TypeError('Failed to fetch')), ...swedishErrors(unauthenticated)]) expect(englishIn(text)).toEqual([]);
  });
});
