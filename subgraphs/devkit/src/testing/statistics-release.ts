import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCIES, AGENCY_TABLE, type Agency } from '@finsam/kit/agencies';
import { MAX_RELEASE_REQUEST_BYTES, type AgencyReleaseDb } from '@finsam/kit/agency-statistics-release';
import { AuditLog, type AuditDb } from '@finsam/kit/audit';
import { defaultPurpose, type Role } from '@finsam/kit/caller';
import { cohortId, type CohortDefinition } from '@finsam/kit/cohort';
import { addDays, addMonths, monthOf, todayIso } from '@finsam/kit/dates';
import { createLogger } from '@finsam/kit/logger';
import { loadOrCreateGatewayKey, signGatewayToken } from '@finsam/kit/gateway-token';
import { loadOrCreateCoordinationKey, signStatisticsBasis } from '@finsam/kit/release-basis';
import { recipientKeys, type SigningKey } from '@finsam/kit/signing-key';
import { handedOverDigest, type AnswersWire } from '@finsam/kit/signal-statistics';
import {
  DEFAULT_RHO_PER_RELEASE, RELEASE_AGE_BANDS, RELEASE_PRIORITY_GROUPS, RHO_PER_YEAR_RELEASE, STATISTICS_RELEASE_ACTOR, STATISTICS_RELEASE_PATH, monthBounds, periodBounds,
  type AgencyReleaseRequest, type ReleaseMemberList,
} from '@finsam/kit/statistics-release';
import type { BuiltSubgraph, SubgraphOptions } from '@finsam/kit/subgraph';
import { controllerKindOf, regionOfMunicipality } from '@finsam/kit/controllers';
import { generatePopulation } from '../population/generate.ts';
import type { Population } from '../population/types.ts';

/**
 * Test helpers for an agency's statistics release (docs/statistics-release.md): the agency's
 * subgraph built in this process and called through its HTTP handler without a port, a period's
 * member list made from the synthetic population as coordination's release job would make it,
 * and the list signed and sealed as that job signs it.
 */

export interface HandlerAnswer {
  status: number;
  headers: Record<string, unknown>;
  text: string;
}

/** A response gathered in memory, with what the kit's handler uses of node's ServerResponse. */
class GatheredResponse extends EventEmitter {
  statusCode = 200;
  headersSent = false;
  readonly headers: Record<string, unknown> = {};
  readonly chunks: Buffer[] = [];

  setHeader(name: string, value: unknown) {
    this.headers[name.toLowerCase()] = value;
    return this;
  }

  getHeader(name: string) {
    return this.headers[name.toLowerCase()];
  }

  writeHead(status: number, headers: Record<string, unknown> = {}) {
    this.statusCode = status;
    for (const [name, value] of Object.entries(headers)) this.setHeader(name, value);
    this.headersSent = true;
    return this;
  }

  write(chunk: string | Uint8Array) {
    this.headersSent = true;
    this.chunks.push(Buffer.from(chunk));
    return true;
  }

  end(chunk?: string | Uint8Array) {
    if (chunk !== undefined) this.write(chunk);
    this.headersSent = true;
    this.emit('finish');
    return this;
  }
}

/** Calls a server's handler in this process: the request made here, the response gathered, no port listened on. */
export async function callHandler(
  handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
  request: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<HandlerAnswer> {
  const body = request.body ?? '';
  const incoming = Object.assign(new PassThrough(), {
    method: request.method ?? 'POST',
    url: request.path,
    headers: { 'content-length': String(Buffer.byteLength(body)), ...Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])) },
  });
  incoming.end(body);
  const response = new GatheredResponse();
  await handler(incoming as unknown as IncomingMessage, response as unknown as ServerResponse);
  return { status: response.statusCode, headers: response.headers, text: Buffer.concat(response.chunks).toString('utf8') };
}

/**
 * One subgraph built in this process on a fresh seeded store, called as the gateway (GraphQL with
 * its token) and as coordination's release job (STATISTICS_RELEASE_PATH) would call it, and the
 * population its store was seeded from.
 */
export async function inProcessSubgraph<DB>(build: (options: SubgraphOptions) => Promise<BuiltSubgraph<DB>>, persons = 200) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-subgraph-'));
  const referenceDate = todayIso();
  const built = await build({ dataDir, env: { SEED_PERSONS: String(persons), SEED: '1', SEED_DATE: referenceDate }, logger: createLogger('subgraph-test', { level: 'silent' }) });
  const gatewayKey = await loadOrCreateGatewayKey(dataDir);
  return {
    built,
    dataDir,
    population: generatePopulation({ seed: 1, persons, referenceDate }),
    call: (request: Parameters<typeof callHandler>[1]) => callHandler(built.handler, request),
    /** POSTs a body (an object is sent as JSON) to STATISTICS_RELEASE_PATH. */
    async release(body: unknown, headers: Record<string, string> = {}) {
      const answer = await callHandler(built.handler, {
        path: STATISTICS_RELEASE_PATH, headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { ...answer, body: parseOrNull(answer.text) };
    },
    async query(query: string, variables: Record<string, unknown> = {}, caller: { actorId?: string; role?: Role; requestId?: string } = {}) {
      const role = caller.role ?? 'analyst';
      const token = await signGatewayToken(gatewayKey, { actorId: caller.actorId ?? `${role}-1`, role, purpose: defaultPurpose(role) }, built.name);
      const answer = await callHandler(built.handler, {
        path: '/graphql',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': caller.requestId ?? 'subgraph-test' },
        body: JSON.stringify({ query, variables }),
      });
      return { status: answer.status, body: JSON.parse(answer.text) as { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] } };
    },
    async close() {
      await built.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function parseOrNull(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * A period's member list for an agency, as coordination's release job makes it from its register:
 * the persons registered in during the period (by their earliest registration in it), protected
 * identities left out, whose consent covers the agency on `asOf`, each with the consent that runs
 * longest. Sex, municipality, intervention and priority groups are the population's; the age
 * band is coordination's to work out, and is dealt round here (the agency only counts by it).
 */
export function releaseMemberList(population: Population, agency: Agency, period: string, asOf: string = todayIso()): ReleaseMemberList {
  const { from, to } = periodBounds(period);
  const groups = new Set<string>(RELEASE_PRIORITY_GROUPS);
  const members: ReleaseMemberList['members'] = [];
  for (const person of [...population.persons].sort((a, b) => a.personnummer.localeCompare(b.personnummer))) {
    if (person.protectedIdentity !== 'NONE') continue;
    const first = person.participations.filter((p) => p.registeredIn >= from && p.registeredIn <= to)
      .sort((a, b) => a.registeredIn.localeCompare(b.registeredIn) || a.interventionId.localeCompare(b.interventionId))[0];
    if (!first) continue;
    const consent = person.consents.filter((c) => c.agencies.includes(agency) && c.revokedAt === null && c.validFrom <= asOf && asOf <= c.validTo)
      .sort((a, b) => b.validTo.localeCompare(a.validTo))[0];
    if (!consent) continue;
    members.push({
      personnummer: person.personnummer, consentValidFrom: consent.validFrom, consentValidTo: consent.validTo,
      // As coordination's seed records it: the social services' consent names the home municipality, care's its region.
      ...(controllerKindOf(agency) === 'MUNICIPALITY' ? { controllers: [person.municipality.code] } : {}),
      ...(controllerKindOf(agency) === 'REGION' ? { controllers: [regionOfMunicipality(person.municipality.code)] } : {}),
      intervention: first.interventionId, municipality: person.municipality.code, sex: person.sex,
      ageBand: RELEASE_AGE_BANDS[members.length % RELEASE_AGE_BANDS.length]!, priorityGroups: person.priorityGroups.filter((g) => groups.has(g)),
    });
  }
  return {
    agency, period, from, to, asOf,
    domains: {
      intervention: population.interventions.map((i) => i.id).sort(),
      municipality: population.forbund.flatMap((f) => f.municipalities.map((m) => m.code)).sort(),
    },
    members,
  };
}

/**
 * The request coordination's release job POSTs: the list signed with coordination's key in the
 * subgraph's DATA_DIR (or `key`) and sealed to the agency's published key. `signedFor` signs it
 * as if for another agency or period (the basis then does not hold where it is sent).
 */
export async function releaseRequest(
  dataDir: string, list: ReleaseMemberList | string,
  options: { key?: SigningKey; signedFor?: { agency?: Agency; period?: string }; now?: number; period?: string } = {},
): Promise<AgencyReleaseRequest> {
  const text = typeof list === 'string' ? list : JSON.stringify(list);
  const listed = JSON.parse(text) as ReleaseMemberList;
  const agency = options.signedFor?.agency ?? listed.agency;
  const period = options.signedFor?.period ?? listed.period;
  const key = options.key ?? await loadOrCreateCoordinationKey(dataDir);
  // Sealed to the agency it is sent to, whomever it is signed for: the signed claims must be what refuses it.
  const recipient = await recipientKeys({}, dataDir)(AGENCY_TABLE[listed.agency].subgraph, undefined);
  return { basis: await signStatisticsBasis(key, agency, period, text, recipient, options.now), period: options.period ?? listed.period };
}

/** A protected cell as the agency stored it (the release's JSON in agency_statistics_release). */
interface StoredTable { measure: string; dimensions: string[]; cells: { values: Record<string, string>; count: number }[] }

/** What each agency's test gives the shared scenario: how to build it and read its Cohort figures, and how to change its register. */
export interface AgencyReleaseScenario<DB> {
  agency: Agency;
  build: (options: SubgraphOptions) => Promise<BuiltSubgraph<DB>>;
  /** The selection of `Cohort.<sectorField>`. */
  selection: string;
  /** The field's answer as kind → its categories, each with its count cell. */
  figures: (field: any) => Record<string, { category: string; count: { value: number | null; suppressed: boolean } }[]>;
  /** Changes every member's categories in the agency's register (deletes its rows). */
  wipe: (db: BuiltSubgraph<DB>['db']) => Promise<unknown>;
}

const month = (offset: number) => addMonths(monthOf(todayIso()), offset);

/**
 * The statistics release of an agency, the same scenario for all four (docs/statistics-release.md):
 * the route coordination's job POSTs to, and `Cohort.<sectorField>` read from what it stored.
 * Runs in this process without a port; the months are the two before this one, the year the last.
 */
export function describeAgencyStatisticsRelease<DB>(scenario: AgencyReleaseScenario<DB>): void {
  const { agency } = scenario;
  const { sectorField } = AGENCY_TABLE[agency];
  const [first, second, earlier] = [month(-2), month(-1), month(-3)];
  const year = String(Number(todayIso().slice(0, 4)) - 1);

  describe(`${agency}: the statistics release`, () => {
    let s: Awaited<ReturnType<typeof inProcessSubgraph<DB>>>;
    // The kit's tables in the agency's store, which its own DB type does not name.
    let auditDb: BuiltSubgraph<AuditDb>['db'];
    let releaseDb: BuiltSubgraph<AgencyReleaseDb>['db'];
    beforeAll(async () => {
      s = await inProcessSubgraph(scenario.build, 300);
      auditDb = s.built.db as unknown as typeof auditDb;
      releaseDb = s.built.db as unknown as typeof releaseDb;
    });
    afterAll(() => s?.close());

    const audit = (reason: string) => auditDb.selectFrom('audit_log').selectAll().where('reason', '=', reason).orderBy('seq').execute();
    const stored = async (period: string) => {
      const row = await releaseDb.selectFrom('agency_statistics_release').selectAll().where('period', '=', period).executeTakeFirst();
      return row && { ...row, tables: (JSON.parse(row.release) as { tables: StoredTable[] }).tables };
    };
    /** Each category's count summed over the stored releases of the periods, from the table of `measure` by exactly `dimensions`, cells kept by `keep`. */
    const storedSums = async (periods: string[], kind: string, measure = 'participants', by: Record<string, string[]> = {}) => {
      const sums = new Map<string, number>();
      for (const period of periods) {
        const table = (await stored(period))!.tables.find((t) => t.measure === measure && t.dimensions.length === 1 + Object.keys(by).length
          && t.dimensions.includes(kind) && Object.keys(by).every((d) => t.dimensions.includes(d)))!;
        for (const cell of table.cells) {
          if (Object.entries(by).every(([d, values]) => values.includes(cell.values[d]!))) sums.set(cell.values[kind]!, (sums.get(cell.values[kind]!) ?? 0) + cell.count);
        }
      }
      return sums;
    };
    const read = async (definition: CohortDefinition, role: Role = 'analyst') => {
      const { body } = await s.query(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Cohort { ${sectorField} { ${scenario.selection} } } } }`,
        { r: [{ __typename: 'Cohort', id: cohortId(definition) }] }, { role });
      const field = body.data?._entities?.[0]?.[sectorField];
      return { errors: body.errors, figures: field ? scenario.figures(field) : null };
    };
    const whole = (from: string, to: string, filter: CohortDefinition['filter'] = null) => ({ from: monthBounds(from).from, to: periodBounds(to).to, filter });
    /** The released bit (bit 0) of each member's answers, after checking they answer this very list. */
    const releasedBits = (signalFacts: string, listText: string, members: number) => {
      const wire = JSON.parse(signalFacts) as AnswersWire;
      expect(wire.handedOver).toBe(handedOverDigest(listText));
      const buffer = Buffer.from(wire.answers, 'base64');
      expect(buffer.length).toBe(wire.bytes * members);
      return Array.from({ length: members }, (_, i) => (buffer[i * wire.bytes]! & 1) === 1);
    };
    const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at |\.ts:\d+/);

    it('draws a period once and stores it with a record of whom it counted; a second call draws nothing and answers the signal facts again', async () => {
      const list = releaseMemberList(s.population, agency, first);
      expect(list.members.length).toBeGreaterThan(3);
      const listText = JSON.stringify(list);
      const drawn = await s.release(await releaseRequest(s.dataDir, listText));
      expect(drawn.status, drawn.text).toBe(200);
      expect(drawn.body).toMatchObject({ period: first, alreadyReleased: false, counted: list.members.length });
      expect(drawn.body.cells).toBeGreaterThan(0);
      expect(releasedBits(drawn.body.signalFacts, listText, list.members.length).every(Boolean)).toBe(true);
      const row = await stored(first);
      expect(row!.rho).toBeCloseTo(DEFAULT_RHO_PER_RELEASE, 3);
      expect(row!.tables.reduce((n, t) => n + t.cells.length, 0)).toBe(drawn.body.cells);
      const [record] = await audit('STATISTICS_RELEASE');
      expect(record).toMatchObject({ actor: STATISTICS_RELEASE_ACTOR, personnummer: null, decision: 'RELEASED', agency, fields: JSON.stringify([`statisticsRelease.${first}`]), member_count: list.members.length });
      expect(await auditDb.selectFrom('audit_log').select('personnummer').where('personnummer', 'is not', null).execute()).toEqual([]);
      expect(await new AuditLog(auditDb).releasedMembers(record!.member_set_digest!)).toEqual(list.members.map((m) => m.personnummer).sort());

      const again = await s.release(await releaseRequest(s.dataDir, listText));
      expect(again.status, again.text).toBe(200);
      expect(again.body).toMatchObject({ period: first, alreadyReleased: true, cells: drawn.body.cells, counted: list.members.length, signalFacts: drawn.body.signalFacts });
      expect((await stored(first))!.release).toBe(row!.release);
      expect(await audit('STATISTICS_RELEASE')).toHaveLength(1);
      expect(await audit('SIGNAL_STATISTICS')).toHaveLength(2);
    });

    it('counts no member whose consent does not cover the agency on the day, and answers that member as not released', async () => {
      const list = releaseMemberList(s.population, agency, second);
      const lapsed = list.members[1]!;
      lapsed.consentValidTo = addDays(list.asOf, -1);
      const listText = JSON.stringify(list);
      const answer = await s.release(await releaseRequest(s.dataDir, listText));
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body.counted).toBe(list.members.length - 1);
      expect(releasedBits(answer.body.signalFacts, listText, list.members.length)).toEqual(list.members.map((m) => m !== lapsed));
      const record = (await audit('STATISTICS_RELEASE')).at(-1)!;
      expect(record.fields).toBe(JSON.stringify([`statisticsRelease.${second}`]));
      const counted = await new AuditLog(auditDb).releasedMembers(record.member_set_digest!);
      expect(counted).toHaveLength(list.members.length - 1);
      expect(counted).not.toContain(lapsed.personnummer);
    });

    it('refuses a forged basis, one for another agency or period, an expired one and none, with 403, each on record, drawing nothing', async () => {
      const list = releaseMemberList(s.population, agency, earlier);
      const other = AGENCIES.find((a) => a !== agency)!;
      const forger = await loadOrCreateCoordinationKey(fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-forger-')));
      const cases: [string, unknown][] = [
        ['BASIS_INVALID', await releaseRequest(s.dataDir, list, { key: forger })],
        ['BASIS_OTHER_AGENCY', await releaseRequest(s.dataDir, list, { signedFor: { agency: other } })],
        // Signed for another period than the one asked: the basis releases no other.
        ['BASIS_OTHER_REQUEST', await releaseRequest(s.dataDir, list, { period: first })],
        // Signed for the period asked, but the list inside is of another.
        ['BASIS_INVALID', await releaseRequest(s.dataDir, list, { signedFor: { period: first }, period: first })],
        ['BASIS_EXPIRED', await releaseRequest(s.dataDir, list, { now: Date.now() - 10 * 60_000 })],
        ['BASIS_MISSING', { period: earlier }],
      ];
      const before = (await audit('STATISTICS_RELEASE')).length;
      for (const [reason, request] of cases) {
        const refused = await s.release(request);
        expect(refused.status, reason).toBe(403);
        expect(refused.body.error, reason).toMatchObject({ code: 'FORBIDDEN', reason });
        noStack(refused.text);
        expect((await audit(reason)).at(-1), reason).toMatchObject({ decision: 'REFUSED', actor: STATISTICS_RELEASE_ACTOR, personnummer: null });
      }
      expect(await stored(earlier)).toBeUndefined();
      expect(await audit('STATISTICS_RELEASE')).toHaveLength(before);
    });

    it('turns away what is not a release request (405, 400, 413) and a list the contract does not allow (400), without a stack', async () => {
      const got = await s.call({ method: 'GET', path: STATISTICS_RELEASE_PATH });
      expect([got.status, got.headers.allow]).toEqual([405, 'POST']);
      const list = releaseMemberList(s.population, agency, earlier);
      const badList = { ...list, members: [{ ...list.members[0]!, municipality: 'nowhere' }] };
      const answers = [
        got,
        await s.release('{ not json'),
        await s.release({}),
        await s.release({ basis: 'x', period: '2025-13' }),
        await s.release('{}', { 'content-length': String(MAX_RELEASE_REQUEST_BYTES + 1) }),
        await s.release(`{"basis":"${'x'.repeat(MAX_RELEASE_REQUEST_BYTES)}","period":"${earlier}"}`),
        await s.release(await releaseRequest(s.dataDir, badList)),
      ];
      expect(answers.map((a) => a.status)).toEqual([405, 400, 400, 400, 413, 413, 400]);
      for (const answer of answers) {
        noStack(answer.text);
        expect(Object.keys(JSON.parse(answer.text).error)).toEqual(expect.arrayContaining(['code', 'message']));
      }
      expect(answers.at(-1)!.text).not.toContain(list.members[0]!.personnummer);
      expect(await stored(earlier)).toBeUndefined();
    });

    it('answers an analyst\'s cohort with the sums of the stored cells: two months, a whole year from its own release, a filter from its own table', async () => {
      const yearList = releaseMemberList(s.population, agency, year);
      const drawn = await s.release(await releaseRequest(s.dataDir, yearList));
      expect(drawn.status, drawn.text).toBe(200);
      expect((await stored(year))!.rho).toBeCloseTo(RHO_PER_YEAR_RELEASE, 3);
      const municipalities = [...new Set(yearList.members.map((m) => m.municipality))].slice(0, 2);
      const questions: [CohortDefinition, string[], string, Record<string, string[]>][] = [
        [whole(first, second), [first, second], 'participants', {}],
        [whole(`${year}-01`, year), [year], 'participants', {}],
        [whole(first, second, { municipalityCodes: municipalities }), [first, second], 'participants', { municipality: municipalities }],
        [whole(`${year}-01`, year, { sex: 'FEMALE' }), [year], 'participants', { sex: ['FEMALE'] }],
        [whole(first, second, { priorityGroup: 'NONE' }), [first, second], 'priorityGroup.NONE', {}],
        [whole(`${year}-01`, year, { priorityGroup: 'MENTAL_ILL_HEALTH', municipalityCodes: municipalities }), [year], 'priorityGroup.MENTAL_ILL_HEALTH', { municipality: municipalities }],
      ];
      const readsBefore = (await audit('FROM_STATISTICS_RELEASE')).length;
      for (const [definition, periods, measure, by] of questions) {
        const { errors, figures } = await read(definition);
        expect(errors, JSON.stringify(definition)).toBeUndefined();
        for (const [kind, categories] of Object.entries(figures!)) {
          const sums = await storedSums(periods, kind, measure, by);
          // Every category of the release is listed, each count the sum of its stored cells, none suppressed.
          expect(categories.map((c) => c.category).sort(), kind).toEqual([...sums.keys()].sort());
          for (const { category, count } of categories) expect(count, `${kind} ${category}`).toEqual({ value: sums.get(category), suppressed: false });
        }
      }
      const reads = (await audit('FROM_STATISTICS_RELEASE')).slice(readsBefore);
      expect(reads).toHaveLength(questions.length);
      expect(reads.every((r) => r.personnummer === null && r.decision === 'RELEASED' && r.fields === JSON.stringify([`cohort.${sectorField}`]))).toBe(true);
    });

    it('refuses a coordinator (on record), names filter for a combination no table holds and to for a month not released', async () => {
      const coordinator = await read(whole(first, second), 'coordinator');
      expect(coordinator.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' });
      expect((await audit('ROLE_NOT_ALLOWED')).at(-1)).toMatchObject({ decision: 'REFUSED', personnummer: null, fields: JSON.stringify([`cohort.${sectorField}`]) });
      const combined = await read(whole(first, second, { sex: 'MALE', ageBand: 'FROM_30_TO_44' }));
      expect(combined.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter' });
      expect(combined.errors?.[0]?.message).toContain('by municipality, by intervention, by sex, by age band');
      const notYet = await read(whole(first, month(0)));
      expect(notYet.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'to' });
    });

    it('answers the same after the members\' data changes: the figures are the releases\', never computed on a request', async () => {
      const before = await read(whole(first, second));
      // The data is in each controller's store where the agency has several (the municipalities behind the social services).
      for (const db of s.built.controllerStores.length > 0 ? s.built.controllerStores.map((c) => c.db) : [s.built.db]) await scenario.wipe(db);
      expect(await read(whole(first, second))).toEqual(before);
      // A period released after the change is drawn from the register as it is then; those before stay as released.
      const list = releaseMemberList(s.population, agency, earlier);
      expect((await s.release(await releaseRequest(s.dataDir, list))).status).toBe(200);
      expect(await read(whole(first, second))).toEqual(before);
      const withEarlier = await read(whole(earlier, second));
      for (const [kind, categories] of Object.entries(withEarlier.figures!)) {
        const sums = await storedSums([earlier, first, second], kind);
        for (const { category, count } of categories) expect(count.value, `${kind} ${category}`).toBe(sums.get(category));
      }
    });
  });
}
