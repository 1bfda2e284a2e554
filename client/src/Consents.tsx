import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { PersonOverviewDocument, RecordConsentDocument, RevokeConsentDocument, type Agency, type PersonOverviewQuery } from './gql/graphql';
import { AGENCIES } from '@finsam/kit/agencies';
import { AGENCY_NAMES } from './sectors';
import { errorMessages, formatDate, today } from './format';

type Consent = NonNullable<PersonOverviewQuery['person']>['consents'][number];
type HomeMunicipality = NonNullable<PersonOverviewQuery['person']>['homeMunicipality'];
/** A member municipality of the coordinator's förbund: one a consent to the social services may name. */
type Member = { code: string; name: string };

/**
 * The consent as the coordinator reads it: the agency, and for the social services and care the
 * data controller (personuppgiftsansvarig) it names, "Socialtjänsten – Mölndal".
 */
export function consentLabel(consent: Pick<Consent, 'agency' | 'controller'>): string {
  return consent.controller ? `${AGENCY_NAMES[consent.agency]} – ${consent.controller.name}` : AGENCY_NAMES[consent.agency];
}

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
export function ConsentPanel({ person, members }: {
  person: { id: string; consents: readonly Consent[]; homeMunicipality: HomeMunicipality };
  /** The förbund's member municipalities; empty when they could not be read. */
  members: readonly Member[];
}) {
  const refetch = { refetchQueries: [PersonOverviewDocument], awaitRefetchQueries: true };
  const [record, recording] = useMutation(RecordConsentDocument, refetch);
  const [revoke, revoking] = useMutation(RevokeConsentDocument, refetch);
  const [formError, setFormError] = useState<string | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [agencies, setAgencies] = useState<Agency[]>([]);
  // For the social services: the member municipalities the consent names, the person's home municipality to begin with.
  const home = person.homeMunicipality;
  // Unread (the förbund did not answer), the home municipality is the one choice, as the server takes it.
  const listed = members.length > 0 ? members : [{ code: home.code, name: home.name }];
  const homeIsMember = listed.some((m) => m.code === home.code);
  const [municipalities, setMunicipalities] = useState<string[]>(homeIsMember ? [home.code] : []);
  // The home municipality first, the other members after it by name.
  const others = listed.filter((m) => m.code !== home.code).sort((a, b) => a.name.localeCompare(b.name, 'sv'));
  const choices = homeIsMember ? [listed.find((m) => m.code === home.code)!, ...others] : others;
  const [validFrom, setValidFrom] = useState(today());
  const [validTo, setValidTo] = useState('');
  const [formReference, setFormReference] = useState('');

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    setDone(null);
    const socialServices = agencies.includes('SOCIAL_SERVICES');
    if (socialServices && municipalities.length === 0) {
      setFormError('Välj minst en kommun vars socialtjänst samtycket gäller.');
      return;
    }
    // Care names the person's region, which the server takes when the form names none.
    const controllers = socialServices ? choices.map((m) => m.code).filter((code) => municipalities.includes(code)) : undefined;
    try {
      await record({ variables: { input: { personId: person.id, agencies, validFrom, validTo, formReference, ...(controllers ? { controllers } : {}) } } });
      setDone('Samtycket är registrerat.');
      setAgencies([]);
      setMunicipalities(homeIsMember ? [home.code] : []);
      setFormReference('');
    } catch (e) {
      setFormError(errorMessages(e).map((m) => m.message).join(' ') || 'Samtycket kunde inte registreras.');
    }
  }

  async function withdraw(consent: Consent) {
    setRevokeError(null);
    setDone(null);
    try {
      // With the controller, only that municipality's or region's consents are withdrawn.
      await revoke({ variables: { personId: person.id, agency: consent.agency, controller: consent.controller?.code ?? null } });
      setDone(`Samtycket för ${consentLabel(consent)} är återkallat.`);
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
                  <th scope="row">{consentLabel(consent)}</th>
                  <td>{formatDate(consent.validFrom)} – {formatDate(consent.validTo)}</td>
                  <td>{text}</td>
                  <td>{consent.formReference}</td>
                  <td>{inForce && (
                    <button type="button" disabled={revoking.loading} onClick={() => void withdraw(consent)}
                      aria-label={`Återkalla samtycket för ${consentLabel(consent)}`}>Återkalla</button>
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
            <div key={agency} className="check-group">
              <div className="check">
                <input id={`agency-${agency}`} type="checkbox" checked={agencies.includes(agency)}
                  aria-describedby={agency === 'CARE' ? 'care-region' : undefined}
                  onChange={(e) => setAgencies(e.target.checked ? [...agencies, agency] : agencies.filter((a) => a !== agency))} />
                <label htmlFor={`agency-${agency}`}>{AGENCY_NAMES[agency]}</label>
              </div>
              {agency === 'CARE' && <p id="care-region" className="muted controller-note">Regionen: {home.region.name}</p>}
              {agency === 'SOCIAL_SERVICES' && agencies.includes('SOCIAL_SERVICES') && (
                <fieldset className="controllers">
                  <legend>Kommuner vars socialtjänst får lämna ut uppgifter</legend>
                  {choices.map((m) => (
                    <div key={m.code} className="check">
                      <input id={`municipality-${m.code}`} type="checkbox" checked={municipalities.includes(m.code)}
                        onChange={(e) => setMunicipalities(e.target.checked ? [...municipalities, m.code] : municipalities.filter((c) => c !== m.code))} />
                      <label htmlFor={`municipality-${m.code}`}>{m.name}{m.code === home.code ? ' (folkbokförd här)' : ''}</label>
                    </div>
                  ))}
                </fieldset>
              )}
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
