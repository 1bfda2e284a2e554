/**
 * A date as Swedes write it, 2026-12-07, whatever the browser's language: the browser's own date
 * field shows the browser's format (12/07/2026 in an English one) and cannot be told otherwise.
 * The value is the ISO date as typed; the form's server says when it is not a date.
 */
export function DateField({ id, label, value, onChange }: { id: string; label: string; value: string; onChange: (value: string) => void }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="text" inputMode="numeric" autoComplete="off" placeholder="ÅÅÅÅ-MM-DD" pattern="\d{4}-\d{2}-\d{2}" maxLength={10}
        aria-describedby={`${id}-format`} value={value} onChange={(e) => onChange(e.target.value.trim())} />
      <span id={`${id}-format`} className="muted hint">ÅÅÅÅ-MM-DD</span>
    </div>
  );
}
