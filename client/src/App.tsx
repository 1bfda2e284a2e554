import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { ApolloProvider } from '@apollo/client/react';
import type { ApolloClient } from '@apollo/client';
import { createClient } from './apollo';
import { CaseloadStore } from './caseload-data';
import { CaseloadScreen } from './Caseload';
import { PersonScreen } from './Person';
import { SignIn, type ClientConfig } from './SignIn';

type Route = { screen: 'caseload' } | { screen: 'person'; id: string };

/** Routes carry only the opaque Person.id: never a personnummer in the address bar or history. */
function routeOf(hash: string): Route {
  const match = /^#\/person\/([A-Za-z0-9_-]{1,100})$/.exec(hash);
  return match ? { screen: 'person', id: match[1]! } : { screen: 'caseload' };
}

export function App() {
  const [config, setConfig] = useState<ClientConfig | null>(null);
  const [configError, setConfigError] = useState<string | null>(null);
  // The token lives here and in the ref the link reads: in memory only, gone with the tab.
  const [session, setSession] = useState<{ token: string; user: string } | null>(null);
  const tokenRef = useRef<string | null>(null);
  const [route, setRoute] = useState<Route>(() => routeOf(window.location.hash));
  const [caseloadPage, setCaseloadPage] = useState(0);
  const [onlyWithSignals, setOnlyWithSignals] = useState(false);

  useEffect(() => {
    fetch('/client-config.json', { credentials: 'omit' })
      .then((r) => (r.ok ? r.json() as Promise<ClientConfig> : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then(setConfig, () => setConfigError('Inloggningen kunde inte förberedas. Försök igen om en stund.'));
    const onHash = () => setRoute(routeOf(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  // One client per session: its cache dies with the session. Made, and the caseload asked for, the
  // moment the token is there: the list is on its way while the first screen is drawn.
  const [{ client, caseload }, setSessionData] = useState<{ client: ApolloClient | null; caseload: CaseloadStore | null }>({ client: null, caseload: null });

  const signIn = useCallback((token: string, user: string) => {
    tokenRef.current = token;
    const sessionClient = createClient(() => tokenRef.current);
    const store = new CaseloadStore(sessionClient);
    store.load();
    setSessionData({ client: sessionClient, caseload: store });
    setSession({ token, user });
  }, []);

  const signOut = useCallback(async () => {
    tokenRef.current = null;
    await client?.clearStore();
    client?.stop();
    setSessionData({ client: null, caseload: null });
    setSession(null);
    setCaseloadPage(0);
    setOnlyWithSignals(false);
    if (window.location.hash) window.history.replaceState(null, '', window.location.pathname);
    setRoute({ screen: 'caseload' });
  }, [client]);

  useEffect(() => {
    document.title = !session ? 'Logga in – Finsam' : route.screen === 'person' ? 'Person – Finsam' : 'Ärendelista – Finsam';
    // After a change of screen the keyboard starts at its heading.
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [session, route]);

  if (!session || !client || !caseload) {
    return (
      <main id="main">
        <h1 tabIndex={-1}>Finsam – samordnare</h1>
        {configError && <p role="alert">{configError}</p>}
        {config ? <SignIn config={config} onSignedIn={signIn} /> : !configError && <p>Laddar…</p>}
      </main>
    );
  }

  return (
    <ApolloProvider client={client}>
      <header className="bar">
        <a className="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Till innehållet</a>
        <span className="brand">Finsam</span>
        <nav aria-label="Huvudmeny">
          <a href="#/">Ärendelista</a>
        </nav>
        <CoordinatorName caseload={caseload} />
        <button type="button" onClick={() => void signOut()}>Logga ut</button>
      </header>
      <main id="main" tabIndex={-1}>
        {route.screen === 'person'
          ? <PersonScreen id={route.id} />
          : <CaseloadScreen caseload={caseload} page={caseloadPage} onPage={setCaseloadPage} onlyWithSignals={onlyWithSignals} onOnlyWithSignals={(v) => { setOnlyWithSignals(v); setCaseloadPage(0); }} />}
      </main>
    </ApolloProvider>
  );
}

/** The signed-in coordinator by name (Coordinator.name), never by user id; the name comes with the caseload. */
function CoordinatorName({ caseload }: { caseload: CaseloadStore }) {
  const { coordinator } = useSyncExternalStore(caseload.subscribe, caseload.snapshot);
  return <span className="user">{coordinator ? `Inloggad: ${coordinator}` : 'Inloggad'}</span>;
}
