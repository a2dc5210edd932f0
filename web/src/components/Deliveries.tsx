import type { NotificationDelivery } from '../api/types.js';
import { formatTime } from '../lib/time.js';
import { StatusBadge } from './Status.js';

/** The messages sent about a run's end, and how each delivery went. */
export function Deliveries({ deliveries }: { deliveries: readonly NotificationDelivery[] }) {
  return (
    <table className="runs deliveries">
      <thead>
        <tr>
          <th>Notification</th>
          <th>About</th>
          <th>Delivery</th>
          <th>Last attempt</th>
        </tr>
      </thead>
      <tbody>
        {deliveries.map((d) => {
          const last = d.attempts.at(-1);
          return (
            <tr key={d.notification_id}>
              <td>
                {d.kind} to {d.to}
              </td>
              <td>{d.event}</td>
              <td>
                <StatusBadge status={d.status} />
                {d.next_attempt_time && (
                  <span className="muted"> next try {formatTime(d.next_attempt_time)}</span>
                )}
              </td>
              <td>
                {last
                  ? `${d.attempts.length} attempt${d.attempts.length > 1 ? 's' : ''}: ${last.result}${last.detail ? ` (${last.detail})` : ''}`
                  : 'none yet'}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
