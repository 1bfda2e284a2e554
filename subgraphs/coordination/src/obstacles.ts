import { createHash, randomUUID } from 'node:crypto';
import { AGENCIES } from '@finsam/kit/agencies';
import { failure, success, type Result } from '@finsam/kit/errors';
import { OBSTACLE_CODES as KIT_OBSTACLE_CODES, OBSTACLE_NOTE_MAX } from '@finsam/kit/obstacle-codes';
import type { Agency, ObstacleCode, RecordObstacleInput, SignalCode } from './generated/resolvers-types.ts';
import type { ObstacleRow } from './data.ts';

/**
 * Obstacles in rules and steering (hinder i regelverk och styrning, docs/domain.md): what a
 * coordinator records when a rule or an agency's routine stood in the way of a person. The code
 * list is the kit's (@finsam/kit/obstacle-codes), the schema's `ObstacleCode` in the same order.
 * The note is bounded: a sentence or two that says what happened. Longer free text about a
 * person is a case record (journal), which belongs in the agencies' own systems.
 */
export const OBSTACLE_CODES = KIT_OBSTACLE_CODES as readonly ObstacleCode[];
export { OBSTACLE_NOTE_MAX };

/** A record as checked before anything is read. */
export interface CheckedObstacle {
  code: ObstacleCode;
  agencies: Agency[];
  note: string | null;
  signalsSeen: SignalCode[];
}

const refuse = (argument: string, message: string) => failure('BAD_USER_INPUT', message, { argument });

/**
 * Everything but the person is checked first, so bad input costs no statement. The code is an
 * enum, so an unknown one never reaches here (GraphQL refuses it naming the variable). Messages
 * never quote the note: it is free text and may hold anything.
 */
export function validObstacle(input: RecordObstacleInput): Result<CheckedObstacle> {
  if (input.agencies.length === 0) return refuse('input.agencies', 'Name at least one agency involved in the obstacle.');
  const note = input.note?.trim() ?? '';
  if ([...note].length > OBSTACLE_NOTE_MAX) return refuse('input.note', `note is longer than ${OBSTACLE_NOTE_MAX} characters.`);
  // Control characters would only hide text from whoever reads the note later.
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/u.test(note)) return refuse('input.note', 'note holds control characters.');
  const agencies = AGENCIES.filter((a) => input.agencies.includes(a));
  const signalsSeen = [...new Set(input.signalsSeen ?? [])].sort();
  return success({ code: input.code, agencies, note: note === '' ? null : note, signalsSeen });
}

/**
 * What makes two submits the same record: the person, the coordinator, the day and everything
 * recorded. A second click, or a retry after a lost answer, finds the first row; the same
 * obstacle recorded again on another day is a new record (it stood in the way again).
 */
export function obstacleDedupeKey(personnummer: string, coordinator: string, day: string, obstacle: CheckedObstacle): string {
  return createHash('sha256').update(JSON.stringify([personnummer, coordinator, day, obstacle.code, obstacle.agencies, obstacle.note, obstacle.signalsSeen])).digest('base64url');
}

/** The row to store for a checked obstacle. */
export function obstacleRow(personnummer: string, coordinator: string, now: string, obstacle: CheckedObstacle): ObstacleRow {
  return {
    id: `SF-H-${randomUUID()}`, personnummer, code: obstacle.code, agencies: JSON.stringify(obstacle.agencies), note: obstacle.note,
    signals_seen: JSON.stringify(obstacle.signalsSeen), recorded_by: coordinator, recorded_at: now,
    dedupe_key: obstacleDedupeKey(personnummer, coordinator, now.slice(0, 10), obstacle),
  };
}

/** Obstacle's fields from its row. */
export const obstacleResolvers = {
  agencies: (o: ObstacleRow) => JSON.parse(o.agencies) as Agency[],
  signalsSeen: (o: ObstacleRow) => JSON.parse(o.signals_seen) as SignalCode[],
  recordedAt: (o: ObstacleRow) => o.recorded_at,
};
