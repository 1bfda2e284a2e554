import { loadCodeList } from '@finsam/kit/code-list';

export const reasonForNeed = loadCodeList(new URL('./reasons-for-need.json', import.meta.url), { label: 'Okänd orsak', group: 'OTHER' });
