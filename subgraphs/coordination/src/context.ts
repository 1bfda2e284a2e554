import type { Kysely } from 'kysely';
import { todayIso } from '../../shared/src/dates.ts';
import type { SubgraphRequest } from '../../shared/src/subgraph.ts';
import { defaultAllowance, type AnalystAllowance } from './analyst-allowance.ts';
import { listLoader, singleLoader } from '../../shared/src/loaders.ts';
import {
  consentsInForce, consentsOfPersons, coordinatorsById, forbundById, interventionsById, municipalitiesOfForbund, participationsOfPersons, personsInCaseload,
  type CoordinationDb,
} from './data.ts';

export type CoordinationContext = ReturnType<typeof createContext>;

export function createContext(db: Kysely<CoordinationDb>, request: SubgraphRequest, allowance: AnalystAllowance = defaultAllowance()) {
  let inForce: ReturnType<typeof consentsInForce> | undefined;
  return {
    /** Everyone's consents in force today, read once per request however many large cohorts ask. */
    consentsInForce: () => (inForce ??= consentsInForce(db, todayIso())),
    db,
    ...request,
    /** The analysts' query budget and work bound (analyst-allowance.ts), one per subgraph process. */
    allowance,
    loaders: {
      coordinator: singleLoader((ids: readonly string[]) => coordinatorsById(db, ids), (row) => row.id),
      // Persons reached through the query plan load only if in the caller's caseload today.
      person: singleLoader((pns: readonly string[]) => personsInCaseload(db, request.caller.actorId, pns, todayIso()), (row) => row.personnummer),
      consentsByPerson: listLoader((pns: readonly string[]) => consentsOfPersons(db, pns), (row) => row.personnummer),
      participationsByPerson: listLoader((pns: readonly string[]) => participationsOfPersons(db, pns), (row) => row.personnummer),
      intervention: singleLoader((ids: readonly string[]) => interventionsById(db, ids), (row) => row.id),
      forbund: singleLoader((ids: readonly string[]) => forbundById(db, ids), (row) => row.id),
      municipalitiesByForbund: listLoader((ids: readonly string[]) => municipalitiesOfForbund(db, ids), (row) => row.forbund_id),
    },
  };
}
