import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, api } from '../api/client.js';
import { useCan } from '../api/session.js';
import { DagGraph } from '../components/DagGraph.js';
import { DefinitionActions, NextRun } from '../components/DefinitionActions.js';
import { QueryError, StatusBadge } from '../components/Status.js';
import { TaskDetails } from '../components/TaskDetails.js';
import { scheduleExpression, scheduleWords } from '../lib/schedule-words.js';
import { durationOf, formatTime } from '../lib/time.js';
import { NotFoundPage } from './NotFoundPage.js';

/** One definition: schedule, DAG, the picked task's details, its JSON, and its runs, newest first. */
export function DefinitionPage() {
  const name = useParams().name!;
  const canEdit = useCan('admin');
  const definition = useQuery({
    queryKey: ['definition', name],
    queryFn: () => api.definition(name),
    refetchInterval: 5000,
  });
  const [picked, setPicked] = useState<string>();
  if (definition.error instanceof ApiError && definition.error.notFound)
    return <NotFoundPage what={`process definition named “${name}”`} />;
  if (definition.error) return <QueryError error={definition.error} />;
  const d = definition.data;
  if (!d) return <p className="muted">Loading…</p>;
  const task = d.task_definitions.find((t) => t.task_definition_name === picked) ?? d.task_definitions[0];
  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/">Definitions</Link> / <span>{name}</span>
      </nav>
      <div className="page-head">
        <h1>
          {name} {d.paused && <span className="badge paused">paused</span>}
        </h1>
        {canEdit && (
          <Link to={`/definitions/${encodeURIComponent(name)}/edit`} className="button">
            Edit JSON
          </Link>
        )}
      </div>
      {d.process_description && <p>{d.process_description}</p>}
      <dl className="facts">
        <dt>Schedule</dt>
        <dd title={scheduleExpression(d.schedule)}>{scheduleWords(d.schedule)}</dd>
        <dt>Next run</dt>
        <dd>
          <NextRun definition={d} />
        </dd>
        <dt>Overlap</dt>
        <dd>{d.overlap_action ?? 'wait'}</dd>
      </dl>
      <DefinitionActions definition={d} />
      <h2>Tasks</h2>
      <div className="split">
        <DagGraph
          tasks={d.task_definitions}
          selected={task?.task_definition_name}
          onSelect={setPicked}
          label={`Task graph of ${name}`}
        />
        {task && (
          <aside className="panel">
            <TaskDetails task={task} />
          </aside>
        )}
      </div>
      <h2>Runs</h2>
      <History name={name} />
      <details className="json">
        <summary>JSON</summary>
        <pre>{JSON.stringify(d, null, 2)}</pre>
      </details>
    </>
  );
}

function History({ name }: { name: string }) {
  const history = useInfiniteQuery({
    queryKey: ['history', name],
    queryFn: ({ pageParam }) => api.history(name, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_before,
    refetchInterval: 5000,
  });
  // Triggers held back by a run in progress: they run next, so they head the table.
  const waiting = useQuery({
    queryKey: ['waiting-triggers', name],
    queryFn: () => api.waitingTriggers(name),
    refetchInterval: 5000,
  });
  if (history.error) return <QueryError error={history.error} />;
  const runs = history.data?.pages.flatMap((p) => p.processes) ?? [];
  const triggers = waiting.data ?? [];
  if (history.data && runs.length === 0 && triggers.length === 0)
    return <p className="muted">No runs yet.</p>;
  return (
    <>
      <table className="runs">
        <thead>
          <tr>
            <th>Status</th>
            <th>Started</th>
            <th>Duration</th>
          </tr>
        </thead>
        <tbody>
          {triggers.map((t) => (
            <tr key={t.trigger_request_id} data-trigger={t.trigger_request_id}>
              <td>
                <StatusBadge status="waiting" />
              </td>
              <td>
                triggered {formatTime(t.requested_at)}
                {t.task_definition_names && ` (${t.task_definition_names.join(', ')})`}
              </td>
              <td>not started yet</td>
            </tr>
          ))}
          {runs.map((r) => (
            <tr key={r.process_id}>
              <td>
                <StatusBadge status={r.status} />
              </td>
              <td>
                <Link to={`/runs/${r.process_id}`}>{formatTime(r.start_time)}</Link>
              </td>
              <td>{durationOf(r.start_time, r.end_time)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {history.hasNextPage && (
        <button type="button" onClick={() => history.fetchNextPage()} disabled={history.isFetchingNextPage}>
          Older runs
        </button>
      )}
    </>
  );
}
