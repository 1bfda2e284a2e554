import type { Forbund } from './types.ts';
import type { HouseholdType } from './types.ts';

/** Reference data for the synthetic population: places, names, diagnoses, programmes. */

export const FORBUND: Forbund[] = [
  {
    id: 'forbund-goteborg',
    name: 'Samordningsförbundet Göteborg',
    municipalities: [
      { code: '1480', name: 'Göteborg', county: 'Västra Götalands län' },
      { code: '1481', name: 'Mölndal', county: 'Västra Götalands län' },
      { code: '1402', name: 'Partille', county: 'Västra Götalands län' },
    ],
  },
  {
    id: 'forbund-sodertorn',
    name: 'Samordningsförbundet Södertörn',
    municipalities: [
      { code: '0127', name: 'Botkyrka', county: 'Stockholms län' },
      { code: '0126', name: 'Huddinge', county: 'Stockholms län' },
      { code: '0136', name: 'Haninge', county: 'Stockholms län' },
    ],
  },
  {
    id: 'forbund-malmo',
    name: 'Samordningsförbundet Malmö',
    municipalities: [{ code: '1280', name: 'Malmö', county: 'Skåne län' }],
  },
  {
    id: 'forbund-umea',
    name: 'Samordningsförbundet Umeå',
    // Two members: the second förbund of `npm run start:network` (docs/network.md).
    municipalities: [
      { code: '2480', name: 'Umeå', county: 'Västerbottens län' },
      { code: '2409', name: 'Robertsfors', county: 'Västerbottens län' },
    ],
  },
  {
    id: 'forbund-storstockholm',
    name: 'Samordningsförbundet Storstockholm',
    // The size of the largest förbund, for `npm run bench -- national` (docs/operations.md, "National
    // figures"): ten members, all in Region Stockholm, and participations over ten years. Last in the
    // list, so that no other förbund's index, which seeds its stream, moves.
    municipalities: [
      { code: '0180', name: 'Stockholm', county: 'Stockholms län' },
      { code: '0184', name: 'Solna', county: 'Stockholms län' },
      { code: '0183', name: 'Sundbyberg', county: 'Stockholms län' },
      { code: '0123', name: 'Järfälla', county: 'Stockholms län' },
      { code: '0163', name: 'Sollentuna', county: 'Stockholms län' },
      { code: '0114', name: 'Upplands Väsby', county: 'Stockholms län' },
      { code: '0160', name: 'Täby', county: 'Stockholms län' },
      { code: '0162', name: 'Danderyd', county: 'Stockholms län' },
      { code: '0186', name: 'Lidingö', county: 'Stockholms län' },
      { code: '0182', name: 'Nacka', county: 'Stockholms län' },
    ],
    participationYears: 10,
  },
];

export const GIVEN_NAMES_FEMALE = ['Anna', 'Maria', 'Eva', 'Karin', 'Sara', 'Lena', 'Emma', 'Elin', 'Fatima', 'Amina', 'Johanna', 'Linnea', 'Sofia', 'Hanna', 'Ida', 'Maja', 'Nour', 'Zeynep', 'Aino', 'Malin'];
export const GIVEN_NAMES_MALE = ['Erik', 'Lars', 'Karl', 'Anders', 'Johan', 'Per', 'Mikael', 'Ahmed', 'Ali', 'Oskar', 'Lucas', 'Elias', 'Mohammed', 'Jonas', 'Daniel', 'Adam', 'Hugo', 'Yusuf', 'Matti', 'Filip'];
export const FAMILY_NAMES = ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson', 'Pettersson', 'Jonsson', 'Hassan', 'Mohamed', 'Lindberg', 'Lindqvist', 'Berg', 'Nyström', 'Holm', 'Yilmaz'];
export const STREETS = ['Storgatan', 'Kungsgatan', 'Drottninggatan', 'Skolgatan', 'Parkvägen', 'Björkvägen', 'Ringvägen', 'Kyrkogatan', 'Industrigatan', 'Järnvägsgatan'];

/** ICD-10 diagnoses on sick leave; psychiatric diagnoses are about half of ongoing cases. */
export const DIAGNOSES: readonly (readonly [{ code: string; text: string }, number])[] = [
  [{ code: 'F43.8A', text: 'Utmattningssyndrom' }, 16],
  [{ code: 'F43.2', text: 'Anpassningsstörning' }, 9],
  [{ code: 'F32.1', text: 'Medelsvår depressiv episod' }, 12],
  [{ code: 'F41.1', text: 'Generaliserat ångestsyndrom' }, 8],
  [{ code: 'F33.1', text: 'Recidiverande depression, medelsvår episod' }, 5],
  [{ code: 'M54.5', text: 'Lumbago' }, 12],
  [{ code: 'M75.1', text: 'Rotatorkuffsyndrom' }, 5],
  [{ code: 'M79.7', text: 'Fibromyalgi' }, 5],
  [{ code: 'C50.9', text: 'Bröstcancer, ospecificerad' }, 4],
  [{ code: 'G35', text: 'Multipel skleros' }, 2],
  [{ code: 'S82.2', text: 'Fraktur på skenbenets diafys' }, 5],
  [{ code: 'I21.9', text: 'Akut hjärtinfarkt, ospecificerad' }, 2],
  [{ code: 'J45.9', text: 'Astma, ospecificerad' }, 4],
  [{ code: 'F90.0', text: 'Aktivitets- och uppmärksamhetsstörning (ADHD)' }, 2],
  [{ code: 'F84.5', text: 'Aspergers syndrom' }, 1],
  [{ code: 'F10.2', text: 'Alkoholberoende' }, 2],
  [{ code: 'M17.1', text: 'Primär gonartros' }, 5],
];

export function diagnosisText(code: string): string {
  return DIAGNOSES.find(([d]) => d.code === code)?.[0].text ?? code;
}

export const PROGRAMMES = [
  'FORBEREDANDE_INSATSER',
  'ARBETSTRANING',
  'JOBB_OCH_UTVECKLINGSGARANTIN',
  'JOBBGARANTIN_FOR_UNGDOMAR',
  'RUSTA_OCH_MATCHA',
  'ARBETSMARKNADSUTBILDNING',
  'INTRODUKTIONSJOBB',
  'NYSTARTSJOBB',
  'LONEBIDRAG',
  'SKYDDAT_ARBETE',
  'SIUS',
] as const;

export const HOUSEHOLD_TYPES: readonly (readonly [HouseholdType, number])[] = [
  ['SINGLE_MAN_NO_CHILDREN', 34],
  ['SINGLE_MAN_WITH_CHILDREN', 3],
  ['SINGLE_WOMAN_NO_CHILDREN', 22],
  ['SINGLE_WOMAN_WITH_CHILDREN', 18],
  ['COUPLE_NO_CHILDREN', 6],
  ['COUPLE_WITH_CHILDREN', 15],
  ['UNKNOWN', 2],
];

/**
 * Reasons for need (försörjningshinder) among adults on ekonomiskt bistånd: 48 % unemployment
 * and 9 % sick leave with a certificate (Socialstyrelsen 2013; docs/domain.md).
 */
export const REASONS_FOR_NEED: readonly (readonly [string, number])[] = [
  ['ARBETSLOS_VANTAR_ERSATTNING', 6],
  ['ARBETSLOS_OTILLRACKLIG_ERSATTNING', 10],
  ['ARBETSLOS_INGEN_ERSATTNING', 32],
  ['SJUKSKRIVEN_VANTAR_ERSATTNING', 2],
  ['SJUKSKRIVEN_OTILLRACKLIG_ERSATTNING', 3],
  ['SJUKSKRIVEN_INGEN_ERSATTNING', 4],
  ['ARBETSHINDER_SOCIALA_SKAL', 12],
  ['ARBETSHINDER_OHALSA', 11],
  ['FORALDRALEDIG', 5],
  ['ARBETAR_OTILLRACKLIG_INKOMST', 6],
  ['STUDERANDE', 4],
  ['OTILLRACKLIG_SJUK_ELLER_AKTIVITETSERSATTNING', 4],
  ['INGET_HINDER', 1],
];

export const SOCIAL_MEASURES = ['SUBSTANCE_USE_CARE', 'HOUSING_FIRST', 'TRAINING_FLAT', 'HOUSING_SUPPORT', 'DAY_ACTIVITY', 'SIP'] as const;

export const INCOME_SOURCES = [
  'LON', 'A_KASSA', 'AKTIVITETSSTOD', 'UTVECKLINGSERSATTNING', 'ETABLERINGSERSATTNING', 'SJUKPENNING',
  'REHABILITERINGSPENNING', 'SJUKERSATTNING', 'AKTIVITETSERSATTNING', 'FORSORJNINGSSTOD', 'INGEN_OFFENTLIG', 'OKAND',
] as const;

export const INTERVENTION_NAMES = [
  'Arbetsträning i kommunal verksamhet', 'Unga vuxna i rörelse', 'Steget vidare', 'Vägen till arbete',
  'Hälsa och arbete', 'Samverkansteam psykisk ohälsa', 'Individuell stegförflyttning', 'Aktivitetscenter',
  'Jobbspåret', 'Kraftsamling unga', 'Tidiga samordnade insatser', 'Rehabiliteringsteam',
];

export const CARE_UNITS = ['Vårdcentralen Centrum', 'Vårdcentralen Norr', 'Psykiatriska mottagningen', 'Beroendemottagningen', 'Habiliteringen', 'Ortopedmottagningen', 'Smärtmottagningen'];
export const FK_OFFICES = ['Lokalt försäkringscenter Väst', 'Lokalt försäkringscenter Öst', 'Lokalt försäkringscenter Syd', 'Lokalt försäkringscenter Nord'];
export const AF_OFFICES = ['Arbetsförmedlingen Centrum', 'Arbetsförmedlingen Nord', 'Arbetsförmedlingen Syd'];
