import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import {
  EndParticipationDocument, PersonParticipationsDocument, RegisterParticipationDocument,
  type EducationLevel, type EndReason, type IncomeSource, type Occupation,
} from './gql/graphql';
import { formatDate, today } from './format';
import { DateField } from './DateField';
import { EDUCATION_LEVELS, END_REASONS, INCOME_SOURCES, OCCUPATIONS, refusalsInSwedish } from './participation-text';

const MAX_INCOME_SOURCES = 3;
/** A new key per form: the same form sent twice (a double click, a retry) is recorded once. */
const newKey = () => crypto.randomUUID();

function IncomeChoices({ idPrefix, legend, chosen, onChange }: {
  idPrefix: string; legend: string; chosen: IncomeSource[]; onChange: (chosen: IncomeSource[]) => void;
}) {
  return (
    <fieldset className="income-sources">
      <legend>{legend} (högst {MAX_INCOME_SOURCES})</legend>
      {(Object.keys(INCOME_SOURCES) as IncomeSource[]).map((source) => (
        <div key={source} className="check">
          <input id={`${idPrefix}-${source}`} type="checkbox" checked={chosen.includes(source)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, source] : chosen.filter((s) => s !== source))} />
          <label htmlFor={`${idPrefix}-${source}`}>{INCOME_SOURCES[source]}</label>
        </div>
      ))}
    </fieldset>
  );
}

function Choice<T extends string>({ id, label, value, options, onChange }: {
  id: string; label: string; value: T | ''; options: Record<T, string>; onChange: (value: T) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)}>
        <option value="" disabled>Välj…</option>
        {(Object.keys(options) as T[]).map((key) => <option key={key} value={key}>{options[key]}</option>)}
      </select>
    </div>
  );
}

/**
 * The person's participations in the förbund's interventions (insatser): registration in with the
 * SUS fields, and registration out of one still open. The mutations answer with the person's
 * participations, so the list follows from the cache. The server's refusals are shown in Swedish.
 */
export function ParticipationPanel({ personId }: { personId: string }) {
  const { data, error } = useQuery(PersonParticipationsDocument, { variables: { id: personId }, errorPolicy: 'all' });
  const [register, registering] = useMutation(RegisterParticipationDocument);
  const [end, ending] = useMutation(EndParticipationDocument);
  const [done, setDone] = useState<string | null>(null);

  const [registerKey, setRegisterKey] = useState(newKey);
  const [interventionId, setInterventionId] = useState('');
  const [registeredIn, setRegisteredIn] = useState(today());
  const [incomeSources, setIncomeSources] = useState<IncomeSource[]>([]);
  const [occupation, setOccupation] = useState<Occupation | ''>('');
  const [share, setShare] = useState('0');
  const [education, setEducation] = useState<EducationLevel | ''>('');
  const [years, setYears] = useState('0');
  const [anonymous, setAnonymous] = useState(false);
  const [registerError, setRegisterError] = useState<string | null>(null);

  const [endKey, setEndKey] = useState(newKey);
  const [participationId, setParticipationId] = useState('');
  const [registeredOut, setRegisteredOut] = useState(today());
  const [reason, setReason] = useState<EndReason | ''>('');
  const [occupationAfter, setOccupationAfter] = useState<Occupation | ''>('');
  const [incomeAfter, setIncomeAfter] = useState<IncomeSource[]>([]);
  const [endError, setEndError] = useState<string | null>(null);

  const person = data?.person;
  if (!person) {
    return (
      <section aria-labelledby="participations-heading">
        <h2 id="participations-heading">Insatser</h2>
        <p className={error ? 'error' : 'muted'} role={error ? 'alert' : 'status'}>{error ? 'Deltagandena kunde inte hämtas.' : 'Hämtar deltaganden…'}</p>
      </section>
    );
  }
  const now = today();
  const interventions = data?.me?.forbund.interventions ?? [];
  const names = new Map(interventions.map((i) => [i.id, i.name]));
  // Only individual-oriented interventions running today take participants (SUS).
  const open = person.participations.filter((p) => p.registeredOut === null);
  const registrable = interventions.filter((i) => i.kind === 'INDIVIDUAL' && i.startDate <= now && (i.endDate === null || i.endDate === undefined || i.endDate >= now));
  // SUS registers a person with protected identity only as an anonymous participant.
  const mustBeAnonymous = person.identityProtection !== 'NONE';
  const asAnonymous = mustBeAnonymous || anonymous;

  async function submitRegistration(event: FormEvent) {
    event.preventDefault();
    setRegisterError(null);
    setDone(null);
    if (!interventionId || !occupation || !education) {
      setRegisterError('Välj insats, sysselsättning och utbildningsnivå.');
      return;
    }
    const participant = asAnonymous
      ? { anonymous: { sex: person!.sex, reason: mustBeAnonymous ? 'PROTECTED_IDENTITY' as const : 'NO_REGISTRATION_CONSENT' as const } }
      : { personId };
    try {
      await register({
        variables: {
          input: {
            submissionKey: registerKey, ...participant, interventionId, registeredIn, incomeSources, occupation, educationLevel: education,
            occupationShareOfFullTime: Number(share), yearsOnPublicSupport: Number(years),
          },
        },
      });
      setDone(asAnonymous ? `Anonym deltagare är inregistrerad i ${names.get(interventionId) ?? 'insatsen'}.` : `Inregistrerad i ${names.get(interventionId) ?? 'insatsen'}.`);
      setRegisterKey(newKey());
      setInterventionId('');
      setIncomeSources([]);
      setOccupation('');
      setEducation('');
      setShare('0');
      setYears('0');
      setAnonymous(false);
    } catch (e) {
      setRegisterError(refusalsInSwedish(e, 'Inregistreringen kunde inte sparas.'));
    }
  }

  async function submitEnd(event: FormEvent) {
    event.preventDefault();
    setEndError(null);
    setDone(null);
    if (!participationId || !reason || !occupationAfter) {
      setEndError('Välj deltagande, avslutsorsak och sysselsättning efter.');
      return;
    }
    try {
      await end({ variables: { input: { submissionKey: endKey, participationId, registeredOut, reason, occupation: occupationAfter, incomeSources: incomeAfter } } });
      const ended = person!.participations.find((p) => p.id === participationId);
      setDone(`Utregistrerad från ${ended?.intervention.name ?? 'insatsen'}.`);
      setEndKey(newKey());
      setParticipationId('');
      setReason('');
      setOccupationAfter('');
      setIncomeAfter([]);
    } catch (e) {
      setEndError(refusalsInSwedish(e, 'Utregistreringen kunde inte sparas.'));
    }
  }

  return (
    <section aria-labelledby="participations-heading">
      <h2 id="participations-heading">Insatser</h2>
      {person.participations.length === 0 ? <p>Inga deltaganden.</p> : (
        <table className="participations">
          <caption className="visually-hidden">Personens deltaganden i insatser</caption>
          <thead><tr><th scope="col">Insats</th><th scope="col">Inregistrerad</th><th scope="col">Utregistrerad</th></tr></thead>
          <tbody>
            {person.participations.map((p) => (
              <tr key={p.id}>
                <th scope="row">{p.intervention.name}</th>
                <td>{formatDate(p.registeredIn)}</td>
                <td>{p.registeredOut ? `${formatDate(p.registeredOut)}${p.atEnd ? ` (${END_REASONS[p.atEnd.reason].toLowerCase()})` : ''}` : 'Pågår'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {done && <p role="status" className="done">{done}</p>}

      <form id="register-participation-form" className="card participation-form" onSubmit={(e) => void submitRegistration(e)} noValidate aria-describedby={registerError ? 'register-error' : undefined}>
        <h3>Registrera in i insats</h3>
        <div className="field">
          <label htmlFor="participation-intervention">Insats</label>
          <select id="participation-intervention" value={interventionId} onChange={(e) => setInterventionId(e.target.value)}>
            <option value="" disabled>Välj insats…</option>
            {registrable.map((i) => <option key={i.id} value={i.id}>{i.name}</option>)}
          </select>
        </div>
        <DateField id="participation-date" label="Inregistreringsdatum" value={registeredIn} onChange={setRegisteredIn} />
        <IncomeChoices idPrefix="income-before" legend="Försörjningskällor före" chosen={incomeSources} onChange={setIncomeSources} />
        <Choice id="participation-occupation" label="Sysselsättning före" value={occupation} options={OCCUPATIONS} onChange={setOccupation} />
        <div className="field">
          <label htmlFor="participation-share">Omfattning, procent av heltid (0–100)</label>
          <input id="participation-share" type="number" inputMode="numeric" min={0} max={100} value={share} onChange={(e) => setShare(e.target.value)} />
        </div>
        <Choice id="participation-education" label="Utbildningsnivå" value={education} options={EDUCATION_LEVELS} onChange={setEducation} />
        <div className="field">
          <label htmlFor="participation-years">År i offentlig försörjning före (0–60)</label>
          <input id="participation-years" type="number" inputMode="numeric" min={0} max={60} value={years} onChange={(e) => setYears(e.target.value)} />
        </div>
        {mustBeAnonymous
          ? <p className="notice" role="note">Skyddad identitet: personen registreras som anonym deltagare (kön och startår).</p>
          : (
            <div className="check">
              <input id="participation-anonymous" type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.target.checked)} />
              <label htmlFor="participation-anonymous">Personen har inte samtyckt till registrering med personuppgifter: registrera som anonym deltagare</label>
            </div>
          )}
        <button type="submit" disabled={registering.loading}>Registrera in</button>
        {registerError && <p id="register-error" role="alert" className="error">{registerError}</p>}
      </form>

      {open.length > 0 && (
        <form id="end-participation-form" className="card participation-form" onSubmit={(e) => void submitEnd(e)} noValidate aria-describedby={endError ? 'end-error' : undefined}>
          <h3>Registrera ut ur insats</h3>
          <div className="field">
            <label htmlFor="end-participation">Pågående deltagande</label>
            <select id="end-participation" value={participationId} onChange={(e) => setParticipationId(e.target.value)}>
              <option value="" disabled>Välj deltagande…</option>
              {open.map((p) => <option key={p.id} value={p.id}>{p.intervention.name}, sedan {formatDate(p.registeredIn)}</option>)}
            </select>
          </div>
          <DateField id="end-date" label="Utregistreringsdatum" value={registeredOut} onChange={setRegisteredOut} />
          <Choice id="end-reason" label="Avslutsorsak" value={reason} options={END_REASONS} onChange={setReason} />
          <Choice id="end-occupation" label="Sysselsättning efter" value={occupationAfter} options={OCCUPATIONS} onChange={setOccupationAfter} />
          <IncomeChoices idPrefix="income-after" legend="Försörjningskällor efter" chosen={incomeAfter} onChange={setIncomeAfter} />
          <button type="submit" disabled={ending.loading}>Registrera ut</button>
          {endError && <p id="end-error" role="alert" className="error">{endError}</p>}
        </form>
      )}
    </section>
  );
}
