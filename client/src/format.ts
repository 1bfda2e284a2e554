/** Dates as the coordinator reads them (ISO, Swedish convention); text stays as the agency wrote it. */
export const today = () => new Date().toISOString().slice(0, 10);

export function formatDate(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : '–';
}

export function errorMessages(error: unknown): { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[] {
  if (error && typeof error === 'object' && 'errors' in error && Array.isArray((error as { errors: unknown }).errors)) {
    return (error as { errors: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] }).errors;
  }
  return error ? [{ message: error instanceof Error ? error.message : String(error) }] : [];
}
