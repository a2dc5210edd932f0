import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../api/client.js';
import { useCan } from '../api/session.js';
import { DefinitionActions, NextRun } from '../components/DefinitionActions.js';
import { RunMarks } from '../components/RunMarks.js';
import { QueryError } from '../components/Status.js';
import { scheduleExpression, scheduleWords } from '../lib/schedule-words.js';

/** Every definition: schedule in words, next run, paused, newest runs, actions. */
export function HomePage() {
  const canEdit = useCan('admin');
  const overview = useQuery({ queryKey: ['overview'], queryFn: api.overview, refetchInterval: 3000 });
  if (overview.error) return <QueryError error={overview.error} />;
  if (!overview.data) return <p className="muted">Loading…</p>;
  return (
    <>
      <div className="page-head">
        <h1>Process definitions</h1>
        {canEdit && (
          <Link to="/definitions/new" className="button">
            New definition
          </Link>
        )}
      </div>
      {overview.data.length === 0 ? (
        <p className="muted">No process definitions yet.</p>
      ) : (
        <ul className="definitions">
          {overview.data.map(({ definition: d, recent_processes }) => (
            <li
              key={d.process_definition_name}
              className="definition-card"
              data-definition={d.process_definition_name}
            >
              <div className="definition-main">
                <h2>
                  <Link to={`/definitions/${encodeURIComponent(d.process_definition_name)}`}>
                    {d.process_definition_name}
                  </Link>
                  {d.paused && <span className="badge paused">paused</span>}
                </h2>
                {d.process_description && <p className="muted">{d.process_description}</p>}
                <dl className="facts">
                  <dt>Schedule</dt>
                  <dd title={scheduleExpression(d.schedule)}>{scheduleWords(d.schedule)}</dd>
                  <dt>Next run</dt>
                  <dd>
                    <NextRun definition={d} />
                  </dd>
                  <dt>Runs</dt>
                  <dd>
                    <RunMarks runs={recent_processes} />
                  </dd>
                </dl>
              </div>
              <DefinitionActions definition={d} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
