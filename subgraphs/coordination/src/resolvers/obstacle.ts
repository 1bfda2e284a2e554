import type { GraphQLResolveInfo } from 'graphql';
import { selectedFieldPaths } from '@finsam/kit/field-paths';
import { valueOrThrow, type Result } from '@finsam/kit/errors';
import { analystsOnly, checkedPeriod } from '../analyst-question.ts';
import { isProtected, personReadEntry, personToChange } from '../access.ts';
import type { CoordinationContext } from '../context.ts';
import { followUpCatalogueOf, insertObstacle, obstacleByDedupeKey, releasesOf, type Db } from '../data.ts';
import { obstacleMunicipalities, releasedObstacles } from '../obstacle-release.ts';
import { obstacleResolvers, obstacleRow, validObstacle } from '../obstacles.ts';
import type { PersonParent } from './person.ts';
import type { MutationRecordObstacleArgs, QueryObstacleStatisticsArgs, Resolvers } from '../generated/resolvers-types.ts';

/** ObstacleStatistics as its resolvers see it: the period and each figure, read when selected. */
export type ObstacleStatisticsParent = { from: string; to: string } & ReturnType<typeof releasedObstacles>;

const answer = <T>(result: Result<T>): T => valueOrThrow(result);

export const obstacleResolverMap = {
  Mutation: {
    /**
     * The person is checked like a consent change (caseload today, the refusal logged against
     * them); the row and its audit record are one transaction. The record lists what was
     * recorded by name (`obstacle.<code>`, `obstacle.agency.<agency>`) and never the note.
     */
    async recordObstacle(_root: unknown, args: MutationRecordObstacleArgs, ctx: CoordinationContext, info: GraphQLResolveInfo) {
      const checked = valueOrThrow(validObstacle(args.input));
      const fields = [`obstacle.${checked.code}`, ...checked.agencies.map((a) => `obstacle.agency.${a}`), ...(checked.note ? ['obstacle.note'] : [])];
      const person = valueOrThrow(await personToChange(ctx, { id: args.input.personId, personnummer: args.input.personnummer }, 'input.personId', fields, 'Only the person\'s own coordinator can record an obstacle on them.'));
      const row = obstacleRow(person.personnummer, ctx.caller.actorId, new Date().toISOString(), checked);
      const stored = await ctx.auditLog.changeWithRecords(ctx.caller,
        (trx: Db) => insertObstacle(trx, row),
        (fresh) => [{
          personnummer: person.personnummer, agency: ctx.audit.agency, fields, decision: 'RECORDED', protectedIdentity: isProtected(person),
          reason: fresh ? null : 'ALREADY_RECORDED',
        }]);
      ctx.loaders.obstaclesByPerson.clear(person.personnummer);
      const obstacle = stored ? row : (await obstacleByDedupeKey(ctx.db, row.dedupe_key))!;
      const read = selectedFieldPaths(info, '').filter((f) => f.startsWith('.person.')).map((f) => f.slice('.person.'.length));
      // What the client reads of the person here is a release like any other, and logged as one.
      if (read.length > 0) ctx.audit.record(personReadEntry(person, read, ''));
      const after: PersonParent = { personnummer: person.personnummer, row: person };
      return { obstacle, person: after };
    },
  },
  Person: {
    // Reached only through `person` or the plan, which check the caseload and log the fields read.
    obstacles: (p: PersonParent, _a: unknown, ctx: CoordinationContext) => ctx.loaders.obstaclesByPerson.load(p.personnummer),
  },
  Obstacle: obstacleResolvers,
  Query: {
    /**
     * From the obstacle releases only: no obstacle row is read on a request. The period and the
     * municipalities are checked here; each figure is read where it is selected.
     */
    async obstacleStatistics(_root: unknown, args: QueryObstacleStatisticsArgs, ctx: CoordinationContext): Promise<ObstacleStatisticsParent> {
      valueOrThrow(analystsOnly(ctx));
      const period = valueOrThrow(checkedPeriod(args));
      const [catalogue, released] = await Promise.all([followUpCatalogueOf(ctx.db), releasesOf(ctx.db, 'obstacle_release')]);
      const municipalities = valueOrThrow(obstacleMunicipalities(args.municipalityCodes, catalogue));
      const figures = releasedObstacles(released, { fromMonth: period.from.slice(0, 7), toMonth: period.to.slice(0, 7), municipalities }, catalogue);
      valueOrThrow(figures.check());
      // One record for the read, without any personnummer: only protected counts leave.
      ctx.audit.record({ personnummer: null, fields: ['obstacleStatistics'], decision: 'RELEASED', reason: 'OBSTACLE_STATISTICS', protectedIdentity: false });
      return { from: period.from, to: period.to, ...figures };
    },
  },
  ObstacleStatistics: {
    persons: (s: ObstacleStatisticsParent) => answer(s.persons()),
    byCode: (s: ObstacleStatisticsParent) => answer(s.byCode()),
    byAgency: (s: ObstacleStatisticsParent) => answer(s.byAgency()),
    byMunicipality: (s: ObstacleStatisticsParent) => answer(s.byMunicipality()),
    byMonth: (s: ObstacleStatisticsParent) => answer(s.byMonth()),
  },
} satisfies Resolvers;

