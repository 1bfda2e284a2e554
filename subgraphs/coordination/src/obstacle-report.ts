/**
 * `npm run report -- obstacles --from YYYY-MM-01 --to YYYY-MM-DD --format csv|html`: the förbund's
 * report of obstacles in rules and steering (hinder i regelverk och styrning) for a period, to send
 * on to the agencies' steering bodies: CSV (semicolons, UTF-8 with a byte order mark, as Excel in
 * Swedish opens it) or a printable HTML page, on stdout. Read from the obstacle releases only
 * (obstacle-release.ts), the same figures an analyst's obstacleStatistics gives: no obstacle row
 * and no person is read. Exit 0 with the report, 1 when the period is not released, 2 on a usage
 * error. Runs against coordination's store as the release job does (DATA_DIR, or
 * COORDINATION_DATABASE_URL / DATABASE_URL).
 */
import { AGENCY_ROWS, type Agency } from '@finsam/kit/agencies';
import { consoleOutput, type CommandOutput } from '@finsam/kit/command-output';
import { dataDir } from '@finsam/kit/config';
import { databaseUrlFor, openDatabase } from '@finsam/kit/database';
import { createLogger } from '@finsam/kit/logger';
import { OBSTACLE_NAMES, type ObstacleCodeName } from '@finsam/kit/obstacle-codes';
import { subgraphKitMigrations } from '@finsam/kit/subgraph';
import { checkedPeriod } from './analyst-question.ts';
import { followUpCatalogue, releasesOf, type CoordinationDb } from './data.ts';
import { migrations } from './migrations.ts';
import { releasedObstacles } from './obstacle-release.ts';

const USAGE = 'Usage: npm run report -- obstacles --from YYYY-MM-01 --to YYYY-MM-DD --format csv|html';

const AGENCY_NAMES = Object.fromEntries(AGENCY_ROWS.map((row) => [row.agency, row.swedish.title])) as Record<Agency, string>;

/** The report's figures, each a released count of persons. */
export interface ObstacleReport {
  from: string;
  to: string;
  persons: number;
  byCode: { code: ObstacleCodeName; count: number }[];
  byAgency: { agency: Agency; count: number }[];
  byMunicipality: { code: string; name: string; count: number }[];
  byMonth: { month: string; persons: number; byCode: { code: ObstacleCodeName; count: number }[] }[];
}

type Args = { from: string; to: string; format: 'csv' | 'html' };

function parseArgs(argv: readonly string[]): Args | string {
  const [what, ...rest] = argv;
  if (what !== 'obstacles') return `${what ?? '(nothing)'}: the report is "obstacles".`;
  const parsed: Partial<Args> = {};
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    if (flag === '--from' && value) parsed.from = value;
    else if (flag === '--to' && value) parsed.to = value;
    else if (flag === '--format' && (value === 'csv' || value === 'html')) parsed.format = value;
    else return `${flag ?? ''}${value === undefined ? '' : ` ${value}`}: not understood.`;
  }
  if (!parsed.from || !parsed.to || !parsed.format) return 'Give --from, --to and --format.';
  return parsed as Args;
}

/** The report of a period from the stored releases, or the refusal in words (a period not whole months, not released). */
export async function obstacleReport(db: import('kysely').Kysely<CoordinationDb>, from: string, to: string): Promise<ObstacleReport | string> {
  const period = checkedPeriod({ from, to });
  if (!period.ok) return period.refusal.message;
  const figures = releasedObstacles(await releasesOf(db, 'obstacle_release'), { fromMonth: from.slice(0, 7), toMonth: to.slice(0, 7), municipalities: null }, await followUpCatalogue(db));
  const parts = [figures.persons(), figures.byCode(), figures.byAgency(), figures.byMunicipality(), figures.byMonth()] as const;
  for (const part of parts) if (!part.ok) return part.refusal.message;
  const [persons, byCode, byAgency, byMunicipality, byMonth] = parts.map((p) => (p as { value: unknown }).value) as [
    { value: number }, { code: ObstacleCodeName; count: { value: number } }[], { agency: Agency; count: { value: number } }[],
    { code: string; name: string; count: { value: number } }[], { month: string; persons: { value: number }; byCode: { code: ObstacleCodeName; count: { value: number } }[] }[],
  ];
  const codes = (list: { code: ObstacleCodeName; count: { value: number } }[]) => list.map((c) => ({ code: c.code, count: c.count.value }));
  return {
    from, to, persons: persons.value, byCode: codes(byCode), byAgency: byAgency.map((a) => ({ agency: a.agency, count: a.count.value })),
    byMunicipality: byMunicipality.map((m) => ({ code: m.code, name: m.name, count: m.count.value })),
    byMonth: byMonth.map((m) => ({ month: m.month, persons: m.persons.value, byCode: codes(m.byCode) })),
  };
}

const csvField = (value: string | number) => (typeof value === 'number' || !/[;"\n\r]/.test(value) ? String(value) : `"${value.replaceAll('"', '""')}"`);

/** One row per figure: the table, its category's code and Swedish name, the count of persons. */
export function reportCsv(report: ObstacleReport): string {
  const rows: (string | number)[][] = [['period', 'tabell', 'kod', 'namn', 'personer']];
  const period = `${report.from}–${report.to}`;
  rows.push([period, 'totalt', '', 'Personer med minst ett hinder', report.persons]);
  for (const c of report.byCode) rows.push([period, 'hinder', c.code, OBSTACLE_NAMES[c.code], c.count]);
  for (const a of report.byAgency) rows.push([period, 'myndighet', a.agency, AGENCY_NAMES[a.agency], a.count]);
  for (const m of report.byMunicipality) rows.push([period, 'kommun', m.code, m.name, m.count]);
  for (const m of report.byMonth) {
    rows.push([m.month, 'månad', '', 'Personer med minst ett hinder', m.persons]);
    for (const c of m.byCode) rows.push([m.month, 'månad och hinder', c.code, OBSTACLE_NAMES[c.code], c.count]);
  }
  return `\uFEFF${rows.map((row) => row.map(csvField).join(';')).join('\r\n')}\r\n`;
}

const html = (text: string | number) => String(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

function table(caption: string, head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return `<table><caption>${html(caption)}</caption><thead><tr>${head.map((h, i) => `<th scope="col"${i > 0 ? ' class="n"' : ''}>${html(h)}</th>`).join('')}</tr></thead>
<tbody>${rows.map((row) => `<tr><th scope="row">${html(row[0]!)}</th>${row.slice(1).map((cell) => `<td class="n">${html(cell)}</td>`).join('')}</tr>`).join('\n')}</tbody></table>`;
}

/** A page that prints on A4 as it is: no script, no style or font from elsewhere, Swedish throughout. */
export function reportHtml(report: ObstacleReport, madeOn: string): string {
  const months = report.byMonth.map((m) => m.month);
  return `<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<title>Hinder i regelverk och styrning ${html(report.from)}–${html(report.to)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #111; }
table { border-collapse: collapse; margin: 1rem 0 2rem; }
caption { text-align: left; font-weight: bold; padding-bottom: .25rem; }
th, td { border: 1px solid #999; padding: .25rem .5rem; text-align: left; }
.n { text-align: right; }
@media print { body { margin: 0; } table { page-break-inside: avoid; } }
</style>
</head>
<body>
<h1>Hinder i regelverk och styrning</h1>
<p>Period ${html(report.from)}–${html(report.to)}. Utskriven ${html(madeOn)}.</p>
<p>Antal personer för vilka samordnarna registrerat minst ett hinder. Siffrorna kommer ur förbundets statistikuttag:
varje tal är skyddat med slumpmässigt brus (differentiell integritet) så att ingen enskild person kan urskiljas.
Delarna behöver därför inte summera till totalen, och en person med flera hinder räknas en gång per tabell
(högst tre hinder och alla myndigheter som hindret berörde).</p>
<p><strong>Personer med minst ett hinder: ${html(report.persons)}</strong></p>
${table('Hinder', ['Hinder', 'Personer'], report.byCode.map((c) => [OBSTACLE_NAMES[c.code], c.count]))}
${table('Berörda myndigheter', ['Myndighet', 'Personer'], report.byAgency.map((a) => [AGENCY_NAMES[a.agency], a.count]))}
${table('Kommun där personen är folkbokförd', ['Kommun', 'Personer'], report.byMunicipality.map((m) => [m.name, m.count]))}
${table('Månad för månad', ['Hinder', ...months], [
    ['Personer med minst ett hinder', ...report.byMonth.map((m) => m.persons)],
    ...report.byCode.map((c) => [OBSTACLE_NAMES[c.code], ...report.byMonth.map((m) => m.byCode.find((x) => x.code === c.code)!.count)]),
  ])}
</body>
</html>
`;
}

export async function reportCommand(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, print: CommandOutput = consoleOutput): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    print.err(`${args} ${USAGE}`);
    return 2;
  }
  const logger = createLogger('report', { level: env.LOG_LEVEL ?? 'warn', destination: { write: (line) => print.err(line.trimEnd()) } });
  const store = await openDatabase<CoordinationDb>({
    store: 'coordination', dataDir: dataDir(env), databaseUrl: databaseUrlFor('coordination', env),
    kitMigrations: subgraphKitMigrations, migrations, onStatement: () => undefined, logger,
  });
  try {
    const report = await obstacleReport(store.db, args.from, args.to);
    if (typeof report === 'string') {
      print.err(`${report} ${USAGE}`);
      return 1;
    }
    // The output ends its last line itself; print adds the newline.
    print.out((args.format === 'csv' ? reportCsv(report) : reportHtml(report, new Date().toISOString().slice(0, 10))).replace(/\r?\n$/, ''));
    return 0;
  } finally {
    await store.close();
  }
}
