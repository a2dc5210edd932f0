import { Link } from 'react-router';
import type { ProcessSummary } from '../api/types.js';
import { formatTime } from '../lib/time.js';

/** The newest runs as status-coloured marks, oldest left, each a link to its run. */
export function RunMarks({ runs }: { runs: readonly ProcessSummary[] }) {
  if (runs.length === 0) return <span className="muted">no runs yet</span>;
  return (
    <span className="run-marks">
      {[...runs].reverse().map((r) => (
        <Link
          key={r.process_id}
          to={`/runs/${r.process_id}`}
          className={`run-mark status-${r.status}`}
          aria-label={`${r.status} run started ${formatTime(r.start_time)}`}
          title={`${r.status}, started ${formatTime(r.start_time)}`}
          data-status={r.status}
        />
      ))}
    </span>
  );
}
