import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { Link, Outlet } from 'react-router';
import { api, connection } from '../api/client.js';

/** Header, the "server unreachable" banner (which checks every 2 s until the server is back), and the page. */
export function Layout() {
  const reachable = useSyncExternalStore(connection.subscribe, connection.reachable);
  const queries = useQueryClient();
  useQuery({
    queryKey: ['health'],
    queryFn: api.health,
    enabled: !reachable,
    refetchInterval: 2000,
    retry: false,
  });
  useEffect(() => {
    // Back again: everything on screen may be stale.
    if (reachable) void queries.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'health' });
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
      <main id="main">
        <Outlet />
      </main>
    </>
  );
}
