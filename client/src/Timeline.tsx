import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { PersonParticipationsDocument, type PersonOverviewQuery } from './gql/graphql';
import { AGENCY_ROWS } from '@finsam/kit/agencies';
import { refusalText, sectorRefusal, type ErrorItem } from './sectors';
import { COORDINATION, TIMELINE_LIMIT, timelineEvents } from './timeline-events';

type Person = NonNullable<PersonOverviewQuery['person']>;

/** The same query (and cache entry) as the participation panel: the timeline asks nothing of its own. */
const useParticipations = (personId: string) => useQuery(PersonParticipationsDocument, { variables: { id: personId }, errorPolicy: 'all' });

/**
 * "Tidslinje": the sectors' events on one line, newest first, each labelled with the sector that
 * released it, and a line naming the sectors that are not in it and why (the page's own wording).
 * It prints whole: the rows beyond the limit are only hidden on screen.
 */
export function Timeline({ person, errors }: { person: Person; errors: readonly ErrorItem[] }) {
  const [showAll, setShowAll] = useState(false);
  // "Visa alla" goes away once pressed: the focus moves to the first row it brought, not to the page's start.
  const firstShown = useRef<HTMLTableRowElement>(null);
  useEffect(() => { if (showAll) firstShown.current?.focus(); }, [showAll]);
  const participationsQuery = useParticipations(person.id);
  const participations = participationsQuery.data?.person?.participations ?? [];
  const events = timelineEvents(person, participations);

  const missing: string[] = [];
  for (const sector of AGENCY_ROWS) {
    if (person[sector.sectorField]) continue;
    const refusal = sectorRefusal(sector, errors);
    if (refusal) missing.push(`${sector.swedish.title}: ${refusal}`);
  }
  // Each municipality and region is its own controller: those of the förbund that did not release
  // their part are named apart (in the sector card's words), as the sector itself did answer.
  const partial = (['socialServices', 'care'] as const).flatMap((field) => {
    const notReleased = person[field]?.notReleased ?? [];
    if (notReleased.length === 0) return [];
    const title = AGENCY_ROWS.find((r) => r.sectorField === field)!.swedish.title;
    return [`${title}, ej utlämnat: ${notReleased.map((n) => `${n.controller.name}: ${refusalText(n.reason).toLowerCase()}`).join('; ')}`];
  });
  if (participationsQuery.error && !participationsQuery.data?.person) missing.push(`${COORDINATION}: insatserna kunde inte hämtas`);

  const hidden = showAll ? 0 : Math.max(0, events.length - TIMELINE_LIMIT);
  return (
    <section aria-labelledby="timeline-heading" className="timeline-section">
      <h2 id="timeline-heading">Tidslinje</h2>
      {missing.length > 0 && (
        <p className="refusal timeline-missing"><strong>Visas inte i tidslinjen:</strong> {missing.join('; ')}.</p>
      )}
      {partial.map((line) => <p key={line} className="muted timeline-partial">{line}.</p>)}
      {participationsQuery.loading && !participationsQuery.data && <p role="status" className="muted">Hämtar insatserna…</p>}
      {events.length === 0
        ? <p className="muted">Inga händelser att visa.</p>
        : (
          <table className="timeline">
            <caption className="visually-hidden">Händelser hos myndigheterna och förbundet, de senaste först</caption>
            <thead><tr><th scope="col">Datum</th><th scope="col">Från</th><th scope="col">Händelse</th></tr></thead>
            <tbody>
              {events.map((event, i) => (
                <tr key={event.key} className={i >= TIMELINE_LIMIT && hidden > 0 ? 'beyond-limit' : undefined} data-date={event.sortDate}
                  {...(i === TIMELINE_LIMIT ? { ref: firstShown, tabIndex: -1 } : {})}>
                  <td className="date">{event.shownDate}</td>
                  <td>{event.sector}</td>
                  <td>{event.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      {hidden > 0 && (
        <p className="no-print">
          Visar de {TIMELINE_LIMIT} senaste av {events.length} händelser.{' '}
          <button type="button" className="secondary" onClick={() => setShowAll(true)}>Visa alla</button>
        </p>
      )}
    </section>
  );
}
