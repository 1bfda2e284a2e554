import { useEffect, useState, type FormEvent } from 'react';
import { completeOidcSignIn, startOidcSignIn, type OidcConfig } from './oidc';
import { NETWORK_FAILURE, swedishError, type GraphQLErrorItem } from './errors';

/** oidc.ts throws in Swedish; fetch itself in English ("Failed to fetch"). */
const signInFailure = (e: Error) => `Inloggningen misslyckades: ${e instanceof TypeError ? NETWORK_FAILURE : e.message}`;

export type ClientConfig = { signIn: 'dev' } | ({ signIn: 'oidc' } & OidcConfig);

export function SignIn({ config, onSignedIn }: { config: ClientConfig; onSignedIn: (token: string, user: string) => void }) {
  return config.signIn === 'dev' ? <DevSignIn onSignedIn={onSignedIn} /> : <OidcSignIn config={config} onSignedIn={onSignedIn} />;
}

/** The embedded default's sign-in: pick a coordinator, the gateway's dev issuer mints the token. */
function DevSignIn({ onSignedIn }: { onSignedIn: (token: string, user: string) => void }) {
  const [number, setNumber] = useState('1');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const coordinator = `coordinator-${number.trim()}`;
    setBusy(true);
    setError(null);
    try {
      const response = await fetch('/dev/sign-in', {
        method: 'POST', credentials: 'omit', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ coordinator }),
      });
      const body = await response.json().catch(() => ({})) as { token?: string; errors?: GraphQLErrorItem[] };
      if (!response.ok || !body.token) {
        setError(`Inloggningen misslyckades. ${swedishError(body.errors ? { errors: body.errors } : { statusCode: response.status })}`);
        setBusy(false);
        return;
      }
      onSignedIn(body.token, coordinator);
    } catch (e) {
      setError(signInFailure(e as Error));
      setBusy(false);
    }
  }

  return (
    <form className="card sign-in" onSubmit={(e) => void submit(e)} aria-describedby="dev-note">
      <h2>Logga in (utvecklingsläge)</h2>
      <p id="dev-note">Utvecklingsläget: välj vilken samordnare du loggar in som. I drift loggar du in via organisationens inloggning.</p>
      <label htmlFor="coordinator-number">Samordnare nummer</label>
      <input id="coordinator-number" name="coordinator" type="number" min={1} step={1} required inputMode="numeric"
        value={number} onChange={(e) => setNumber(e.target.value)} />
      <button type="submit" disabled={busy}>Logga in</button>
      {error && <p role="alert" className="error">{error}</p>}
    </form>
  );
}

function OidcSignIn({ config, onSignedIn }: { config: OidcConfig; onSignedIn: (token: string, user: string) => void }) {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    completeOidcSignIn(config).then((result) => { if (result) onSignedIn(result.token, result.user); }, (e: Error) => setError(signInFailure(e)));
  }, [config, onSignedIn]);
  return (
    <div className="card sign-in">
      <h2>Logga in</h2>
      <p>Du loggar in via organisationens inloggningstjänst.</p>
      <button type="button" onClick={() => void startOidcSignIn(config).catch((e: Error) => setError(signInFailure(e)))}>Logga in</button>
      {error && <p role="alert" className="error">{error}</p>}
    </div>
  );
}
