import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { PersonObstaclesDocument, RecordObstacleDocument, type Agency, type ObstacleCode, type SignalCode } from './gql/graphql';
import { AGENCIES } from '@finsam/kit/agencies';
import { OBSTACLE_CODE_LIST, OBSTACLE_NAMES, OBSTACLE_NOTE_MAX } from '@finsam/kit/obstacle-codes';
import { AGENCY_NAMES } from './sectors';
import { errorMessages, formatDate } from './format';
import { signalInfo } from './signals';

/** What the server's refusals of a record mean to the coordinator, by the argument they name. */
const REFUSED: Record<string, string> = {
  'input.agencies': 'Välj minst en myndighet som hindret berörde.',
  'input.note': `Anteckningen får vara högst ${OBSTACLE_NOTE_MAX} tecken och utan styrtecken.`,
};

/**
 * Hinder i regelverk och styrning: the obstacles recorded on the person and the form to record
 * one. The signals the page shows now go with the record, as what the coordinator saw (the
 * server cannot compute them when writing: it sees the agencies only through a read). The list
 * is its own query (PersonObstacles), so the overview's fetch of four agencies is not repeated
 * for it; the mutation returns the person's obstacles, which the cache shows at once.
 */
export function ObstaclePanel({ person }: { person: { id: string; signals?: readonly { code: SignalCode }[] | null } }) {
  const list = useQuery(PersonObstaclesDocument, { variables: { id: person.id }, errorPolicy: 'all', fetchPolicy: 'cache-and-network' });
  const [record, recording] = useMutation(RecordObstacleDocument);
  const [code, setCode] = useState<ObstacleCode | ''>('');
  const [agencies, setAgencies] = useState<Agency[]>([]);
  const [note, setNote] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // The form opens on request: most visits to a person record nothing, and closed it keeps the page short.
  const [open, setOpen] = useState(false);
  const select = useRef<HTMLSelectElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);
  // Opened, the focus goes to the first choice; closed again, back to the button, not lost with the form.
  useEffect(() => {
    if (open) select.current?.focus();
    else if (wasOpen.current) toggle.current?.focus();
    wasOpen.current = open;
  }, [open]);
  const obstacles = list.data?.person?.obstacles ?? [];
  const signalsSeen = (person.signals ?? []).map((s) => s.code);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    setDone(null);
    if (code === '') return setFormError('Välj vilket hinder det gäller.');
    if (agencies.length === 0) return setFormError(REFUSED['input.agencies']!);
    try {
      await record({ variables: { input: { personId: person.id, code, agencies, note: note.trim() === '' ? null : note, signalsSeen } } });
      setDone(`Hindret ”${OBSTACLE_NAMES[code]}” är registrerat.`);
      setCode('');
      setAgencies([]);
      setNote('');
      setOpen(false);
    } catch (e) {
      const argument = errorMessages(e).map((m) => m.extensions?.argument).find((a): a is string => typeof a === 'string');
      setFormError((argument && REFUSED[argument]) ?? 'Hindret kunde inte registreras. Försök igen.');
    }
  }

  return (
    <section aria-labelledby="obstacles-heading">
      <h2 id="obstacles-heading">Hinder i regelverk och styrning</h2>
      {list.loading && !list.data ? <p role="status">Hämtar registrerade hinder…</p>
        : list.error && !list.data?.person ? <p role="alert" className="error">De registrerade hindren kunde inte hämtas.</p>
          : obstacles.length === 0 ? <p>Inga hinder registrerade.</p> : (
            <table className="consents obstacles">
              <caption className="visually-hidden">Registrerade hinder</caption>
              <thead><tr><th scope="col">Datum</th><th scope="col">Hinder</th><th scope="col">Myndigheter</th><th scope="col">Anteckning</th><th scope="col">Signaler då</th></tr></thead>
              <tbody>
                {obstacles.map((o) => (
                  <tr key={o.id}>
                    <td>{formatDate(o.recordedAt)}</td>
                    <th scope="row">{OBSTACLE_NAMES[o.code]}</th>
                    <td>{o.agencies.map((a) => AGENCY_NAMES[a]).join(', ')}</td>
                    <td>{o.note ?? '–'}</td>
                    <td>{o.signalsSeen.length ? o.signalsSeen.map((s) => signalInfo(s).label).join(', ') : 'Inga'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
      {done && <p role="status" className="done">{done}</p>}

      <button type="button" ref={toggle} aria-expanded={open} aria-controls="obstacle-form" onClick={() => { setOpen(!open); setDone(null); }}>
        {open ? 'Stäng formuläret' : 'Registrera ett hinder'}
      </button>
      {open && <form id="obstacle-form" className="card consent-form obstacle-form" onSubmit={(e) => void submit(e)} noValidate aria-describedby={formError ? 'obstacle-error' : undefined}>
        <h3>Registrera ett hinder</h3>
        <div className="field">
          <label htmlFor="obstacle-code">Hinder</label>
          <select id="obstacle-code" ref={select} value={code} onChange={(e) => setCode(e.target.value as ObstacleCode | '')} aria-describedby="obstacle-definition">
            <option value="">Välj hinder</option>
            {OBSTACLE_CODE_LIST.map((entry) => <option key={entry.obstacle} value={entry.obstacle}>{entry.name}</option>)}
          </select>
          <p id="obstacle-definition" className="muted">{code === '' ? 'Var stod en regel eller en myndighets rutin i vägen?' : OBSTACLE_CODE_LIST.find((e) => e.obstacle === code)!.definition}</p>
        </div>
        <fieldset>
          <legend>Berörda myndigheter</legend>
          {AGENCIES.map((agency) => (
            <div key={agency} className="check">
              <input id={`obstacle-agency-${agency}`} type="checkbox" checked={agencies.includes(agency)}
                onChange={(e) => setAgencies(e.target.checked ? [...agencies, agency] : agencies.filter((a) => a !== agency))} />
              <label htmlFor={`obstacle-agency-${agency}`}>{AGENCY_NAMES[agency]}</label>
            </div>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="obstacle-note">Anteckning (valfri, inga namn eller personnummer)</label>
          <textarea id="obstacle-note" value={note} maxLength={OBSTACLE_NOTE_MAX} rows={3} onChange={(e) => setNote(e.target.value)} aria-describedby="obstacle-note-left" />
          <p id="obstacle-note-left" className="muted">{OBSTACLE_NOTE_MAX - [...note].length} tecken kvar</p>
        </div>
        <p className="muted">Signaler som bifogas: {signalsSeen.length ? signalsSeen.map((s) => signalInfo(s).label).join(', ') : person.signals == null ? 'inga (signalerna kunde inte beräknas)' : 'inga'}</p>
        <button type="submit" disabled={recording.loading}>Registrera hinder</button>
        {formError && <p id="obstacle-error" role="alert" className="error">{formError}</p>}
      </form>}
    </section>
  );
}
