import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, Suspense, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { Link, Outlet } from 'react-router';
import { api, connection } from '../api/client.js';
import { useCan, useSession } from '../api/session.js';

/**
 * Header, the banners (server unreachable, checked every 2 s until it is
 * back; sign-in required), and the page.
 */
export function Layout() {
  const state = useSyncExternalStore(connection.subscribe, connection.state);
  const reachable = state !== 'unreachable';
  const queries = useQueryClient();
  useQuery({
    queryKey: ['health'],
    queryFn: api.health,
    enabled: !reachable,
    refetchInterval: 2000,
    retry: false,
  });
  const session = useSession();
  const canWrite = useCan('admin');
  const signedOut = state === 'unauthorized' || (session.data?.auth === true && !session.data.role);
  const signOut = async () => {
    await api.signOut();
    await queries.invalidateQueries();
  };
  const wasReachable = useRef(reachable);
  useEffect(() => {
    // Back again: everything on screen may be stale.
    if (reachable && !wasReachable.current) {
      void queries.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'health' });
    }
    wasReachable.current = reachable;
  }, [reachable, queries]);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand">
          Sundial
        </Link>
        <nav aria-label="Main">
          <Link to="/">Definitions</Link>
          {canWrite && <Link to="/definitions/new">New definition</Link>}
        </nav>
        {session.data?.auth && session.data.role && (
          <span className="muted">
            {session.data.name} ({session.data.role}){' '}
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          </span>
        )}
      </header>
      {!reachable && (
        <div className="banner" role="alert">
          The Sundial server cannot be reached. Retrying; this page updates by itself when it is back.
        </div>
      )}
      {signedOut && <SignIn />}
      <main id="main">
        {/* While a page fetched on first use arrives. */}
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <Outlet />
        </Suspense>
      </main>
    </>
  );
}

/** Sign-in with an API token (`sundial token create`); the server keeps the session in an HttpOnly cookie. */
function SignIn() {
  const queries = useQueryClient();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api.signIn(token.trim());
      setToken('');
      await queries.invalidateQueries();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form className="banner" role="alert" onSubmit={submit}>
      <label>
        The server asks you to sign in. API token{' '}
        <input type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
      </label>{' '}
      <button type="submit" className="primary" disabled={token.trim() === ''}>
        Sign in
      </button>
      {error && <span className="error"> {error}</span>}
    </form>
  );
}
