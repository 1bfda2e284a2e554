import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, type GraphQLEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { compactRelease, protectTables, seededRandom } from '@finsam/kit/statistics-release';
import { OBSTACLE_CODE_LIST } from '@finsam/kit/obstacle-codes';
import { obstacleReleaseRows, obstacleWorkload, releasedObstacles, WITH_OBSTACLE } from '../src/obstacle-release.ts';
import { obstacleDedupeKey, validObstacle } from '../src/obstacles.ts';
import type { ReleaseObstacleRow } from '../src/data.ts';
import type { RecordObstacleInput } from '../src/generated/resolvers-types.ts';

const input = (over: Partial<RecordObstacleInput> = {}): RecordObstacleInput => ({ personId: 'p_x', code: 'WAITING_TIME', agencies: ['CARE'], ...over });
const row = (person: string, id: string, code: string, agencies: string[], at: string, municipality = '1480'): ReleaseObstacleRow =>
  ({ id, personnummer: person, code, agencies: JSON.stringify(agencies), recorded_at: `${at}T10:00:00.000Z`, municipality_code: municipality });

describe('obstacles in rules and steering', () => {
  it('the schema\'s ObstacleCode is the kit\'s code list, in its order, each described with its Swedish name', () => {
    const sdl = fs.readFileSync(path.join(import.meta.dirname, '../schema/coordination.graphql'), 'utf8')
      .replace(/^extend schema[\s\S]*?\)\n/m, '').replace(/@\w+(\([^)]*\))?/g, '');
    const enumType = buildSchema(`scalar _Any\n${sdl}`, { assumeValid: true }).getType('ObstacleCode') as GraphQLEnumType;
    expect(enumType.getValues().map((v) => v.name)).toEqual(OBSTACLE_CODE_LIST.map((e) => e.obstacle));
    for (const value of enumType.getValues()) {
      const swedish = OBSTACLE_CODE_LIST.find((e) => e.obstacle === value.name)!.name;
      expect(value.description?.toLowerCase()).toContain(swedish.toLowerCase().slice(0, 12));
    }
  });

  it('checks the agencies and the note, naming the argument, never quoting the note', () => {
    const refusals = [validObstacle(input({ agencies: [] })), validObstacle(input({ note: 'ä'.repeat(301) })), validObstacle(input({ note: 'a\u0000b' }))];
    expect(refusals.map((r) => (r.ok ? null : [r.refusal.code, r.refusal.details?.argument]))).toEqual([
      ['BAD_USER_INPUT', 'input.agencies'], ['BAD_USER_INPUT', 'input.note'], ['BAD_USER_INPUT', 'input.note'],
    ]);
    for (const r of refusals) if (!r.ok) expect(r.refusal.message).not.toMatch(/ä|a\u0000b/);
    const ok = validObstacle(input({ agencies: ['CARE', 'SICKNESS_INSURANCE', 'CARE'], note: '  ', signalsSeen: ['DAY_180_APPROACHING', 'CONFLICTING_ASSESSMENTS', 'DAY_180_APPROACHING'] }));
    expect(ok).toEqual({ ok: true, value: { code: 'WAITING_TIME', agencies: ['SICKNESS_INSURANCE', 'CARE'], note: null, signalsSeen: ['CONFLICTING_ASSESSMENTS', 'DAY_180_APPROACHING'] } });
  });

  it('the same record sent twice the same day has one key; another day, another coordinator or another note another', () => {
    const checked = (validObstacle(input({ note: 'Väntar' })) as { value: Parameters<typeof obstacleDedupeKey>[3] }).value;
    const key = obstacleDedupeKey('199001011234', 'coordinator-1', '2026-12-07', checked);
    expect(obstacleDedupeKey('199001011234', 'coordinator-1', '2026-12-07', { ...checked })).toBe(key);
    expect(obstacleDedupeKey('199001011234', 'coordinator-1', '2026-12-08', checked)).not.toBe(key);
    expect(obstacleDedupeKey('199001011234', 'coordinator-2', '2026-12-07', checked)).not.toBe(key);
    expect(obstacleDedupeKey('199001011234', 'coordinator-1', '2026-12-07', { ...checked, note: 'Väntar länge' })).not.toBe(key);
  });

  it('counts a person once per table, however many obstacles, in at most three codes (the first in the list\'s order) and every agency named', () => {
    const rows = [
      row('A', 'o1', 'OTHER', ['CARE'], '2026-01-03'),
      row('A', 'o2', 'WAITING_TIME', ['CARE', 'EMPLOYMENT'], '2026-01-05'),
      row('A', 'o3', 'BENEFIT_ENDED_NO_TRANSITION', ['SICKNESS_INSURANCE'], '2026-01-06'),
      row('A', 'o4', 'TIME_LIMIT', ['SICKNESS_INSURANCE'], '2026-01-07'),
      row('A', 'o5', 'WAITING_TIME', ['CARE'], '2026-01-09'),
      row('B', 'o6', 'WAITING_TIME', ['CARE'], '2026-01-04', '1401'),
    ];
    const persons = obstacleReleaseRows(rows);
    expect(persons).toHaveLength(2);
    // A huge σ is avoided: ρ large, so the protected counts equal the truth in all but name.
    const release = protectTables(persons, obstacleWorkload(['1401', '1480']), 1e9, seededRandom('obstacles'), { period: '2026-01' });
    const cells = (dimensions: string[]) => release.tables.find((t) => t.measure === WITH_OBSTACLE && t.dimensions.join() === dimensions.join())!.cells;
    expect(cells([])[0]!.count).toBe(2);
    const byCode = Object.fromEntries(cells(['code']).map((c) => [c.values.code, c.count]));
    // A's codes in the list's order: BENEFIT_ENDED_NO_TRANSITION, WAITING_TIME, TIME_LIMIT (OTHER, the fourth, is dropped).
    expect(byCode).toMatchObject({ BENEFIT_ENDED_NO_TRANSITION: 1, WAITING_TIME: 2, TIME_LIMIT: 1, OTHER: 0 });
    expect(Object.fromEntries(cells(['agency']).map((c) => [c.values.agency, c.count]))).toEqual({ SICKNESS_INSURANCE: 1, EMPLOYMENT: 1, SOCIAL_SERVICES: 0, CARE: 2 });
    expect(release.tables.find((t) => t.dimensions.join() === 'code')!.contributionsPerPerson).toBe(3);
    const read = releasedObstacles(new Map([['2026-01', compactRelease(release)]]), { fromMonth: '2026-01', toMonth: '2026-01', municipalities: ['1401'] },
      { interventions: [], municipalities: [{ code: '1401', name: 'Härryda', forbund_id: 'f' }, { code: '1480', name: 'Göteborg', forbund_id: 'f' }], forbund: [] });
    expect(read.persons()).toEqual({ ok: true, value: { value: 1, suppressed: false } });
    expect(read.byMunicipality()).toEqual({ ok: true, value: [{ code: '1401', name: 'Härryda', count: { value: 1, suppressed: false } }] });
    for (const refused of [read.byCode(), read.byAgency()]) expect(refused.ok ? null : refused.refusal.details?.argument).toBe('municipalityCodes');
    const later = releasedObstacles(new Map([['2026-01', compactRelease(release)]]), { fromMonth: '2026-01', toMonth: '2026-02', municipalities: null }, { interventions: [], municipalities: [], forbund: [] });
    expect(later.check().ok ? null : (later.check() as { refusal: { details?: Record<string, string> } }).refusal.details?.argument).toBe('to');
  });
});
