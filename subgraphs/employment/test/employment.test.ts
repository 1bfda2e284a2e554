import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { personEntities, serveSubgraph } from '@finsam/devkit/testing/subgraph-client';
import { buildEmployment } from '../src/subgraph.ts';

const EMPLOYMENT = personEntities(`employment {
  currentRegistration { id registeredOn jobSeekerCategory { code label group } hasPlan }
  registrations { id registeredOn deregisteredOn deregistrationReason office jobSeekerCategory { code } }
  programmes { id programme startDate endDate payment reportedSickFrom reportedSickTo }
  activityReports { month submittedOn }
  longTermUnemployed
}`);

describe('employment subgraph', () => {
  let subgraph: Awaited<ReturnType<typeof serveSubgraph>>;
  beforeAll(async () => { subgraph = await serveSubgraph(buildEmployment); });
  afterAll(() => subgraph?.close());

  it('resolves registration, programmes and activity reports of a person in a programme', async () => {
    const { body } = await subgraph.query(EMPLOYMENT, await subgraph.personRefs([FIXTURE_PERSONS.sickInProgrammeNoCertificate]));
    expect(body.errors).toBeUndefined();
    const employment = body.data._entities[0].employment;
    expect(employment.currentRegistration.jobSeekerCategory).toEqual({ code: '68', label: expect.stringContaining('aktivitetsstöd'), group: 'IN_PROGRAMME' });
    expect(employment.programmes[0]).toMatchObject({ programme: 'ARBETSTRANING', payment: 'AKTIVITETSSTOD', endDate: null });
    expect(employment.programmes[0].reportedSickFrom).not.toBeNull();
    expect(employment.longTermUnemployed).toBe(true);
  });

  it('gives a person never registered empty lists and no current registration', async () => {
    const { body } = await subgraph.query(EMPLOYMENT, await subgraph.personRefs([FIXTURE_PERSONS.sicknessBenefitEndedNotRegistered]));
    expect(body.data._entities[0].employment).toEqual({ currentRegistration: null, registrations: [], programmes: [], activityReports: [], longTermUnemployed: false });
  });

  it('loads any number of persons in three statements', async () => {
    const before = await subgraph.statements();
    const { body } = await subgraph.query(EMPLOYMENT, await subgraph.personRefs(Object.values(FIXTURE_PERSONS)));
    expect(body.errors).toBeUndefined();
    expect(await subgraph.statements() - before).toBe(3);
  });
});
