import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { serveSubgraph } from '@finsam/devkit/testing/subgraph-client';
import type { PersonEvidence } from '@finsam/kit/release-basis';
import { buildCoordination } from '../src/subgraph.ts';

describe('coordination subgraph', () => {
  let subgraph: Awaited<ReturnType<typeof serveSubgraph>>;
  beforeAll(async () => { subgraph = await serveSubgraph(buildCoordination); });
  afterAll(() => subgraph?.close());

  it('gives the coordinator their caseload with person details in three statements', async () => {
    const before = await subgraph.statements();
    const { body } = await subgraph.query('{ me { id name forbund { name } caseload(first: 40) { totalCount nodes { personnummer name age sex homeMunicipality { name county } identityProtection } } } }');
    // The one person with protected identity in the caseload: name withheld (null), identityProtection says why.
    expect(body.errors).toBeUndefined();
    expect(body.data.me.caseload.nodes.filter((n: { name: string | null }) => n.name === null).map((n: { identityProtection: string }) => n.identityProtection)).toEqual(['SKYDDAD_FOLKBOKFORING']);
    expect(body.data.me.id).toBe('coordinator-1');
    expect(body.data.me.forbund.name).toMatch(/Samordningsförbundet/);
    expect(body.data.me.caseload.totalCount).toBe(40);
    expect(body.data.me.caseload.nodes).toHaveLength(40);
    // me, the page (with its total), the förbund
    expect(await subgraph.statements() - before).toBe(3);
  });

  it('keeps name and address of a person with protected identity inside the subgraph', async () => {
    const { body } = await subgraph.query('query($p: String!) { person(personnummer: $p) { name address identityProtection homeMunicipality { name } } }', { p: FIXTURE_PERSONS.protectedIdentity });
    expect(body.data.person).toEqual({ name: null, address: null, identityProtection: 'SKYDDAD_FOLKBOKFORING', homeMunicipality: { name: 'Göteborg' } });
    expect(body.errors).toBeUndefined();
    expect(JSON.stringify(body)).not.toMatch(/Skyddad|Särskild/);
  });

  it('lists consents per agency and participations with their SUS snapshots', async () => {
    const { body } = await subgraph.query(`query($p: String!) { person(personnummer: $p) {
      consents { agency validFrom validTo revokedAt formReference }
      participations { intervention { id name kind forbund { name } } registeredIn registeredOut atStart { incomeSources occupation educationLevel } atEnd { reason occupation } }
    } }`, { p: FIXTURE_PERSONS.lacksCare });
    expect(body.errors).toBeUndefined();
    expect(body.data.person.consents.map((c: { agency: string }) => c.agency).sort()).toEqual(['EMPLOYMENT', 'SICKNESS_INSURANCE', 'SOCIAL_SERVICES']);
    expect(body.data.person.participations.length).toBeGreaterThan(0);
    expect(body.data.person.participations[0].intervention.kind).toBe('INDIVIDUAL');
  });

  it('refuses analysts and auditors every person and caseload', async () => {
    for (const role of ['analyst', 'auditor'] as const) {
      const { body } = await subgraph.query('query($p: String!) { person(personnummer: $p) { personnummer } }', { p: FIXTURE_PERSONS.allConsent }, { actorId: `${role}-1`, role });
      expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const me = await subgraph.query('{ me { id } }', {}, { actorId: `${role}-1`, role });
      expect(me.body.data.me).toBeNull();
    }
  });

  it('computes signals from the sector fields the query plan brings', async () => {
    const representation = {
      __typename: 'Person', personnummer: FIXTURE_PERSONS.allConsent,
      sicknessInsurance: { cases: [] }, employment: { registrations: [], programmes: [] },
      socialServices: { assistanceMonths: [{ month: new Date().toISOString().slice(0, 7), reasonForNeed: { group: 'SICK_LEAVE_WITH_CERTIFICATE' } }] },
      care: { certificates: [] },
    };
    const { body } = await subgraph.query('query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { signals { code facts { agency } } } } }', { r: [representation] });
    expect(body.errors).toBeUndefined();
    expect(body.data._entities[0].signals.map((s: { code: string }) => s.code)).toEqual(['SICK_LISTED_WITHOUT_BENEFIT']);
  });

  it('names the controller of each consent in the release basis it signs: the municipality for the social services, the region for care', async () => {
    const { body } = await subgraph.query('query($p: String!) { person(personnummer: $p) { sicknessInsuranceReleaseBasis socialServicesReleaseBasis careReleaseBasis } }', { p: FIXTURE_PERSONS.allConsent });
    expect(body.errors).toBeUndefined();
    // The evidence an agency reads: the entry the basis carries (release-basis.ts).
    const controllers = (wire: string) => (JSON.parse(JSON.parse(wire).entry as string) as PersonEvidence).consents.map((c) => [c.agency, c.controller]);
    expect(new Set(controllers(body.data.person.socialServicesReleaseBasis).map(String))).toEqual(new Set(['SOCIAL_SERVICES,1480']));
    expect(new Set(controllers(body.data.person.careReleaseBasis).map(String))).toEqual(new Set(['CARE,14']));
    expect(new Set(controllers(body.data.person.sicknessInsuranceReleaseBasis).map(([agency, controller]) => `${agency} ${controller}`))).toEqual(new Set(['SICKNESS_INSURANCE null']));
  });

  it('describes the controller a consent names with its name, from the förbund\'s municipalities or the regions', async () => {
    const { body } = await subgraph.query('query($p: String!) { person(personnummer: $p) { homeMunicipality { code region { kind code name } } consents { agency controller { kind code name } } } }', { p: FIXTURE_PERSONS.allConsent });
    expect(body.errors).toBeUndefined();
    expect(body.data.person.homeMunicipality).toEqual({ code: '1480', region: { kind: 'REGION', code: '14', name: 'Västra Götalandsregionen' } });
    const byAgency = Object.fromEntries(body.data.person.consents.map((c: { agency: string; controller: unknown }) => [c.agency, c.controller]));
    expect(byAgency).toEqual({
      SICKNESS_INSURANCE: null, EMPLOYMENT: null,
      SOCIAL_SERVICES: { kind: 'MUNICIPALITY', code: '1480', name: 'Göteborg' },
      CARE: { kind: 'REGION', code: '14', name: 'Västra Götalandsregionen' },
    });
  });
});
