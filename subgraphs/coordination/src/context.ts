import DataLoader from 'dataloader';
import type { Agency } from '@finsam/kit/agencies';
import type { Kysely } from 'kysely';
import { todayIso, type IsoDate } from '@finsam/kit/dates';
import { signPersonBases } from '@finsam/kit/release-basis';
import type { RecipientKey, SigningKey } from '@finsam/kit/signing-key';
import type { SubgraphRequest } from '@finsam/kit/subgraph';
import { isProtected } from './access.ts';
import { listLoader, loadEach, singleLoader } from '@finsam/kit/loaders';
import {
  consentsOfPersons, coordinatorsById, forbundById, interventionsById, interventionsOfForbund, municipalitiesByCode, municipalitiesOfForbund, participationsOfPersons, personsInCaseload, signalHandlingsOfPersons, obstaclesOfPersons,
  type CoordinationDb, type PersonRow,
} from './data.ts';
import { consentEvidence } from './resolvers/person.ts';
import type { WithdrawalFeed } from './withdrawal-feed.ts';

export type CoordinationContext = ReturnType<typeof createContext>;

export function createContext(
  db: Kysely<CoordinationDb>, request: SubgraphRequest, signingKey: SigningKey,
  recipientKey: (agency: Agency) => Promise<RecipientKey>, today: () => IsoDate = todayIso, withdrawals?: WithdrawalFeed,
) {
  const loaders = {
    coordinator: singleLoader((ids: readonly string[]) => coordinatorsById(db, ids), (row) => row.id),
    // Persons reached through the query plan load only if in the caller's caseload today.
    person: singleLoader((pns: readonly string[]) => personsInCaseload(db, request.caller.actorId, pns, todayIso()), (row) => row.personnummer),
    consentsByPerson: listLoader((pns: readonly string[]) => consentsOfPersons(db, pns), (row) => row.personnummer),
    signalHandlingsByPerson: listLoader((pns: readonly string[]) => signalHandlingsOfPersons(db, pns), (row) => row.personnummer),
    participationsByPerson: listLoader((pns: readonly string[]) => participationsOfPersons(db, pns), (row) => row.personnummer),
    obstaclesByPerson: listLoader((pns: readonly string[]) => obstaclesOfPersons(db, pns), (row) => row.personnummer),
    intervention: singleLoader((ids: readonly string[]) => interventionsById(db, ids), (row) => row.id),
    forbund: singleLoader((ids: readonly string[]) => forbundById(db, ids), (row) => row.id),
    municipalitiesByForbund: listLoader((ids: readonly string[]) => municipalitiesOfForbund(db, ids), (row) => row.forbund_id),
    interventionsByForbund: listLoader((ids: readonly string[]) => interventionsOfForbund(db, ids), (row) => row.forbund_id),
    municipality: singleLoader((codes: readonly string[]) => municipalitiesByCode(db, codes), (row) => row.code),
  };
  /**
   * One loader per agency: the persons of a request whose basis that agency needs are signed
   * together, one signature per agency call however many persons (release-basis.ts).
   */
  const releaseBases = new Map<Agency, DataLoader<PersonRow, string, string>>();
  const releaseBasisLoader = (agency: Agency) => new DataLoader<PersonRow, string, string>(async (rows) => {
    const consents = await loadEach(loaders.consentsByPerson, rows.map((row) => row.personnummer));
    const entries = rows.map((row, i) => ({
      personnummer: row.personnummer,
      consents: consents[i]!.filter((c) => c.agency === agency).map(consentEvidence),
      protectedIdentity: isProtected(row),
    }));
    request.metrics.releaseBasisSignatures.inc({ agency });
    return signPersonBases(signingKey, agency, { actorId: request.caller.actorId, requestId: request.caller.requestId, forbund: request.caller.forbund }, entries);
  }, { cacheKeyFn: (row) => row.personnummer, maxBatchSize: 1000 });
  return {
    db,
    ...request,
    loaders,
    /** The basis coordination signs for an agency to release a person's data under (the person already checked to be in the caseload). */
    releaseBasisFor(agency: Agency, row: PersonRow): Promise<string> {
      let loader = releaseBases.get(agency);
      if (!loader) releaseBases.set(agency, (loader = releaseBasisLoader(agency)));
      return loader.load(row);
    },
    /**
     * After a consent change: what this request read or signed of the person's consents before it
     * is stale. A second mutation of the same request, or its person, must not show it or release under it.
     */
    consentsChanged(row: PersonRow) {
      loaders.consentsByPerson.clear(row.personnummer);
      for (const loader of releaseBases.values()) loader.clear(row);
    },
    /**
     * After a withdrawal is committed, before it is answered: the agency is told at once, so that a
     * basis signed before it releases nothing from the very next request (withdrawal-feed.ts).
     */
    announceWithdrawal: (agency: Agency): Promise<void> => withdrawals?.announce(agency, db) ?? Promise.resolve(),
    /** Coordination's key, for the member lists handed to agencies; and each agency's, to seal its list to. */
    signingKey,
    /**
     * The day signals and their handlings are judged on: the calendar's, or one a test gives
     * buildCoordination to see a follow-up day come without waiting for it.
     */
    today,
    recipientKey,
  };
}
