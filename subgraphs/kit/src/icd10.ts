/** ICD-10 chapters (kapitel), by the range of codes each covers: the diagnosis groups both Försäkringskassan and the region report by. */
const CHAPTERS: readonly (readonly [from: string, to: string, name: string])[] = [
  ['A00', 'B99', 'A00-B99 Vissa infektionssjukdomar och parasitsjukdomar'],
  ['C00', 'D48', 'C00-D48 Tumörer'],
  ['D50', 'D89', 'D50-D89 Sjukdomar i blod och blodbildande organ'],
  ['E00', 'E90', 'E00-E90 Endokrina sjukdomar, nutritionsrubbningar och ämnesomsättningssjukdomar'],
  ['F00', 'F99', 'F00-F99 Psykiska sjukdomar och syndrom samt beteendestörningar'],
  ['G00', 'G99', 'G00-G99 Sjukdomar i nervsystemet'],
  ['H00', 'H59', 'H00-H59 Sjukdomar i ögat och närliggande organ'],
  ['H60', 'H95', 'H60-H95 Sjukdomar i örat och mastoidutskottet'],
  ['I00', 'I99', 'I00-I99 Cirkulationsorganens sjukdomar'],
  ['J00', 'J99', 'J00-J99 Andningsorganens sjukdomar'],
  ['K00', 'K93', 'K00-K93 Matsmältningsorganens sjukdomar'],
  ['L00', 'L99', 'L00-L99 Hudens och underhudens sjukdomar'],
  ['M00', 'M99', 'M00-M99 Sjukdomar i muskuloskeletala systemet och bindväven'],
  ['N00', 'N99', 'N00-N99 Sjukdomar i urin- och könsorganen'],
  ['O00', 'O99', 'O00-O99 Graviditet, förlossning och barnsängstid'],
  ['P00', 'P96', 'P00-P96 Vissa perinatala tillstånd'],
  ['Q00', 'Q99', 'Q00-Q99 Medfödda missbildningar'],
  ['R00', 'R99', 'R00-R99 Symtom, sjukdomstecken och onormala fynd'],
  ['S00', 'T98', 'S00-T98 Skador, förgiftningar och vissa andra följder av yttre orsaker'],
  ['V01', 'Y98', 'V01-Y98 Yttre orsaker till sjukdom och död'],
  ['Z00', 'Z99', 'Z00-Z99 Faktorer av betydelse för hälsotillståndet'],
];

/** Every chapter's name, in order: statistics list them all, so that a chapter's presence says nothing. */
export const ICD10_CHAPTER_NAMES: readonly string[] = CHAPTERS.map(([, , name]) => name);

/** The name under which statistics count a diagnosis code outside every chapter. */
export const UNKNOWN_CHAPTER = 'Okänd diagnosgrupp';

/** The chapter of an ICD-10-SE code such as F43.8A, or null for a code outside every chapter. */
export function icd10Chapter(code: string): string | null {
  const head = code.slice(0, 3).toUpperCase();
  return CHAPTERS.find(([from, to]) => head >= from && head <= to)?.[2] ?? null;
}
