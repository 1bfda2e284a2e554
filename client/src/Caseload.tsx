import { useEffect, useSyncExternalStore } from 'react';
import { SignalBadges } from './SignalBadges';
import { signalInfo, urgency } from './signals';
import { formatDate, formatPersonnummer, isSamordningsnummer, today } from './format';
import type { CaseloadPerson, CaseloadStore } from './caseload-data';
import { PersonSearch } from './FindPerson';
import { HandleSignalForm, UNSEEN_REASON, UnavailableAgencies, type HandledSignals } from './WorkList';
import { AGENCY_NAMES } from './sectors';
import { AGENCY_ROWS } from '@finsam/kit/agencies';

const PAGE_SIZE = 20;

/**
 * The session's caseload (20–60 persons, caseload-data.ts), asked for again each time the list is
 * shown: the work list must not offer a signal handled on a person's page a moment ago, nor the
 * signals of an agency that has stopped answering. The persons already there stay on screen while
 * it comes.
 */
function useWholeCaseload(caseload: CaseloadStore) {
  useEffect(() => { caseload.refresh(); }, [caseload]);
  return useSyncExternalStore(caseload.subscribe, caseload.snapshot);
}

/**
 * The work list (att göra): every signal across the caseload that needs action, never handled on
 * its present facts or with its follow-up day come, the longest waiting first.
 */
function WorkList({ persons, onHandled }: { persons: readonly CaseloadPerson[]; onHandled: (personId: string, signals: HandledSignals) => void }) {
  const items = persons
    .flatMap((person) => (person.signals ?? []).filter((s) => s.needsAction).map((signal) => ({ person, signal, due: signal.handling?.followUp ?? signal.arose })))
    .sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : 0));
  const now = today();
  return (
    <section aria-labelledby="todo-heading" className="worklist">
      <h2 id="todo-heading">Att göra</h2>
      {items.length === 0
        ? <p>Inget att göra just nu.</p>
        : (
          <ul>
            {items.map(({ person, signal, due }) => {
              const label = signalInfo(signal.code).label;
              return (
                <li key={signal.id} className="card todo">
                  <a href={`#/person/${encodeURIComponent(person.id)}`}>{displayName(person)}</a>: {label}{' '}
                  <span className="muted">({signal.handling ? `uppföljning ${formatDate(due)}${due < now ? ', passerad' : ''}` : `sedan ${formatDate(due)}`})</span>
                  <HandleSignalForm personId={person.id} signalId={signal.id} code={signal.code} label={`${displayName(person)}, ${label}`} onHandled={(signals) => onHandled(person.id, signals)} />
                </li>
              );
            })}
          </ul>
        )}
    </section>
  );
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
      <PersonSearch />
      {signalsLoaded && <UnavailableAgencies persons={persons} />}
      {signalsLoaded && <WorkList persons={persons} onHandled={(personId, signals) => caseload.signalsHandled(personId, signals)} />}
      <h2>Personer</h2>
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
              <td>{!signalsLoaded ? <span className="muted">Hämtas…</span> : <SignalCell person={person} />}</td>
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

/**
 * A row's signals, and the agencies they could not see: "Inga signaler" only when every agency
 * was seen, since a missing consent or an agency not answering hides exactly the signals that
 * need it.
 */
function SignalCell({ person }: { person: CaseloadPerson }) {
  if (person.signals === null || person.signals === undefined) return <span className="muted">Okänt just nu</span>;
  const codes = person.signals.map((s) => s.code);
  const unseen = AGENCY_ROWS.flatMap((row) => (person.unseenAgencies ?? []).filter((u) => u.agency === row.agency))
    .map((u) => `${AGENCY_NAMES[u.agency]} (${UNSEEN_REASON[u.reason]})`);
  if (unseen.length === 0) return <SignalBadges codes={codes} />;
  return (
    <>
      {codes.length > 0 && <SignalBadges codes={codes} />}
      <span className="muted unseen">{codes.length === 0 ? 'Inga signaler bland det som sågs. ' : ''}Ej sett: {unseen.join(', ')}</span>
    </>
  );
}

/** A person with protected identity is never named, here or anywhere, and the list says so. */
export function displayName(person: { name?: string | null; identityProtection: string }): string {
  return person.identityProtection === 'NONE' && person.name ? person.name : 'Skyddad identitet';
}

export { formatPersonnummer } from './format';
