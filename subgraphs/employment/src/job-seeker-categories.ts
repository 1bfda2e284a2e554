import { loadCodeList } from '../../shared/src/code-list.ts';

export const jobSeekerCategory = loadCodeList(new URL('./job-seeker-categories.json', import.meta.url), { label: 'Okänd kategori', group: 'UNKNOWN' });
