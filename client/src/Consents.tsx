import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { PersonOverviewDocument, RecordConsentDocument, RevokeConsentDocument, type Agency, type PersonOverviewQuery } from './gql/graphql';
import { AGENCIES } from '@finsam/kit/agencies';
import { AGENCY_NAMES } from './sectors';
import { addDays, daysBetween, formatDate, today } from './format';
import { swedishError } from './errors';
import { consentFieldTexts } from './consent-texts';
import { DateField } from './DateField';

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
 * How many days ahead a consent in force counts as about to expire: a month gives the coordinator
 * a meeting or two to ask the person to sign a new one before an agency stops releasing.
 */
export const EXPIRY_WARNING_DAYS = 30;

const inDays = (days: number) => days === 0 ? 'i dag' : days === 1 ? 'i morgon' : `om ${days} dagar`;

/**
 * The consents in force that run out within EXPIRY_WARNING_DAYS, with the days left, unless a
 * later consent for the same agency and controller takes over (the person has already signed again).
 */
export function expiringConsents(consents: readonly Consent[]): { consent: Consent; days: number }[] {
  const now = today();
  const inForce = consents.filter((c) => status(c).inForce);
  const same = (a: Consent, b: Consent) => a.agency === b.agency && (a.controller?.code ?? null) === (b.controller?.code ?? null);
  return inForce
    .filter((c) => c.validTo <= addDays(now, EXPIRY_WARNING_DAYS))
    .filter((c) => !consents.some((later) => later !== c && !later.revokedAt && same(later, c) && later.validFrom <= addDays(c.validTo, 1) && later.validTo > c.validTo))
    .map((consent) => ({ consent, days: daysBetween(now, consent.validTo) }));
}

/** Said near the top of the person's page, where the coordinator looks first. */
export function ExpiringConsents({ consents }: { consents: readonly Consent[] }) {
  const expiring = expiringConsents(consents);
  if (expiring.length === 0) return null;
  return (
    <div className="notice expiring" role="note">
      {expiring.map(({ consent, days }) => (
        <p key={consent.id}>Samtycket för {consentLabel(consent)} går ut {formatDate(consent.validTo)} ({inDays(days)}). Be personen om ett nytt samtycke i tid.</p>
      ))}
    </div>
  );
}

/**
 * Asks before a consent is withdrawn: a modal dialog (the browser's own, so the focus stays in it
 * and Escape cancels), the focus on "Avbryt" so that Enter alone withdraws nothing, and back on
 * the button that opened it when cancelled.
 */
function ConfirmWithdrawal({ consent, onConfirm, onCancel }: { consent: Consent; onConfirm: () => void; onCancel: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const element = dialog.current!;
    if (!element.open) element.showModal();
    cancel.current?.focus();
    return () => { if (element.open) element.close(); };
  }, []);
  // Closed first: while it is modal, the rest of the page is inert and cannot take the focus back.
  const closeThen = (next: () => void) => { dialog.current?.close(); next(); };
  return (
    <dialog ref={dialog} role="alertdialog" aria-modal="true" aria-labelledby="withdraw-title" aria-describedby="withdraw-text" className="card confirm"
      onCancel={(e) => { e.preventDefault(); closeThen(onCancel); }}>
      <h3 id="withdraw-title">Återkalla samtycket?</h3>
      <p id="withdraw-text">Samtycket för {consentLabel(consent)} återkallas. {AGENCY_NAMES[consent.agency]} lämnar då inte längre ut uppgifter om personen. Det går inte att ångra: ett nytt samtycke måste skrivas under.</p>
      <div className="actions">
        <button type="button" ref={cancel} className="secondary" onClick={() => closeThen(onCancel)}>Avbryt</button>
        <button type="button" className="danger" onClick={() => closeThen(onConfirm)}>Återkalla samtycket</button>
      </div>
    </dialog>
  );
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
  // The consent whose withdrawal is being confirmed, and the button that asked (the focus goes back there on cancel).
  const [confirming, setConfirming] = useState<{ consent: Consent; opener: HTMLElement } | null>(null);
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

  const expiring = new Map(expiringConsents(person.consents).map(({ consent, days }) => [consent.id, days]));

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
      setFormError(swedishError(e, consentFieldTexts({ validFrom, validTo, today: today() }), 'Samtycket kunde inte registreras.'));
    }
  }

  async function withdraw(consent: Consent) {
    setRevokeError(null);
    setDone(null);
    try {
      // With the controller, only that municipality's or region's consents are withdrawn.
      await revoke({ variables: { personId: person.id, agency: consent.agency, controller: consent.controller?.code ?? null } });
      setDone(`Samtycket för ${consentLabel(consent)} är återkallat.`);
      // The button is gone with the consent in force: the keyboard goes on from the section's heading.
      document.getElementById('consents-heading')?.focus();
    } catch (e) {
      setRevokeError(swedishError(e, {}, 'Samtycket kunde inte återkallas.'));
    }
  }

  return (
    <section aria-labelledby="consents-heading">
      <h2 id="consents-heading" tabIndex={-1}>Samtycken</h2>
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
                  <td>{text}{inForce && expiring.has(consent.id) && <> <strong className="expiry">Går ut {inDays(expiring.get(consent.id)!)}</strong></>}</td>
                  <td>{consent.formReference}</td>
                  <td>{inForce && (
                    <button type="button" disabled={revoking.loading} onClick={(e) => setConfirming({ consent, opener: e.currentTarget })}
                      aria-label={`Återkalla samtycket för ${consentLabel(consent)}`}>Återkalla</button>
                  )}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {confirming && (
        <ConfirmWithdrawal consent={confirming.consent}
          onCancel={() => { const { opener } = confirming; setConfirming(null); opener.focus(); }}
          onConfirm={() => { const { consent } = confirming; setConfirming(null); void withdraw(consent); }} />
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
        <DateField id="valid-from" label="Giltigt från" value={validFrom} onChange={setValidFrom} />
        <DateField id="valid-to" label="Giltigt till" value={validTo} onChange={setValidTo} />
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
