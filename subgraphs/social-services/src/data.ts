import type { Kysely, Selectable } from 'kysely';
import type { HouseholdType } from './generated/resolvers-types.ts';

/** The social services' store: ekonomiskt bistånd per month and other measures. All SQL of this subgraph is here. */
export interface SocialServicesDb {
  assistance_month: { personnummer: string; month: string; amount_sek: number; household_type: HouseholdType; reason_for_need: string };
  social_measure: { id: string; personnummer: string; kind: string; start_date: string; end_date: string | null };
}

export type AssistanceMonthRow = Selectable<SocialServicesDb['assistance_month']>;
export type MeasureRow = Selectable<SocialServicesDb['social_measure']>;

type Db = Kysely<SocialServicesDb>;

export function assistanceMonthsOfPersons(db: Db, personnummer: readonly string[]): Promise<AssistanceMonthRow[]> {
  return db.selectFrom('assistance_month').selectAll().where('personnummer', 'in', personnummer).orderBy('month', 'desc').execute();
}

export function measuresOfPersons(db: Db, personnummer: readonly string[]): Promise<MeasureRow[]> {
  return db.selectFrom('social_measure').selectAll().where('personnummer', 'in', personnummer).orderBy('start_date', 'desc').orderBy('id').execute();
}
