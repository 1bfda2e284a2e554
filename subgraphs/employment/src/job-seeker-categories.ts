import { loadCodeList } from '@finsam/kit/code-list';

export const jobSeekerCategory = loadCodeList(new URL('./job-seeker-categories.json', import.meta.url), { label: 'Okänd kategori', group: 'UNKNOWN' });
