/**
 * The code list of obstacles in rules and steering (hinder i regelverk och styrning) that a
 * coordinator records on a person (docs/domain.md, "Obstacles in rules and steering"). One list
 * for the schema's `ObstacleCode` (a test holds them equal), the coordinator client's choices and
 * the förbund's report, so a name is written once. Kept as data (*check*: no agency publishes
 * such a list; it follows ISF 2023:4 and 2023:15 and what coordinators name).
 */
export const OBSTACLE_CODE_LIST = [
  {
    obstacle: 'BENEFIT_ENDED_NO_TRANSITION',
    name: 'Ersättning upphörde utan övergång',
    definition: 'En ersättning (sjukpenning, aktivitetsersättning, a-kassa) upphörde och ingen annan myndighet tog över; personen skrevs inte in hos Arbetsförmedlingen.',
  },
  {
    obstacle: 'CONFLICTING_WORK_CAPACITY_ASSESSMENTS',
    name: 'Motstridiga bedömningar av arbetsförmågan',
    definition: 'Två myndigheter bedömer personens arbetsförmåga olika: den ena anser personen kunna arbeta, den andra för sjuk för att arbeta eller delta.',
  },
  {
    obstacle: 'REQUIREMENT_CANNOT_BE_MET',
    name: 'Krav som personen inte kan uppfylla',
    definition: 'Ett villkor för stöd som personen inte klarar: inskrivning, aktivitetsrapport, läkarintyg, närvaro eller en digital tjänst.',
  },
  {
    obstacle: 'WAITING_TIME',
    name: 'Väntetid',
    definition: 'Väntan på ett beslut, vård, en utredning eller ett program stoppade personens väg framåt.',
  },
  {
    obstacle: 'NO_ONE_RESPONSIBLE',
    name: 'Ingen tar ansvar',
    definition: 'Ingen myndighet anser sig ansvarig, eller var och en hänvisar till en annan (rundgång).',
  },
  {
    obstacle: 'COMBINATION_NOT_ALLOWED',
    name: 'Regler hindrar kombination av stöd',
    definition: 'Regler hindrar att stöd kombineras: studier med ersättning, deltidsarbete med ekonomiskt bistånd, program med sjukpenning.',
  },
  {
    obstacle: 'TIME_LIMIT',
    name: 'Tidsgräns i regelverket',
    definition: 'En fast tidsgräns (en dag i rehabiliteringskedjan, en åldersgräns, en period av aktivitetsersättning) avslutade stödet innan personen var redo.',
  },
  {
    obstacle: 'INFORMATION_NOT_SHARED',
    name: 'Uppgifter delas inte',
    definition: 'En myndighet kunde eller ville inte lämna det en annan behövde (sekretess, ingen väg för det), så ett beslut fattades utan det.',
  },
  {
    obstacle: 'OTHER',
    name: 'Annat hinder i regelverk eller styrning',
    definition: 'Något annat; beskriv det i anteckningen.',
  },
] as const;

export type ObstacleCodeName = (typeof OBSTACLE_CODE_LIST)[number]['obstacle'];

/** The codes in the list's order: the schema's enum order and the release's domain order. */
export const OBSTACLE_CODES: readonly ObstacleCodeName[] = OBSTACLE_CODE_LIST.map((entry) => entry.obstacle);

/** The Swedish name of each code. */
export const OBSTACLE_NAMES = Object.fromEntries(OBSTACLE_CODE_LIST.map((entry) => [entry.obstacle, entry.name])) as Record<ObstacleCodeName, string>;

/** The longest note a coordinator may write with an obstacle, in characters. */
export const OBSTACLE_NOTE_MAX = 300;
