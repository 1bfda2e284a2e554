import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { PersonOverviewDocument, RecordConsentDocument, RevokeConsentDocument, type Agency, type PersonOverviewQuery } from './gql/graphql';
import { AGENCIES } from '@finsam/kit/agencies';
import { AGENCY_NAMES } from './sectors';
import { errorMessages, formatDate, today } from './format';

type Consent = NonNullable<PersonOverviewQuery['person']>['consents'][number];

function status(consent: Consent): { text: string; inForce: boolean } {
  const now = today();
  if (consent.revokedAt) return { text: `Återkallat ${formatDate(consent.revokedAt)}`, inForce: false };
  if (consent.validTo < now) return { text: 'Har gått ut', inForce: false };
  if (consent.validFrom > now) return { text: `Gäller från ${formatDate(consent.validFrom)}`, inForce: false };
  return { text: 'I kraft', inForce: true };
}

/**
 * The person's consents, a revoke button for each one in force, and the form to record a signed
 * consent. The mutations return the person, so the cache shows the new consents at once; the
 * overview is fetched again because what the agencies release follows the consents.
 */
export function ConsentPanel({ person }: { person: { id: string; consents: readonly Consent[] } }) {
  const refetch = { refetchQueries: [PersonOverviewDocument], awaitRefetchQueries: true };
  const [record, recording] = useMutation(RecordConsentDocument, refetch);
  const [revoke, revoking] = useMutation(RevokeConsentDocument, refetch);
  const [formError, setFormError] = useState<string | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [agencies, setAgencies] = useState<Agency[]>([]);
  const [validFrom, setValidFrom] = useState(today());
  const [validTo, setValidTo] = useState('');
  const [formReference, setFormReference] = useState('');

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    setDone(null);
    try {
      await record({ variables: { input: { personId: person.id, agencies, validFrom, validTo, formReference } } });
      setDone('Samtycket är registrerat.');
      setAgencies([]);
      setFormReference('');
    } catch (e) {
      setFormError(errorMessages(e).map((m) => m.message).join(' ') || 'Samtycket kunde inte registreras.');
    }
  }

  async function withdraw(agency: Agency) {
    setRevokeError(null);
    setDone(null);
    try {
      await revoke({ variables: { personId: person.id, agency } });
      setDone(`Samtycket för ${AGENCY_NAMES[agency]} är återkallat.`);
    } catch (e) {
      setRevokeError(errorMessages(e).map((m) => m.message).join(' ') || 'Samtycket kunde inte återkallas.');
    }
  }

  return (
    <section aria-labelledby="consents-heading">
      <h2 id="consents-heading">Samtycken</h2>
      {person.consents.length === 0 ? <p>Inga samtycken registrerade.</p> : (
        <table className="consents">
          <caption className="visually-hidden">Personens samtycken</caption>
          <thead><tr><th scope="col">Myndighet</th><th scope="col">Giltigt</th><th scope="col">Status</th><th scope="col">Blankett</th><th scope="col"><span className="visually-hidden">Åtgärd</span></th></tr></thead>
          <tbody>
            {person.consents.map((consent) => {
              const { text, inForce } = status(consent);
              return (
                <tr key={consent.id}>
                  <th scope="row">{AGENCY_NAMES[consent.agency]}</th>
                  <td>{formatDate(consent.validFrom)} – {formatDate(consent.validTo)}</td>
                  <td>{text}</td>
                  <td>{consent.formReference}</td>
                  <td>{inForce && (
                    <button type="button" disabled={revoking.loading} onClick={() => void withdraw(consent.agency)}
                      aria-label={`Återkalla samtycket för ${AGENCY_NAMES[consent.agency]}`}>Återkalla</button>
                  )}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {revokeError && <p role="alert" className="error">{revokeError}</p>}
      {done && <p role="status" className="done">{done}</p>}

      <form className="card consent-form" onSubmit={(e) => void submit(e)} noValidate aria-describedby={formError ? 'consent-error' : undefined}>
        <h3>Registrera undertecknat samtycke</h3>
        <fieldset>
          <legend>Myndigheter som får lämna ut uppgifter</legend>
          {AGENCIES.map((agency) => (
            <div key={agency} className="check">
              <input id={`agency-${agency}`} type="checkbox" checked={agencies.includes(agency)}
                onChange={(e) => setAgencies(e.target.checked ? [...agencies, agency] : agencies.filter((a) => a !== agency))} />
              <label htmlFor={`agency-${agency}`}>{AGENCY_NAMES[agency]}</label>
            </div>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="valid-from">Giltigt från</label>
          <input id="valid-from" type="date" value={validFrom} onChange={(e) => setValidFrom(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="valid-to">Giltigt till</label>
          <input id="valid-to" type="date" value={validTo} onChange={(e) => setValidTo(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="form-reference">Blankettens referens</label>
          <input id="form-reference" type="text" value={formReference} onChange={(e) => setFormReference(e.target.value)} autoComplete="off" />
        </div>
        <button type="submit" disabled={recording.loading}>Registrera samtycke</button>
        {formError && <p id="consent-error" role="alert" className="error">{formError}</p>}
      </form>
    </section>
  );
}
