import { useSyncExternalStore } from 'react';
import { SignalBadges } from './SignalBadges';
import { urgency } from './signals';
import { formatPersonnummer, isSamordningsnummer } from './format';
import type { CaseloadStore } from './caseload-data';

const PAGE_SIZE = 20;

/**
 * The session's caseload (20–60 persons, caseload-data.ts), asked for once a session as the
 * cache-first query before it was: each ask reads every person's four sectors, and is audited so.
 */
function useWholeCaseload(caseload: CaseloadStore) {
  return useSyncExternalStore(caseload.subscribe, caseload.snapshot);
}

export function CaseloadScreen({ caseload, page, onPage, onlyWithSignals, onOnlyWithSignals }: {
  caseload: CaseloadStore; page: number; onPage: (page: number) => void; onlyWithSignals: boolean; onOnlyWithSignals: (value: boolean) => void;
}) {
  const { coordinator, persons, error, signalsLoaded, signalsError } = useWholeCaseload(caseload);
  if (error) return <><h1 tabIndex={-1}>Ärendelista</h1><p role="alert" className="error">{error}</p></>;
  if (!persons) return <><h1 tabIndex={-1}>Ärendelista</h1><p role="status">Hämtar ärendelistan…</p></>;

  // Until the signals are there the list is in the caseload's own order, and the filter waits.
  const sorted = persons
    .map((person, index) => ({ person, index, rank: signalsLoaded ? urgency((person.signals ?? []).map((s) => s.code)) : 0 }))
    .filter(({ person }) => !signalsLoaded || !onlyWithSignals || (person.signals?.length ?? 0) > 0)
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ person }) => person);
  const pages = Math.max(1, Math.ceil(sorted.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const shown = sorted.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);

  return (
    <>
      <h1 tabIndex={-1}>Ärendelista</h1>
      <p>{coordinator ? `${coordinator}: ` : ''}{persons.length} personer, de mest brådskande signalerna först.</p>
      <p role="status" className="muted">{signalsLoaded ? '' : 'Hämtar signalerna… Listan sorteras när de har kommit.'}</p>
      {signalsError && <p role="alert" className="error">Signalerna kunde inte hämtas: {signalsError}</p>}
      <div className="filters">
        <input id="only-signals" type="checkbox" checked={onlyWithSignals} disabled={!signalsLoaded} onChange={(e) => onOnlyWithSignals(e.target.checked)} />
        <label htmlFor="only-signals">Har signaler</label>
      </div>
      <table className="caseload" aria-busy={!signalsLoaded}>
        <caption className="visually-hidden">Personer i ärendelistan, sida {current + 1} av {pages}</caption>
        <thead>
          <tr><th scope="col">Person</th><th scope="col">Personnummer</th><th scope="col">Signaler</th></tr>
        </thead>
        <tbody>
          {shown.map((person) => (
            <tr key={person.id}>
              <th scope="row"><a href={`#/person/${encodeURIComponent(person.id)}`}>{displayName(person)}</a></th>
              <td>{formatPersonnummer(person.personnummer)}{isSamordningsnummer(person.personnummer) && <> <span className="tag">samordningsnummer</span></>}</td>
              <td>{!signalsLoaded ? <span className="muted">Hämtas…</span> : person.signals === null || person.signals === undefined
                ? <span className="muted">Okänt just nu</span>
                : <SignalBadges codes={person.signals.map((s) => s.code)} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length === 0 && <p>Ingen person i listan har signaler.</p>}
      <nav className="pager" aria-label="Sidor i ärendelistan">
        <button type="button" disabled={current === 0} onClick={() => onPage(current - 1)}>Föregående</button>
        <span aria-live="polite">Sida {current + 1} av {pages}</span>
        <button type="button" disabled={current >= pages - 1} onClick={() => onPage(current + 1)}>Nästa</button>
      </nav>
    </>
  );
}

/** A person with protected identity is never named, here or anywhere, and the list says so. */
export function displayName(person: { name?: string | null; identityProtection: string }): string {
  return person.identityProtection === 'NONE' && person.name ? person.name : 'Skyddad identitet';
}

export { formatPersonnummer } from './format';
