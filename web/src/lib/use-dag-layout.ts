import { useEffect, useMemo, useState } from 'react';
import type { TaskDefinition } from '../api/types.js';
import type { DagLayout } from './dag-layout.js';

/** Up to this many tasks the layout takes milliseconds: done on the page's own thread. */
const IN_PLACE_LIMIT = 60;
const CACHE_PREFIX = 'sundial.dag-layout.';

/** The graph's shape as text: names and dependencies are all the layout depends on. */
function shapeKey(tasks: readonly TaskDefinition[]): string {
  const shape = tasks
    .map(
      (t) =>
        `${t.task_definition_name}<${t.dependencies.map((d) => `${d.task_definition_name}:${d.success_required !== false}`).join(',')}`,
    )
    .join('\n');
  // FNV-1a: a short, stable key for the cache.
  let hash = 0x811c9dc5;
  for (let i = 0; i < shape.length; i++) hash = Math.imul(hash ^ shape.charCodeAt(i), 0x01000193);
  return `${CACHE_PREFIX}${tasks.length}.${(hash >>> 0).toString(36)}`;
}

function cached(key: string): DagLayout | undefined {
  try {
    const text = sessionStorage.getItem(key);
    return text ? (JSON.parse(text) as DagLayout) : undefined;
  } catch {
    return undefined;
  }
}

function remember(key: string, layout: DagLayout): void {
  try {
    sessionStorage.setItem(key, JSON.stringify(layout));
  } catch {
    // Storage full or disabled: the next visit lays the graph out again.
  }
}

/**
 * A DAG's layout: computed in place for small graphs; for big ones in a Web
 * Worker, and kept for the browser session so a reload or another run of the
 * same definition draws at once. Undefined until it is ready: the layout
 * code (dagre) is fetched when a graph is first drawn, not with the page.
 *
 * @example
 * const layout = useDagLayout(definition.task_definitions);
 */
export function useDagLayout(tasks: readonly TaskDefinition[]): DagLayout | undefined {
  const small = tasks.length <= IN_PLACE_LIMIT;
  const key = useMemo(() => shapeKey(tasks), [tasks]);
  const stored = useMemo(() => (small ? undefined : cached(key)), [small, key]);
  const [computed, setComputed] = useState<{ key: string; layout: DagLayout }>();
  useEffect(() => {
    if (stored) return;
    if (small) {
      let gone = false;
      void import('./dag-layout.js').then(({ layoutDag }) => {
        if (!gone) setComputed({ key, layout: layoutDag(tasks) });
      });
      return () => {
        gone = true;
      };
    }
    const worker = new Worker(new URL('./dag-layout.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<DagLayout>) => {
      remember(key, event.data);
      setComputed({ key, layout: event.data });
      worker.terminate();
    };
    worker.postMessage(tasks);
    return () => worker.terminate();
  }, [tasks, key, small, stored]);
  return stored ?? (computed?.key === key ? computed.layout : undefined);
}
