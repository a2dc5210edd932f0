/** A status as a word with its colour (never colour alone). */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status}`}>{status}</span>;
}

/** What a failed query shows: not found, or the server's message. */
export function QueryError({ error }: { error: Error }) {
  return (
    <p className="error" role="alert">
      {error.message}
    </p>
  );
}
