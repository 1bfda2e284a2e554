import type { SignalCode } from './gql/graphql';

/**
 * The eight signals, most urgent first, each with a line in Swedish on what it means for the
 * coordinator. Urgency: a person already without income or about to lose it comes first, then a
 * deadline in the rehabilitation chain, then long situations with no one acting.
 */
export const SIGNALS: readonly { code: SignalCode; label: string; meaning: string }[] = [
  { code: 'SICKNESS_BENEFIT_ENDED_NOT_REGISTERED', label: 'Sjukpenning upphörd, ej inskriven', meaning: 'Sjukpenningen nekades eller drogs in och personen har inte skrivit in sig hos Arbetsförmedlingen inom 25 dagar: risk att stå helt utan inkomst.' },
  { code: 'SICK_LISTED_WITHOUT_BENEFIT', label: 'Sjukskriven utan ersättning', meaning: 'Ekonomiskt bistånd beviljas för sjukskrivning med läkarintyg, men ingen sjukpenning betalas: en ansökan hos Försäkringskassan kan saknas.' },
  { code: 'DAY_180_APPROACHING', label: 'Dag 180 närmar sig', meaning: 'Dag 150–180 i rehabiliteringskedjan utan avstämningsmöte eller rehabiliteringsplan: prövningen mot hela arbetsmarknaden står för dörren.' },
  { code: 'SICK_IN_PROGRAMME_NO_CERTIFICATE', label: 'Sjuk i program utan intyg', meaning: 'Sjukanmäld mer än 7 dagar under ett arbetsmarknadsprogram utan läkarintyg: ersättningen kan dras in.' },
  { code: 'CONFLICTING_ASSESSMENTS', label: 'Motstridiga bedömningar', meaning: 'En myndighet bedömer personen som arbetsför medan en annan bedömer hen som för sjuk för att arbeta.' },
  { code: 'LEFT_INSURANCE_ON_SOCIAL_ASSISTANCE', label: 'Utförsäkrad till försörjningsstöd', meaning: 'Personen har lämnat sjukförsäkringen och lever nu på ekonomiskt bistånd.' },
  { code: 'ACTIVITY_COMPENSATION_NO_ACTIVITY', label: 'Aktivitetsersättning utan aktivitet', meaning: 'Aktivitetsersättning utan pågående aktivitet, eller ersättning som upphör inom 6 månader utan ny ansökan.' },
  { code: 'LONG_ASSISTANCE_NO_ACTIVITY', label: 'Långvarigt bistånd utan aktivitet', meaning: 'Ekonomiskt bistånd minst 6 av de senaste 12 månaderna utan inskrivning eller program hos Arbetsförmedlingen.' },
];

const RANK = new Map(SIGNALS.map((s, i) => [s.code, i]));

export const signalInfo = (code: SignalCode) => SIGNALS[RANK.get(code) ?? 0]!;

/** 0 is the most urgent; a person without signals ranks after every signal. */
export function urgency(codes: readonly SignalCode[]): number {
  return codes.reduce((best, code) => Math.min(best, RANK.get(code) ?? SIGNALS.length), SIGNALS.length);
}

export function byUrgency<T extends { code: SignalCode }>(signals: readonly T[]): T[] {
  return [...signals].sort((a, b) => (RANK.get(a.code) ?? 99) - (RANK.get(b.code) ?? 99));
}
