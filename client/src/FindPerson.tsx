import { useState, type FormEvent } from 'react';
import { useApolloClient } from '@apollo/client/react';
import { FindPersonDocument, type FindPersonQuery } from './gql/graphql';
import { displayName, formatPersonnummer } from './Caseload';
import { refusalsInSwedish } from './participation-text';

type Found = FindPersonQuery['findPerson'];

/**
 * The search box over the coordinator's own caseload: part of a name or a personnummer. The text
 * goes in the POST body (FindPerson), never in the address; results link by the opaque Person.id.
 */
export function PersonSearch() {
  const client = useApolloClient();
  const [text, setText] = useState('');
  const [found, setFound] = useState<Found | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function search(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const result = await client.query({ query: FindPersonDocument, variables: { text, first: 10 }, fetchPolicy: 'network-only', errorPolicy: 'all' });
      if (result.error || !result.data) {
        setFound(null);
        setError(refusalsInSwedish(result.error, 'Sökningen kunde inte göras.'));
      } else setFound(result.data.findPerson);
    } catch (e) {
      setFound(null);
      setError(refusalsInSwedish(e, 'Sökningen kunde inte göras.'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card person-search" aria-labelledby="search-heading">
      <h2 id="search-heading">Sök person</h2>
      <form role="search" onSubmit={(e) => void search(e)} noValidate>
        <label htmlFor="find-person">Namn, person- eller samordningsnummer</label>
        <input id="find-person" type="search" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off"
          aria-describedby={error ? 'find-person-error' : undefined} />
        <button type="submit" disabled={busy}>Sök</button>
      </form>
      {error && <p id="find-person-error" role="alert" className="error">{error}</p>}
      {found && (
        <>
          <p role="status">{found.nodes.length === 0 ? 'Ingen i din ärendelista matchar sökningen.' : `${found.nodes.length} ${found.nodes.length === 1 ? 'träff' : 'träffar'} i din ärendelista.`}
            {found.hasMore ? ' Fler finns: skriv mer av namnet.' : ''}</p>
          {found.nodes.length > 0 && (
            <ul className="search-results" aria-label="Sökträffar">
              {found.nodes.map((person) => (
                <li key={person.id}><a href={`#/person/${encodeURIComponent(person.id)}`}>{displayName(person)}</a> {formatPersonnummer(person.personnummer)}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
