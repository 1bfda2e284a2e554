export interface CountCell {
  value: number | null;
  suppressed: boolean;
}

/** Every count cell in an answer, wherever it stands: what disclosure control is checked on. */
export function countCells(value: unknown): CountCell[] {
  if (Array.isArray(value)) return value.flatMap(countCells);
  if (value && typeof value === 'object') {
    if ('suppressed' in value) return [value as CountCell];
    return Object.values(value).flatMap(countCells);
  }
  return [];
}
