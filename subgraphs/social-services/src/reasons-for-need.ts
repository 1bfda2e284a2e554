import { loadCodeList } from '../../shared/src/code-list.ts';

export const reasonForNeed = loadCodeList(new URL('./reasons-for-need.json', import.meta.url), { label: 'Okänd orsak', group: 'OTHER' });
