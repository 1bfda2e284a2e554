import fs from 'node:fs';

export interface ReasonForNeed {
  code: string;
  label: string;
  group: string;
}

// The code list is data (DOMAIN.md marks it unverified), read once at start.
const list = JSON.parse(fs.readFileSync(new URL('./reasons-for-need.json', import.meta.url), 'utf8')) as { codes: ReasonForNeed[] };
const byCode = new Map(list.codes.map((c) => [c.code, c]));

export function reasonForNeed(code: string): ReasonForNeed {
  return byCode.get(code) ?? { code, label: 'Okänd orsak', group: 'OTHER' };
}
