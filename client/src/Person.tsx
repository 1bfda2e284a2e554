import { useQuery } from '@apollo/client/react';
import { MemberMunicipalitiesDocument, PersonOverviewDocument, type PersonOverviewQuery, type RehabilitationCheckpoint } from './gql/graphql';
import { ConsentPanel, ExpiringConsents } from './Consents';
import { ParticipationPanel } from './Participations';
import { errorMessages, formatDate, formatPersonnummer, identityNumberLabel, today } from './format';
import { swedishError } from './errors';
import { BENEFITS, CASE_STATUSES, PROGRAMMES, newestFirst } from './labels';
import { ObstaclePanel } from './Obstacles';
import { Timeline } from './Timeline';
import { AGENCY_ROWS, type AgencyRow } from '@finsam/kit/agencies';
import { refusalText, sectorRefusal, AGENCY_NAMES, type ErrorItem } from './sectors';
import { byUrgency, signalInfo } from './signals';
import { HandleSignalForm, UNSEEN_REASON, handlingLine } from './WorkList';

type Person = NonNullable<PersonOverviewQuery['person']>;

const CHECKPOINTS: Record<RehabilitationCheckpoint, string> = {
  OWN_OR_OTHER_WORK_AT_EMPLOYER: 'dag 1–90: eget eller annat arbete hos arbetsgivaren',
  ANY_WORK_AT_EMPLOYER: 'dag 91–180: allt arbete hos arbetsgivaren',
  LABOUR_MARKET_UNLESS_RETURN_LIKELY: 'dag 181–365: arbetsmarknaden, om inte återgång är trolig',
  WHOLE_LABOUR_MARKET: 'från dag 366: hela arbetsmarknaden',
};

export function PersonScreen({ id }: { id: string }) {
  // From the network each time: why a sector is missing comes in the errors, which no cache keeps,
  // and consents and agency data change under the coordinator's feet.
  const { data, error, loading } = useQuery(PersonOverviewDocument, { variables: { id }, errorPolicy: 'all', fetchPolicy: 'network-only' });
  const errors = errorMessages(error);
  const person = data?.person;
  // The consent form's choices for the social services: the förbund's members, asked once a session (cache-first).
  const forbund = useQuery(MemberMunicipalitiesDocument, { errorPolicy: 'all' });
  const members = forbund.data?.me?.forbund.municipalities ?? [];
  if (loading && !person) return <><h1 tabIndex={-1}>Person</h1><p role="status">Hämtar personen…</p></>;
  if (!person) {
    return (
      <>
        <h1 tabIndex={-1}>Person</h1>
        <p role="alert" className="error">Personen kunde inte visas. {swedishError(error)}</p>
        <p><a href="#/">Tillbaka till ärendelistan</a></p>
      </>
    );
  }
  const isProtected = person.identityProtection !== 'NONE';
  return (
    <>
      {/* First in the fragment, as while loading: the same element keeps the focus it got. */}
      <h1 tabIndex={-1}>{isProtected ? 'Person med skyddad identitet' : person.name ?? 'Person'}</h1>
      <div className="toolbar no-print">
        <a href="#/">← Ärendelistan</a>
        {/* The page as it prints: the person for a meeting, without the buttons and forms (style.css, @media print). */}
        <button type="button" className="secondary" onClick={() => window.print()}>Skriv ut</button>
      </div>
      <p className="print-only">Utskrift {today()}. Innehåller personuppgifter: förvara och förstör utskriften enligt förbundets rutiner.</p>
      <dl className="identity">
        <dt>{identityNumberLabel(person.personnummer)}</dt><dd>{formatPersonnummer(person.personnummer)}</dd>
        <dt>Ålder</dt><dd>{person.age} år</dd>
        <dt>Kommun</dt><dd>{person.homeMunicipality.name}</dd>
        {!isProtected && <><dt>Adress</dt><dd>{person.address ?? '–'}</dd></>}
      </dl>
      {isProtected && <p className="notice" role="note">Skyddade personuppgifter: namn och adress visas inte.</p>}
      <ExpiringConsents consents={person.consents} />

      <Signals person={person} />

      <h2>Myndigheterna</h2>
      <div className="sectors">
        {AGENCY_ROWS.map((sector) => {
          const refusal = person[sector.sectorField] ? null : sectorRefusal(sector, errors as ErrorItem[]);
          return (
            <section key={sector.sectorField} className="card sector" aria-labelledby={`sector-${sector.sectorField}`}>
              <h3 id={`sector-${sector.sectorField}`}>{sector.swedish.title}</h3>
              {refusal
                ? <p className="refusal"><strong>Visas inte:</strong> {refusal}.</p>
                : person[sector.sectorField] === null
                  ? <p className="muted">Inga uppgifter.</p>
                  : <SectorDetails field={sector.sectorField} person={person} />}
            </section>
          );
        })}
      </div>

      {/* Built from this same answer and the participations below: what a sector did not release is not in it. */}
      <Timeline key={`timeline-${person.id}`} person={person} errors={errors as ErrorItem[]} />

      {/* Keyed by the person: the form's choices start again from the next person's home municipality. */}
      <ConsentPanel key={person.id} person={person} members={members} />

      <ParticipationPanel key={`participations-${person.id}`} personId={person.id} />
      <ObstaclePanel key={`obstacles-${person.id}`} person={person} />
    </>
  );
}

function Signals({ person }: { person: Person }) {
  const { signals, unseenAgencies } = person;
  const unseen = unseenAgencies ?? [];
  return (
    <section aria-labelledby="signals-heading">
      <h2 id="signals-heading">Signaler</h2>
      {signals == null && <p className="muted">Signalerna kan inte beräknas just nu.</p>}
      {unseen.length > 0 && (
        <p className="notice unseen">
          Inte sedda av signalerna: {unseen.map((u) => `${AGENCY_NAMES[u.agency]} (${UNSEEN_REASON[u.reason]})`).join(', ')}.
          {' '}Signaler som bygger på {unseen.length === 1 ? 'den' : 'dem'} har inte bedömts.
        </p>
      )}
      {signals?.length === 0 && (unseen.length === 0 ? <p>Inga signaler.</p> : <p>Inga signaler bland det som kunde bedömas.</p>)}
      {signals && signals.length > 0 && (
        <ul className="signals">
          {byUrgency(signals).map((signal) => (
            <li key={signal.code} className="card signal">
              <h3>{signalInfo(signal.code).label}</h3>
              <p className="meaning">{signalInfo(signal.code).meaning}</p>
              <p>{signal.summary} <span className="muted">(sedan {formatDate(signal.arose)})</span></p>
              <ul className="facts">
                {signal.facts.map((fact, i) => (
                  <li key={i}>{AGENCY_NAMES[fact.agency]}: {fact.description}{fact.date ? ` (${formatDate(fact.date)})` : ''}</li>
                ))}
              </ul>
              {signal.handling && <p className="handling">{handlingLine(signal.handling)}{signal.needsAction ? ' Dags att följa upp.' : ''}</p>}
              {signal.needsAction && <HandleSignalForm personId={person.id} signalId={signal.id} code={signal.code} label={signalInfo(signal.code).label} />}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function SectorDetails({ field, person }: { field: AgencyRow['sectorField']; person: Person }) {
  const now = today();
  switch (field) {
    case 'sicknessInsurance': {
      const ongoing = person.sicknessInsurance!.ongoingSickLeave;
      const cases = newestFirst(person.sicknessInsurance!.cases, (c) => c.startDate);
      return (
        <dl>
          {ongoing ? <>
            <dt>Pågående</dt><dd>{BENEFITS[ongoing.benefit].toLowerCase()} sedan {formatDate(ongoing.startDate)}</dd>
            <dt>Sjukskrivningsgrad</dt><dd>{ongoing.currentDegree != null ? `${ongoing.currentDegree} %` : '–'}</dd>
            <dt>Dag i rehabiliteringskedjan</dt><dd>{ongoing.dayInRehabilitationChain ?? '–'}</dd>
            <dt>Prövas mot</dt><dd>{ongoing.rehabilitationCheckpoint ? CHECKPOINTS[ongoing.rehabilitationCheckpoint] : '–'}</dd>
            <dt>Avstämningsmöte</dt><dd>{formatDate(ongoing.reconciliationMeetingDate)}</dd>
          </> : <><dt>Pågående</dt><dd>Ingen pågående sjukskrivning</dd></>}
          {cases.length > 0 && <><dt>Ärenden</dt><dd><ul className="items">{cases.map((c) => (
            <li key={c.id}>{BENEFITS[c.benefit]} {formatDate(c.startDate)} – {c.endDate ? formatDate(c.endDate) : 'tills vidare'}, {CASE_STATUSES[c.status]}{c.decisionDate ? ` (beslut ${formatDate(c.decisionDate)})` : ''}</li>
          ))}</ul></dd></>}
        </dl>
      );
    }
    case 'employment': {
      const employment = person.employment!;
      const registration = employment.currentRegistration;
      const programmes = newestFirst(employment.programmes, (p) => p.startDate);
      const registrations = newestFirst(employment.registrations, (r) => r.registeredOn);
      return (
        <dl>
          <dt>Inskrivning</dt>
          <dd>{registration ? `${registration.jobSeekerCategory.label} sedan ${formatDate(registration.registeredOn)}, ${registration.office}` : 'Inte inskriven'}</dd>
          {registration && <><dt>Handlingsplan</dt><dd>{registration.hasPlan ? 'Finns' : 'Saknas'}</dd></>}
          <dt>Program</dt>
          <dd>{programmes.length ? <ul className="items">{programmes.map((p) => (
            <li key={p.id}>{PROGRAMMES[p.programme]} {formatDate(p.startDate)} – {p.endDate ? formatDate(p.endDate) : 'pågår'}</li>
          ))}</ul> : 'Inga'}</dd>
          {registrations.length > 0 && <><dt>Inskrivningar</dt><dd><ul className="items">{registrations.map((r) => (
            <li key={r.id}>{formatDate(r.registeredOn)} – {r.deregisteredOn ? formatDate(r.deregisteredOn) : 'pågår'}: {r.jobSeekerCategory.label}, {r.office}</li>
          ))}</ul></dd></>}
          {employment.longTermUnemployed && <><dt>Långtidsarbetslös</dt><dd>Ja</dd></>}
        </dl>
      );
    }
    case 'socialServices': {
      const social = person.socialServices!;
      const months = newestFirst(social.assistanceMonths, (m) => m.month);
      // Each municipality is its own controller: whose months these are, and which did not release and why.
      const byMunicipality = new Map<string, number>();
      for (const m of social.assistanceMonths) byMunicipality.set(m.municipality.name, (byMunicipality.get(m.municipality.name) ?? 0) + 1);
      return (
        <dl>
          <dt>Ekonomiskt bistånd</dt><dd>{social.assistanceMonthsLast12} av de senaste 12 månaderna</dd>
          {byMunicipality.size > 0 && <><dt>Månader per kommun</dt><dd>{[...byMunicipality].map(([name, months]) => `${name} ${months}`).join(', ')}</dd></>}
          {months.length > 0 && <><dt>Månader</dt><dd><ul className="items">{months.map((m) => (
            <li key={`${m.month}-${m.municipality.code}`}>{m.month}: {m.reasonForNeed.label} ({m.municipality.name})</li>
          ))}</ul></dd></>}
          {social.notReleased.length > 0 && <><dt>Ej utlämnat</dt><dd>{social.notReleased.map((n) => `${n.controller.name}: ${refusalText(n.reason).toLowerCase()}`).join('; ')}</dd></>}
        </dl>
      );
    }
    case 'care': {
      const care = person.care!;
      const inForce = care.certificates.filter((c) => c.workCapacitySteps.some((s) => s.from <= now && s.to >= now));
      return (
        <dl>
          <dt>Läkarintyg i kraft</dt>
          <dd>{inForce.length ? inForce.map((c) => {
            const step = c.workCapacitySteps.find((s) => s.from <= now && s.to >= now)!;
            return `${c.type.replace('_', '-')} ${formatDate(c.issuedOn)}: nedsatt ${step.reduction} % till ${formatDate(step.to)}`;
          }).join('; ') : 'Inget'}</dd>
          {care.certificates.length > 0 && <><dt>Alla läkarintyg</dt><dd><ul className="items">{newestFirst(care.certificates, (c) => c.issuedOn).map((c) => {
            const last = c.workCapacitySteps.reduce((to, s) => (s.to > to ? s.to : to), '');
            return <li key={c.id}>{c.type.replace('_', '-')} {formatDate(c.issuedOn)}, {c.careUnit}{last ? `, till ${formatDate(last)}` : ''}</li>;
          })}</ul></dd></>}
          <dt>Rehabkoordinator</dt>
          <dd>{care.rehabilitationCoordinator ? `${care.rehabilitationCoordinator.name}, ${care.rehabilitationCoordinator.careUnit}` : 'Ingen utsedd'}</dd>
          {/* Each region is its own controller: which of the förbund's regions did not release, and why. */}
          {care.notReleased.length > 0 && <><dt>Ej utlämnat</dt><dd>{care.notReleased.map((n) => `${n.controller.name}: ${refusalText(n.reason).toLowerCase()}`).join('; ')}</dd></>}
        </dl>
      );
    }
  }
}
