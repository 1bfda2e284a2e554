import { useEffect, useState } from 'react';
import { useApolloClient } from '@apollo/client/react';
import { CaseloadDocument, type CaseloadQuery } from './gql/graphql';
import { SignalBadges } from './SignalBadges';
import { signalInfo, urgency } from './signals';
import { errorMessages, formatDate, today } from './format';
import { PersonSearch } from './FindPerson';
import { HandleSignalForm, UnavailableAgencies, type HandledSignals } from './WorkList';

type CaseloadPerson = NonNullable<CaseloadQuery['me']>['caseload']['nodes'][number];

const PAGE_SIZE = 20;

/**
 * The whole caseload (20–60 persons), in pages of 100 until there is no next page; from the
 * network each time it is shown, as signals and the agencies that answer change under it.
 */
function useWholeCaseload() {
  const client = useApolloClient();
  const [state, setState] = useState<{ coordinator: string | null; persons: CaseloadPerson[] | null; error: string | null }>({ coordinator: null, persons: null, error: null });
  useEffect(() => {
    let cancelled = false;
    (async () => {
      const persons: CaseloadPerson[] = [];
      let after: string | null | undefined = null;
      let coordinator: string | null = null;
      for (;;) {
        const result: Awaited<ReturnType<typeof client.query<CaseloadQuery>>> = await client.query({ query: CaseloadDocument, variables: { first: 100, after }, errorPolicy: 'all', fetchPolicy: 'network-only' });
        const me: CaseloadQuery['me'] | undefined = result.data?.me;
        if (!me) throw new Error(errorMessages(result.error)[0]?.message ?? 'Ärendelistan kunde inte hämtas.');
        coordinator = me.name;
        persons.push(...me.caseload.nodes);
        if (!me.caseload.pageInfo.hasNextPage) break;
        after = me.caseload.pageInfo.endCursor;
      }
      if (!cancelled) setState({ coordinator, persons, error: null });
    })().catch((e: Error) => { if (!cancelled) setState({ coordinator: null, persons: null, error: e.message }); });
    return () => { cancelled = true; };
  }, [client]);
  /** A handled signal's person with the signals the server answered with: it leaves the work list at once. */
  const handled = (personId: string, signals: HandledSignals) => setState((current) => ({
    ...current,
    persons: current.persons?.map((p) => (p.id === personId ? { ...p, signals: signals.map((s) => ({ ...s, handling: s.handling && { id: s.handling.id, followUp: s.handling.followUp } })) } : p)) ?? null,
  }));
  return { ...state, handled };
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

export function CaseloadScreen({ page, onPage, onlyWithSignals, onOnlyWithSignals }: {
  page: number; onPage: (page: number) => void; onlyWithSignals: boolean; onOnlyWithSignals: (value: boolean) => void;
}) {
  const { coordinator, persons, error, handled } = useWholeCaseload();
  if (error) return <><h1 tabIndex={-1}>Ärendelista</h1><p role="alert" className="error">{error}</p></>;
  if (!persons) return <><h1 tabIndex={-1}>Ärendelista</h1><p role="status">Hämtar ärendelistan…</p></>;

  const sorted = persons
    .map((person, index) => ({ person, index, rank: urgency((person.signals ?? []).map((s) => s.code)) }))
    .filter(({ person }) => !onlyWithSignals || (person.signals?.length ?? 0) > 0)
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ person }) => person);
  const pages = Math.max(1, Math.ceil(sorted.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const shown = sorted.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);

  return (
    <>
      <h1 tabIndex={-1}>Ärendelista</h1>
      <p>{coordinator ? `${coordinator}: ` : ''}{persons.length} personer, de mest brådskande signalerna först.</p>
      <PersonSearch />
      <UnavailableAgencies persons={persons} />
      <WorkList persons={persons} onHandled={handled} />
      <h2>Personer</h2>
      <div className="filters">
        <input id="only-signals" type="checkbox" checked={onlyWithSignals} onChange={(e) => onOnlyWithSignals(e.target.checked)} />
        <label htmlFor="only-signals">Har signaler</label>
      </div>
      <table className="caseload">
        <caption className="visually-hidden">Personer i ärendelistan, sida {current + 1} av {pages}</caption>
        <thead>
          <tr><th scope="col">Person</th><th scope="col">Personnummer</th><th scope="col">Signaler</th></tr>
        </thead>
        <tbody>
          {shown.map((person) => (
            <tr key={person.id}>
              <th scope="row"><a href={`#/person/${encodeURIComponent(person.id)}`}>{displayName(person)}</a></th>
              <td>{formatPersonnummer(person.personnummer)}</td>
              <td>{person.signals === null || person.signals === undefined
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

export function formatPersonnummer(canonical: string): string {
  return /^\d{12}$/.test(canonical) ? `${canonical.slice(0, 8)}-${canonical.slice(8)}` : canonical;
}
