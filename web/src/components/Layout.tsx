import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { Link, Outlet } from 'react-router';
import { api, connection } from '../api/client.js';

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
          <Link to="/definitions/new">New definition</Link>
        </nav>
      </header>
      {!reachable && (
        <div className="banner" role="alert">
          The Sundial server cannot be reached. Retrying; this page updates by itself when it is back.
        </div>
      )}
      {state === 'unauthorized' && (
        <div className="banner" role="alert">
          The server asks you to sign in (it answered 401 Unauthorized).
        </div>
      )}
      <main id="main">
        <Outlet />
      </main>
    </>
  );
}
