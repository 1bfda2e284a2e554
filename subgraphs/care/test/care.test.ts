import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { personEntities, serveSubgraph } from '@finsam/devkit/testing/subgraph-client';
import { buildCare } from '../src/subgraph.ts';

const CARE = personEntities(`care {
  certificates { id type issuedOn basis { kind date } diagnosisCode diagnosisText diagnosisGroup workCapacitySteps { from to reduction } prognosis careUnit }
  contacts { id kind date careUnit profession }
  rehabilitationCoordinator { name careUnit assignedOn }
}`);

describe('care subgraph', () => {
  let subgraph: Awaited<ReturnType<typeof serveSubgraph>>;
  beforeAll(async () => { subgraph = await serveSubgraph(buildCare); });
  afterAll(() => subgraph?.close());

  it('resolves certificates with work-capacity steps, contacts and the rehabilitation coordinator', async () => {
    const { body } = await subgraph.query(CARE, await subgraph.personRefs([FIXTURE_PERSONS.allConsent]));
    expect(body.errors).toBeUndefined();
    const care = body.data._entities[0].care;
    expect(care.certificates).toHaveLength(1);
    expect(care.certificates[0]).toMatchObject({ type: 'FK7804', diagnosisCode: 'F43.8A', diagnosisText: 'Utmattningssyndrom' });
    expect(care.certificates[0].diagnosisGroup).toMatch(/^F00-F99/);
    expect(care.certificates[0].workCapacitySteps.map((s: { reduction: number }) => s.reduction)).toEqual([100, 50]);
    expect(care.contacts.map((c: { kind: string }) => c.kind)).toEqual(['PSYCHIATRY', 'PRIMARY_CARE']);
    // Each contact says whom the person met, from the professions of its kind of care.
    expect(care.contacts[0].profession).toMatch(/^(PHYSICIAN|PSYCHOLOGIST|COUNSELLOR)$/);
    expect(care.contacts[1].profession).toMatch(/^(PHYSICIAN|NURSE|PHYSIOTHERAPIST)$/);
    expect(care.rehabilitationCoordinator.name).toMatch(/Rehabkoordinator/);
  });

  it('gives a person without care data empty lists and no coordinator', async () => {
    const { body } = await subgraph.query(CARE, await subgraph.personRefs([FIXTURE_PERSONS.longAssistanceNoActivity]));
    expect(body.data._entities[0].care).toEqual({ certificates: [], contacts: [], rehabilitationCoordinator: null });
  });

  it('loads any number of persons in three statements', async () => {
    const before = await subgraph.statements();
    const { body } = await subgraph.query(CARE, await subgraph.personRefs(Object.values(FIXTURE_PERSONS)));
    expect(body.errors).toBeUndefined();
    expect(await subgraph.statements() - before).toBe(3);
  });
});
