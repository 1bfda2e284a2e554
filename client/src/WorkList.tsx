import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { HandleSignalDocument, type Agency, type HandleSignalMutation, type SignalCode, type UnseenReason } from './gql/graphql';
import { formatDate } from './format';
import { swedishError, type FieldTexts } from './errors';
import { DateField } from './DateField';
import { AGENCY_NAMES } from './sectors';
import { signalInfo } from './signals';
import { AGENCY_ROWS } from '@finsam/kit/agencies';

export type HandledSignals = NonNullable<HandleSignalMutation['handleSignal']['person']['signals']>;

/** A follow-up day two weeks ahead unless the coordinator picks another. */
const inTwoWeeks = () => new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);

/**
 * The handling form's words for the arguments the graph names in its refusals; anything else is
 * said as the error catalogue says it (errors.ts), never in the server's English.
 */
const HANDLING_FIELDS: FieldTexts = {
  action: 'Skriv vad som har gjorts (högst 1000 tecken).',
  followUp: 'Ange en uppföljningsdag (ÅÅÅÅ-MM-DD) från i dag och högst ett år framåt.',
  signalId: 'Signalen har ändrats sedan sidan hämtades. Ladda om sidan och försök igen.',
};

const handlingError = (error: unknown) => swedishError(error, HANDLING_FIELDS, 'Signalen kunde inte markeras som hanterad. Försök igen.');

/**
 * Marks one signal handled: what was done and when to look again. Opened by a button, so the
 * list stays short; the text field gets the focus when it opens.
 */
export function HandleSignalForm({ personId, signalId, code, label, onHandled }: {
  personId: string; signalId: string; code: SignalCode; label: string; onHandled?: (signals: HandledSignals) => void;
}) {
  const [open, setOpen] = useState(false);
  const [action, setAction] = useState('');
  const [followUp, setFollowUp] = useState(inTwoWeeks);
  const [error, setError] = useState<string | null>(null);
  const [handle, handling] = useMutation(HandleSignalDocument);
  const key = signalId.replace(/[^A-Za-z0-9_-]/g, '');
  if (!open) {
    return (
      <button type="button" className="handle-signal" aria-label={`Markera som hanterad: ${label}`} onClick={() => setOpen(true)}>
        Markera som hanterad
      </button>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const result = await handle({ variables: { personId, signalId, action, followUp } });
      const signals = result.data?.handleSignal.person.signals;
      if (!signals) throw result.error ?? new Error('no answer');
      setOpen(false);
      onHandled?.(signals);
    } catch (e) {
      setError(handlingError(e));
    }
  };
  return (
    <form className="handle-form" onSubmit={(e) => void submit(e)} noValidate aria-label={`Hantera signalen ${signalInfo(code).label}`}>
      <label htmlFor={`action-${key}`}>Vad har gjorts</label>
      <textarea id={`action-${key}`} autoFocus rows={2} maxLength={1000} value={action} onChange={(e) => setAction(e.target.value)}
        aria-describedby={error ? `handle-error-${key}` : undefined} />
      <DateField id={`follow-up-${key}`} label="Uppföljning" value={followUp} onChange={setFollowUp} />
      <button type="submit" disabled={handling.loading}>Spara</button>
      <button type="button" onClick={() => { setOpen(false); setError(null); }}>Avbryt</button>
      {error && <p id={`handle-error-${key}`} role="alert" className="error">{error}</p>}
    </form>
  );
}

/** Person.unseenAgencies' reason for an agency that did not answer (not an error reason: no catalogue text). */
const NOT_ANSWERING: UnseenReason = 'UNAVAILABLE';

/** One line per agency not answering, once for the whole list (not per row). */
export function UnavailableAgencies({ persons }: { persons: readonly { unseenAgencies?: readonly { agency: Agency; reason: UnseenReason }[] | null }[] }) {
  const down = new Set(persons.flatMap((p) => (p.unseenAgencies ?? []).filter((u) => u.reason === NOT_ANSWERING).map((u) => u.agency)));
  const agencies = AGENCY_ROWS.map((row) => row.agency).filter((agency) => down.has(agency));
  if (agencies.length === 0) return null;
  return (
    <div role="status" className="unavailable">
      {agencies.map((agency) => (
        <p key={agency} className="notice">{AGENCY_NAMES[agency]} svarar inte just nu: signaler som bygger på den visas inte.</p>
      ))}
    </div>
  );
}

/** Why an agency was not seen, as the person page says it. */
export const UNSEEN_REASON: Record<UnseenReason, string> = {
  UNAVAILABLE: 'svarar inte just nu',
  NO_CONSENT: 'samtycke saknas',
};

export function handlingLine(handling: { handledBy?: { name: string } | null; handledAt?: string; action?: string; followUp: string }): string {
  const who = handling.handledBy ? ` av ${handling.handledBy.name}` : '';
  const when = handling.handledAt ? ` ${formatDate(handling.handledAt)}` : '';
  const what = handling.action ? `: ${handling.action}` : '';
  // The coordinator's own sentence may end it already.
  const end = /[.!?]$/.test(what) ? '' : '.';
  return `Hanterad${who}${when}${what}${end} Uppföljning ${formatDate(handling.followUp)}.`;
}
