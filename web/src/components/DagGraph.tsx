import type { TaskDefinition } from '../api/types.js';
import { NODE_HEIGHT, NODE_WIDTH } from '../lib/dag-node-size.js';
import { useDagLayout } from '../lib/use-dag-layout.js';

interface Props {
  tasks: readonly TaskDefinition[];
  /** A task's status on a run page ("waiting" before its first attempt); none on a definition page. */
  statusOf?: (name: string) => string | undefined;
  selected?: string | undefined;
  onSelect: (name: string) => void;
  label: string;
}

/**
 * Above this many tasks no graph is drawn: dagre needs seconds per thousand
 * tasks (half a minute for 10,000 on this project's 2-core machine) and the
 * picture is past reading; the timeline lists every task instead.
 */
const MAX_DRAWN = 2000;

/**
 * A DAG laid out by dagre: edges in SVG, tasks as buttons over it (so they
 * take keyboard focus and their names stay plain text).
 */
export function DagGraph(props: Props) {
  if (props.tasks.length > MAX_DRAWN) {
    return (
      <section className="dag-scroll" aria-label={props.label}>
        <p className="muted">
          {props.tasks.length.toLocaleString()} tasks are too many to draw as a graph (the most is{' '}
          {MAX_DRAWN.toLocaleString()}); the timeline lists every one.
        </p>
      </section>
    );
  }
  return <DrawnGraph {...props} />;
}

function DrawnGraph({ tasks, statusOf, selected, onSelect, label }: Props) {
  const dag = useDagLayout(tasks);
  if (!dag) {
    return (
      <section className="dag-scroll" aria-label={label} aria-busy="true">
        <p className="muted">Laying out {tasks.length} tasks…</p>
      </section>
    );
  }
  return (
    <section className="dag-scroll" aria-label={label}>
      <div className="dag" style={{ width: dag.width, height: dag.height }}>
        <svg width={dag.width} height={dag.height} aria-hidden="true" className="dag-edges">
          <defs>
            <marker
              id="dag-arrow"
              viewBox="0 0 8 8"
              refX="8"
              refY="4"
              markerWidth="8"
              markerHeight="8"
              orient="auto"
            >
              <path d="M0,0 L8,4 L0,8 z" />
            </marker>
          </defs>
          {dag.edges.map((e) => (
            <path
              key={`${e.from}\u0000${e.to}`}
              d={e.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ')}
              className={e.successRequired ? 'edge' : 'edge edge-any'}
              markerEnd="url(#dag-arrow)"
            />
          ))}
        </svg>
        {dag.nodes.map((n) => {
          const status = statusOf?.(n.name);
          return (
            <button
              type="button"
              key={n.name}
              className={`dag-node${status ? ` status-${status}` : ''}${selected === n.name ? ' selected' : ''}`}
              style={{ left: n.x, top: n.y, width: NODE_WIDTH, height: NODE_HEIGHT }}
              onClick={() => onSelect(n.name)}
              aria-pressed={selected === n.name}
              title={status ? `${n.name}: ${status}` : n.name}
              data-task={n.name}
              data-status={status}
            >
              <span className="dag-node-name">{n.name}</span>
              {status && <span className="dag-node-status">{status}</span>}
            </button>
          );
        })}
      </div>
    </section>
  );
}
