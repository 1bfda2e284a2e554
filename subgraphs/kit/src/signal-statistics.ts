import { createHash } from 'node:crypto';
import { addDays, addMonths, covers, daysBetween, monthOf, overlaps, type IsoDate } from './dates.ts';

/**
 * Signal counts for statistics (docs/signal-statistics.md). The eight "falling between the
 * chairs" rules (coordination's signals.ts) each read two or three sectors. For a coordinator's
 * person view the agencies release their facts and coordination runs the rules; for statistics
 * no facts leave an agency: each agency answers, per consenting member, only the few yes/no
 * questions the rules ask of its own sector, and coordination combines the answers.
 *
 * Where a rule compares dates across agencies, the questions are asked per calendar month
 * ("a refusal decided in month m", "registered on some day of month m"), so the statistics
 * variant of such a rule is a month-resolution approximation of the person rule. Rules that
 * compare only within one sector, or whole months already, are exact. Months are counted back
 * from the current month: 0 is this month, 1 the month before, -1 the month after.
 */

/** How long after a refusal a person has to register at Arbetsförmedlingen before we call it a gap. */
export const REGISTRATION_WINDOW_DAYS = 25;
/** How far back an ended benefit or a decision still matters for a signal. */
export const LOOKBACK_DAYS = 365;

// What the rules read of each sector: the same shapes for the person view and for the answers.
export interface SicknessCaseFacts {
  benefit: string;
  status: string;
  startDate: IsoDate;
  endDate: IsoDate | null;
  decisionDate: IsoDate | null;
  refusalReason: string | null;
  reconciliationMeetingDate: IsoDate | null;
  rehabilitationPlanDate: IsoDate | null;
  dayInRehabilitationChain: number | null;
}
export interface SicknessInsuranceFacts { cases: SicknessCaseFacts[] }
export interface EmploymentFacts {
  registrations: { registeredOn: IsoDate; deregisteredOn: IsoDate | null }[];
  programmes: { startDate: IsoDate; endDate: IsoDate | null; reportedSickFrom: IsoDate | null; reportedSickTo: IsoDate | null }[];
}
export interface SocialServicesFacts { assistanceMonths: { month: string; reasonForNeed: { group: string } }[] }
export interface CareFacts { certificates: { issuedOn: IsoDate; workCapacitySteps: { from: IsoDate; to: IsoDate; reduction: number }[] }[] }

/** One question: `count` bits, the first for `firstMonth` (months ago) when it is asked per month. */
interface Question { offset: number; count: number; firstMonth: number }

/** An agency's answers for one member: fixed-width bit fields, bit 0 saying whether it released the member at all. */
export class AnswerLayout<Q extends string> {
  readonly questions: Record<Q | 'released', Question>;
  readonly bytes: number;

  constructor(spec: [Q, number, number?][]) {
    let offset = 1;
    const questions = { released: { offset: 0, count: 1, firstMonth: 0 } } as Record<Q | 'released', Question>;
    for (const [name, count, firstMonth] of spec) {
      questions[name] = { offset, count, firstMonth: firstMonth ?? 0 };
      offset += count;
    }
    this.questions = questions;
    this.bytes = Math.ceil(offset / 8);
  }

  get bits(): number {
    return Object.values<Question>(this.questions).reduce((n, q) => n + q.count, 0);
  }
}

/** The answers of one agency for all the members handed over to it, in that order. */
export class Answers<Q extends string> {
  constructor(readonly layout: AnswerLayout<Q>, readonly buffer: Buffer) {}

  static empty<Q extends string>(layout: AnswerLayout<Q>, members: number): Answers<Q> {
    return new Answers(layout, Buffer.alloc(layout.bytes * members));
  }

  get members(): number {
    return this.buffer.length / this.layout.bytes;
  }

  private bit(member: number, question: Q | 'released', month: number): number | null {
    const q = this.layout.questions[question];
    const i = month - q.firstMonth;
    if (i < 0 || i >= q.count) return null;
    return member * this.layout.bytes * 8 + q.offset + i;
  }

  /** Sets the answer yes (for a question asked per month, that month's); a month outside the question's range is ignored. */
  set(member: number, question: Q | 'released', month = 0): void {
    const bit = this.bit(member, question, month);
    if (bit !== null) this.buffer[bit >> 3]! |= 1 << (bit & 7);
  }

  /** Sets every month from `newest` to `oldest` (months ago), clipped to the question's range. */
  setMonths(member: number, question: Q, newest: number, oldest: number): void {
    const q = this.layout.questions[question];
    for (let m = Math.max(newest, q.firstMonth); m <= Math.min(oldest, q.firstMonth + q.count - 1); m++) this.set(member, question, m);
  }

  get(member: number, question: Q | 'released', month = 0): boolean {
    const bit = this.bit(member, question, month);
    return bit !== null && (this.buffer[bit >> 3]! & (1 << (bit & 7))) !== 0;
  }
}

export const SICKNESS_INSURANCE_ANSWERS = new AnswerLayout<'day180NoMeetingOrPlan' | 'activityCompensationNow' | 'activityCompensationEndingNoRenewal'
  | 'sjukpenningRefusedOrWithdrawn' | 'sjukpenningLeft' | 'benefitGranted' | 'refusedCapacityNotReduced'>([
  /** Sjukpenning granted and ongoing, day 150–180 of the rehabilitation chain, no reconciliation meeting and no plan. */
  ['day180NoMeetingOrPlan', 1],
  /** Aktivitetsersättning granted and in force today. */
  ['activityCompensationNow', 1],
  /** That aktivitetsersättning ends within 183 days and no new application is under way. */
  ['activityCompensationEndingNoRenewal', 1],
  /** Per month 0–12: sjukpenning refused or withdrawn, decided that month, 25 days since, within the last 365 days. */
  ['sjukpenningRefusedOrWithdrawn', 13, 0],
  /** Per month 0–24: sjukpenning ended, refused or withdrawn that month, within the last 730 days. */
  ['sjukpenningLeft', 25, 0],
  /** Per month 0–3: some benefit granted for some day of that month. */
  ['benefitGranted', 4, 0],
  /** Per month 0–12: sjukpenning refused as work capacity not reduced, decided that month, within the last 365 days. */
  ['refusedCapacityNotReduced', 13, 0],
]);

/** Sick spells in programmes are followed back this many months; the last month stands for it and everything before. */
export const SPELL_MONTHS = 25;

export const EMPLOYMENT_ANSWERS = new AnswerLayout<'activeLastYear' | 'activeToday' | 'registered' | 'sickSpell' | 'sickSpellStarts'>([
  /** A registration or a programme on some day of the last 365 days. */
  ['activeLastYear', 1],
  /** Registered or in a programme today. */
  ['activeToday', 1],
  /** Per month 0–12: registered as a job seeker on some day of that month (up to today). */
  ['registered', 13, 0],
  /** Per month 0–24 (24: that month or earlier): reported sick in a programme more than 7 days, its 8th day to its last touching that month. */
  ['sickSpell', SPELL_MONTHS, 0],
  /** Per month 0–24 (as sickSpell): such a spell reaches its 8th day that month. */
  ['sickSpellStarts', SPELL_MONTHS, 0],
]);

export const SOCIAL_SERVICES_ANSWERS = new AnswerLayout<'assistance6Of12' | 'sickWithCertificate' | 'assistance'>([
  /** Ekonomiskt bistånd at least 6 of the last 12 months. */
  ['assistance6Of12', 1],
  /** Per month 0–3: bistånd that month with the reason for need "sick leave with a medical certificate". */
  ['sickWithCertificate', 4, 0],
  /** Per month -12–23: bistånd that month. */
  ['assistance', 36, -12],
]);

export const CARE_ANSWERS = new AnswerLayout<'fullyReduced' | 'certified'>([
  /** Per month -1–12 (-1: next month or later): a certificate says work capacity fully (100 %) reduced for some day of that month. */
  ['fullyReduced', 14, -1],
  /** Per month 0–24 (0: this month or later, 24: that month or earlier): a certificate covers some day of that month. */
  ['certified', SPELL_MONTHS, 0],
]);

const monthNumber = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
/** Whole calendar months from the date's month back to today's month: 0 this month, 1 the month before, -1 the next. */
export const monthsAgo = (date: IsoDate, today: IsoDate) => monthNumber(monthOf(today)) - monthNumber(monthOf(date));
const firstDay = (month: string): IsoDate => `${month}-01`;
const lastDay = (month: string): IsoDate => addDays(firstDay(addMonths(month, 1)), -1);

/** The first and last day of each month from this one back 12, computed once a day rather than per member. */
let calendarOf: { today: IsoDate; first: IsoDate[]; last: IsoDate[] } | null = null;
function calendar(today: IsoDate) {
  if (calendarOf?.today !== today) {
    const months = Array.from({ length: 13 }, (_, m) => addMonths(monthOf(today), -m));
    calendarOf = { today, first: months.map(firstDay), last: months.map(lastDay) };
  }
  return calendarOf;
}

/** Försäkringskassan's answers for one member. */
export function answerSicknessInsurance(a: Answers<string>, i: number, facts: SicknessInsuranceFacts, today: IsoDate): void {
  a.set(i, 'released');
  const { first, last } = calendar(today);
  for (const c of facts.cases) {
    if (c.benefit === 'SJUKPENNING') {
      const day = c.dayInRehabilitationChain;
      const ongoing = c.status === 'GRANTED' && (c.endDate === null || c.endDate >= today);
      if (ongoing && day !== null && day >= 150 && day <= 180 && c.reconciliationMeetingDate === null && c.rehabilitationPlanDate === null) a.set(i, 'day180NoMeetingOrPlan');
      const decided = c.decisionDate ?? c.endDate;
      if ((c.status === 'REFUSED' || c.status === 'WITHDRAWN') && decided !== null
        && addDays(decided, REGISTRATION_WINDOW_DAYS) <= today && daysBetween(decided, today) <= LOOKBACK_DAYS) a.set(i, 'sjukpenningRefusedOrWithdrawn', monthsAgo(decided, today));
      const ended = c.endDate ?? c.decisionDate;
      if (['ENDED', 'REFUSED', 'WITHDRAWN'].includes(c.status) && ended !== null && daysBetween(ended, today) <= 2 * LOOKBACK_DAYS) a.set(i, 'sjukpenningLeft', monthsAgo(ended, today));
      if (c.status === 'REFUSED' && c.refusalReason === 'WORK_CAPACITY_NOT_REDUCED' && c.decisionDate !== null && daysBetween(c.decisionDate, today) <= LOOKBACK_DAYS) {
        a.set(i, 'refusedCapacityNotReduced', monthsAgo(c.decisionDate, today));
      }
    }
    if (c.status === 'GRANTED') {
      for (let m = 0; m < 4; m++) if (overlaps(c.startDate, c.endDate, first[m]!, last[m]!)) a.set(i, 'benefitGranted', m);
    }
  }
  const activity = facts.cases.filter((c) => c.benefit === 'AKTIVITETSERSATTNING');
  const now = activity.find((c) => c.status === 'GRANTED' && covers(c.startDate, c.endDate, today));
  if (now) {
    a.set(i, 'activityCompensationNow');
    const renewalPending = activity.some((c) => (c.status === 'APPLICATION_RECEIVED' || c.status === 'INVESTIGATION') && c !== now);
    if (now.endDate !== null && daysBetween(today, now.endDate) <= 183 && !renewalPending) a.set(i, 'activityCompensationEndingNoRenewal');
  }
}

/** Arbetsförmedlingen's answers for one member. */
export function answerEmployment(a: Answers<string>, i: number, facts: EmploymentFacts, today: IsoDate): void {
  a.set(i, 'released');
  const yearAgo = addDays(today, -LOOKBACK_DAYS);
  if (facts.registrations.some((r) => overlaps(r.registeredOn, r.deregisteredOn, yearAgo, today))
    || facts.programmes.some((p) => overlaps(p.startDate, p.endDate, yearAgo, today))) a.set(i, 'activeLastYear');
  if (facts.registrations.some((r) => covers(r.registeredOn, r.deregisteredOn, today))
    || facts.programmes.some((p) => covers(p.startDate, p.endDate, today))) a.set(i, 'activeToday');
  const { first, last } = calendar(today);
  for (const r of facts.registrations) {
    for (let m = 0; m < 13; m++) if (overlaps(r.registeredOn, r.deregisteredOn, first[m]!, m === 0 ? today : last[m]!)) a.set(i, 'registered', m);
  }
  for (const p of facts.programmes) {
    if (p.reportedSickFrom === null) continue;
    const sickTo = p.reportedSickTo ?? today;
    if (daysBetween(p.reportedSickFrom, sickTo) + 1 <= 7) continue;
    const eighthDay = addDays(p.reportedSickFrom, 7);
    const clip = (m: number) => Math.min(SPELL_MONTHS - 1, Math.max(0, m));
    a.set(i, 'sickSpellStarts', clip(monthsAgo(eighthDay, today)));
    a.setMonths(i, 'sickSpell', clip(monthsAgo(sickTo, today)), clip(monthsAgo(eighthDay, today)));
  }
}

/** The social services' answers for one member. */
export function answerSocialServices(a: Answers<string>, i: number, facts: SocialServicesFacts, today: IsoDate): void {
  a.set(i, 'released');
  let lastYear = 0;
  for (const { month, reasonForNeed } of facts.assistanceMonths) {
    const m = monthsAgo(firstDay(month), today);
    if (m >= 0 && m < 12) lastYear++;
    if (m >= 0 && m < 4 && reasonForNeed.group === 'SICK_LEAVE_WITH_CERTIFICATE') a.set(i, 'sickWithCertificate', m);
    a.set(i, 'assistance', m);
  }
  if (lastYear >= 6) a.set(i, 'assistance6Of12');
}

/** The region's answers for one member. */
export function answerCare(a: Answers<string>, i: number, facts: CareFacts, today: IsoDate): void {
  a.set(i, 'released');
  for (const certificate of facts.certificates) {
    for (const s of certificate.workCapacitySteps) {
      const newest = monthsAgo(s.to, today);
      const oldest = monthsAgo(s.from, today);
      if (s.reduction === 100) a.setMonths(i, 'fullyReduced', Math.max(-1, newest), oldest);
      a.setMonths(i, 'certified', Math.max(0, newest), Math.max(0, Math.min(SPELL_MONTHS - 1, oldest)));
    }
  }
}

/**
 * An agency's answers on the members it counted (`answered`, in their order), placed at their
 * places in the whole list handed over (`counted[i]`: whether the list's member i was counted): a
 * member not counted stays all zeros, its `released` bit too, so coordination tells "not
 * released" from "no" per member while the list's order still lines the answers up.
 */
export function answersInListOrder<Q extends string>(counted: readonly boolean[], answered: Answers<Q>): Answers<Q> {
  const answers = Answers.empty(answered.layout, counted.length);
  const width = answered.layout.bytes;
  let j = 0;
  counted.forEach((isCounted, at) => {
    if (!isCounted) return;
    answered.buffer.copy(answers.buffer, at * width, j * width, (j + 1) * width);
    j++;
  });
  return answers;
}

/**
 * The wire format of an agency's answers (AgencyReleaseAnswer.signalFacts): JSON with the digest of
 * the member list it answers for (so coordination can check the alignment) and the answers as
 * one base64 string, `bytes` per member in the handed-over order. No personnummer, date, amount or
 * diagnosis is in it.
 */
export interface AnswersWire {
  handedOver: string;
  bytes: number;
  answers: string;
}

/** A short digest of a handed-over member list, as both ends compute it. */
export const handedOverDigest = (handedOver: string) => createHash('sha256').update(handedOver).digest('hex').slice(0, 32);

export function encodeAnswers(handedOver: string, answers: Answers<string>): string {
  return JSON.stringify({ handedOver: handedOverDigest(handedOver), bytes: answers.layout.bytes, answers: answers.buffer.toString('base64') } satisfies AnswersWire);
}

/** The answers, if they are for exactly this member list in this layout; null otherwise (the agency is then unknown for every member). */
export function decodeAnswers<Q extends string>(wire: string | null | undefined, layout: AnswerLayout<Q>, handedOver: string, members: number): Answers<Q> | null {
  if (typeof wire !== 'string') return null;
  const parsed = JSON.parse(wire) as AnswersWire;
  if (parsed.handedOver !== handedOverDigest(handedOver) || parsed.bytes !== layout.bytes) return null;
  const buffer = Buffer.from(parsed.answers, 'base64');
  return buffer.length === layout.bytes * members ? new Answers(layout, buffer) : null;
}
