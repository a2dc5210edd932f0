import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, type TriggerAnswer } from '../api/client.js';

/**
 * What a trigger became: a link to its run, at once when the scheduler
 * started it within the request, else as soon as it does (a run in
 * progress may hold it back until that run ends).
 *
 * @example
 * setMessage(<TriggeredRun name="nightly" answer={await api.trigger('nightly')} />);
 */
export function TriggeredRun({ name, answer }: { name: string; answer: TriggerAnswer }) {
  const request = useQuery({
    queryKey: ['trigger-request', answer.requestId],
    queryFn: () => api.triggerRequest(answer.requestId),
    enabled: answer.processId === undefined,
    // Every second for a minute, then every 10 s: a run in progress may hold it back for hours.
    refetchInterval: (q) => (q.state.data?.process_id ? false : q.state.dataUpdateCount < 60 ? 1000 : 10_000),
  });
  const processId = answer.processId ?? request.data?.process_id;
  if (processId)
    return (
      <>
        Triggered {name}: <Link to={`/runs/${processId}`}>open its run</Link>.
      </>
    );
  if (request.error)
    return (
      <>
        Triggered {name}, but its run cannot be followed: {request.error.message}
      </>
    );
  return (
    <>
      Triggered {name}; its run has not started yet (a run in progress holds it back, or the scheduler is
      busy).
    </>
  );
}
