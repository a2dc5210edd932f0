import { Link } from 'react-router';

/** An unknown address, or an id the server does not know. */
export function NotFoundPage({ what }: { what?: string }) {
  return (
    <section className="not-found">
      <h1>Not found</h1>
      <p>{what ? `There is no ${what}.` : 'There is no page at this address.'}</p>
      <p>
        <Link to="/">All process definitions</Link>
      </p>
    </section>
  );
}
