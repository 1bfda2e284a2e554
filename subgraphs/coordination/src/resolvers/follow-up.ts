import type { GraphQLResolveInfo } from 'graphql';
import { cohortId, type CohortDefinition, type CohortFilter } from '@finsam/kit/cohort';
import { valueOrThrow } from '@finsam/kit/errors';
import { selectedFields } from '@finsam/kit/selection';
import { releasesForPeriod } from '@finsam/kit/statistics-release';
import { analystsOnly, checkedPeriod, releasedCohortQuestion } from '../analyst-question.ts';
import type { CoordinationContext } from '../context.ts';
import { followUpCatalogueOf, releasesOf } from '../data.ts';
import type { Dimension } from '../follow-up.ts';
import { releasedFilter, releasedReport, type FollowUpFigure, type ReleasedFilter } from '../released-follow-up.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';


export interface FollowUpArgs {
  from: string;
  to: string;
  groupBy?: Dimension | null;
  filter?: CohortFilter | null;
}


const FIGURES = new Set<FollowUpFigure>([
  'started', 'ended', 'occupationBefore', 'occupationAfter', 'incomeSourcesBefore', 'incomeSourcesAfter', 'inWorkOrStudiesAfter', 'shareInWorkOrStudiesAfter', 'medianDaysInIntervention',
]);

/** The figures a request selects of the report's groups and of its total: only their tables are read, each where it is selected. */
function selectedFigures(info: GraphQLResolveInfo): { groups: Set<FollowUpFigure>; total: Set<FollowUpFigure> } {
  const figures = { groups: new Set<FollowUpFigure>(), total: new Set<FollowUpFigure>() };
  for (const node of info.fieldNodes) {
    if (!node.selectionSet) continue;
    for (const part of selectedFields(node.selectionSet, info.fragments)) {
      const name = part.node.name.value;
      if ((name !== 'groups' && name !== 'total') || !part.node.selectionSet) continue;
      for (const field of selectedFields(part.node.selectionSet, info.fragments)) {
        if (FIGURES.has(field.node.name.value as FollowUpFigure)) figures[name].add(field.node.name.value as FollowUpFigure);
      }
    }
  }
  return figures;
}

export const followUpResolvers = {
  Query: {
    /**
     * Answered from the stored monthly statistics releases only (released-follow-up.ts): no
     * participation is read, so there is no per-analyst memory, budget or noise to keep.
     */
    async interventionFollowUp(_root: unknown, args: FollowUpArgs, ctx: CoordinationContext, info: GraphQLResolveInfo) {
      valueOrThrow(analystsOnly(ctx));
      const period = valueOrThrow(checkedPeriod(args));
      const groupBy = args.groupBy ?? 'INTERVENTION';
      const [catalogue, released] = await Promise.all([followUpCatalogueOf(ctx.db), releasesOf(ctx.db)]);
      const filter = valueOrThrow(releasedFilter(args.filter, catalogue));
      const question = { fromMonth: period.from.slice(0, 7), toMonth: period.to.slice(0, 7), groupBy, filter, figures: selectedFigures(info) };
      const releases = valueOrThrow(releasesForPeriod(released, question.fromMonth, question.toMonth));
      const report = valueOrThrow(releasedReport(question, releases, catalogue));
      return { from: period.from, to: period.to, groupBy, suppressionThreshold: 0, ...report };
    },
    /**
     * A cohort is its definition: its figures are read from the releases by whichever subgraph
     * owns them (resolvers/cohort.ts, each agency's), so nothing of it is kept between requests.
     */
    async cohort(_root: unknown, args: CohortDefinition, ctx: CoordinationContext) {
      const { period, filter } = await releasedCohortQuestion(ctx, args);
      // A period not (yet) released is refused here, naming `to`, before any agency is asked.
      valueOrThrow(releasesForPeriod(await releasesOf(ctx.db), period.fromMonth, period.toMonth));
      return { id: cohortId({ from: args.from, to: args.to, filter: filterOf(filter) }) };
    },
  },
} satisfies Resolvers;

/** One written form per definition (sorted lists, no empty values), so equal cohorts have one id. */
function filterOf(filter: ReleasedFilter): CohortFilter {
  const normal: CohortFilter = {};
  if (filter.intervention) normal.interventionIds = [...filter.intervention];
  if (filter.municipality) normal.municipalityCodes = [...filter.municipality];
  if (filter.sex) normal.sex = filter.sex;
  if (filter.ageBand) normal.ageBand = filter.ageBand;
  if (filter.priorityGroup) normal.priorityGroup = filter.priorityGroup;
  return normal;
}
