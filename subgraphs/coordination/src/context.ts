import type { Kysely } from 'kysely';
import type { Caller } from '../../shared/src/caller.ts';
import { listLoader, singleLoader } from '../../shared/src/loaders.ts';
import {
  consentsOfPersons, coordinatorsById, forbundById, interventionsById, municipalitiesOfForbund, participationsOfPersons, personsByPersonnummer,
  type CoordinationDb,
} from './data.ts';

export type CoordinationContext = ReturnType<typeof createContext>;

export function createContext(db: Kysely<CoordinationDb>, caller: Caller) {
  return {
    db,
    caller,
    loaders: {
      coordinator: singleLoader((ids: readonly string[]) => coordinatorsById(db, ids), (row) => row.id),
      person: singleLoader((pns: readonly string[]) => personsByPersonnummer(db, pns), (row) => row.personnummer),
      consentsByPerson: listLoader((pns: readonly string[]) => consentsOfPersons(db, pns), (row) => row.personnummer),
      participationsByPerson: listLoader((pns: readonly string[]) => participationsOfPersons(db, pns), (row) => row.personnummer),
      intervention: singleLoader((ids: readonly string[]) => interventionsById(db, ids), (row) => row.id),
      forbund: singleLoader((ids: readonly string[]) => forbundById(db, ids), (row) => row.id),
      municipalitiesByForbund: listLoader((ids: readonly string[]) => municipalitiesOfForbund(db, ids), (row) => row.forbund_id),
    },
  };
}
