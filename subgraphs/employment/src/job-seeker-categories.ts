import fs from 'node:fs';

export interface JobSeekerCategory {
  code: string;
  label: string;
  group: string;
}

// The code list is data (DOMAIN.md marks it unverified), read once at start.
const list = JSON.parse(fs.readFileSync(new URL('./job-seeker-categories.json', import.meta.url), 'utf8')) as { codes: JobSeekerCategory[] };
const byCode = new Map(list.codes.map((c) => [c.code, c]));

export function jobSeekerCategory(code: string): JobSeekerCategory {
  return byCode.get(code) ?? { code, label: 'Okänd kategori', group: 'UNKNOWN' };
}
