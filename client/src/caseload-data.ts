import type { ApolloClient } from '@apollo/client';
import { CaseloadDocument, type CaseloadQuery } from './gql/graphql';
import { errorMessages } from './format';
import { swedishError, type GraphQLErrorItem } from './errors';
import type { HandledSignals } from './WorkList';

type HandledSignal = HandledSignals[number];

export type CaseloadPerson = NonNullable<CaseloadQuery['me']>['caseload']['nodes'][number];

export interface CaseloadState {
  /** The coordinator's name (Coordinator.name), for the header and the list. */
  coordinator: string | null;
  /** The whole caseload; null until its first page has come. */
  persons: CaseloadPerson[] | null;
  /** Whether `persons` carry their signals yet (the list is sorted by them only then). */
  signalsLoaded: boolean;
  /** The errors that came with the signals (an agency not answering: `signals: null` for each person). */
  signalErrors: GraphQLErrorItem[];
  /** In Swedish: why the signals could not be fetched at all (the persons show without them). */
  signalsError: string | null;
  /** In Swedish: why there is no list. */
  error: string | null;
}

const EMPTY: CaseloadState = { coordinator: null, persons: null, signalsLoaded: false, signalErrors: [], signalsError: null, error: null };

/**
 * The caseload of one session, asked for the moment the token is there, before any screen is
 * drawn. Two asks, one after the other: the persons alone (`signals: false`), which the gateway
 * answers from coordination in a few tens of milliseconds, then the persons with their signals,
 * which need all four agencies for every person and take most of the time. Asked side by side, the
 * second slowed the first down to nearly its own time (they share the gateway and coordination), so
 * the list waits for nothing it need not. It shows as soon as the first is back and is sorted by
 * urgency when the second is (docs/coordinator-client.md, "Speed").
 * Results bypass the cache ('no-cache'): the two answers are the same objects with and without
 * `signals`, and the list is kept here, for the session, instead.
 */
/**
 * Resolves once the browser has drawn what is on screen: the signals' ask makes the gateway and
 * the agencies busy, and on a machine of few cores that work would otherwise delay drawing the list
 * the coordinator is waiting for. A hidden tab draws nothing, so it waits a tenth of a second at most.
 */
const afterPaint = () => new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 100);
  requestAnimationFrame(() => setTimeout(() => { clearTimeout(timer); resolve(); }, 0));
});

export class CaseloadStore {
  private state: CaseloadState = EMPTY;
  private readonly listeners = new Set<() => void>();
  private generation = 0;
  /** Whether a load is under way: the list shown again while its first load runs asks nothing more. */
  private loading = false;

  constructor(private readonly client: ApolloClient) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  };

  snapshot = () => this.state;

  private set(change: Partial<CaseloadState>) {
    this.state = { ...this.state, ...change };
    for (const listener of this.listeners) listener();
  }

  /** Every page (of 100) of the caseload, with or without the signals. */
  private async pages(signals: boolean): Promise<{ coordinator: string; persons: CaseloadPerson[]; errors: GraphQLErrorItem[] }> {
    const persons: CaseloadPerson[] = [];
    const errors: GraphQLErrorItem[] = [];
    let after: string | null = null;
    for (;;) {
      // Whatever fails here fails in Swedish: a network error is thrown, not returned.
      const result: Awaited<ReturnType<typeof this.client.query<CaseloadQuery>>> = await this.client.query({
        query: CaseloadDocument, variables: { first: 100, after, signals }, errorPolicy: 'all', fetchPolicy: 'no-cache',
      }).catch((e: unknown) => { throw new Error(swedishError(e, {}, 'Ärendelistan kunde inte hämtas.')); });
      const me: CaseloadQuery['me'] | undefined = result.data?.me;
      if (!me) throw new Error(swedishError(result.error, {}, 'Ärendelistan kunde inte hämtas.'));
      errors.push(...(errorMessages(result.error) as GraphQLErrorItem[]));
      persons.push(...me.caseload.nodes);
      if (!me.caseload.pageInfo.hasNextPage) return { coordinator: me.name, persons, errors };
      after = me.caseload.pageInfo.endCursor ?? null;
    }
  }

  /** Loads the list again, keeping what is shown until the new one is there, unless a load is under way. */
  refresh(): void {
    if (!this.loading) this.load();
  }

  /**
   * A signal handled (HandleSignal): the person's signals as the server answered, so that the work
   * list drops it at once, without asking for the whole caseload again.
   */
  signalsHandled(personId: string, signals: readonly HandledSignal[]): void {
    const persons = this.state.persons?.map((person) => (person.id === personId
      ? { ...person, signals: signals.map((s) => ({ ...s, handling: s.handling && { id: s.handling.id, followUp: s.handling.followUp } })) }
      : person)) ?? null;
    this.set({ persons });
  }

  /** Loads the list (again, keeping what is shown until the new one is there). */
  load(): void {
    const generation = ++this.generation;
    const current = () => generation === this.generation;
    this.loading = true;
    // The persons alone are only worth asking for while there is no list yet; failing, the ask with signals says why.
    const first = this.state.persons
      ? Promise.resolve()
      : this.pages(false).then(({ coordinator, persons }) => { if (current()) this.set({ coordinator, persons }); }, () => undefined);
    first.then(afterPaint).then(() => this.pages(true)).then(
      ({ coordinator, persons, errors }) => {
        if (!current()) return;
        this.loading = false;
        this.set({ coordinator, persons, signalsLoaded: true, signalErrors: errors, signalsError: null, error: null });
      },
      (e: Error) => {
        if (!current()) return;
        this.loading = false;
        // Without the signals the persons still show, and the list says why their signals do not.
        this.set(this.state.persons ? { signalsLoaded: true, signalsError: e.message } : { error: e.message });
      },
    );
  }
}
