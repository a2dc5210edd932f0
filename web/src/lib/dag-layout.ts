import { Graph, layout } from '@dagrejs/dagre';
import type { TaskDefinition } from '../api/types.js';
import { NODE_HEIGHT, NODE_WIDTH } from './dag-node-size.js';

export interface PlacedNode {
  name: string;
  /** Top-left corner, in pixels. */
  x: number;
  y: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  /** False for a dependency that runs whatever its upstream's outcome (drawn dashed). */
  successRequired: boolean;
  points: { x: number; y: number }[];
}

export interface DagLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

/** Above this many tasks dagre ranks by longest path: network simplex costs seconds there, for little gain. */
const SIMPLEX_LIMIT = 150;

/**
 * Places a DAG's tasks left to right with dagre (a layered layout: every
 * task right of what it depends on, few crossings).
 *
 * @example
 * const { nodes, edges } = layoutDag(definition.task_definitions);
 */
export function layoutDag(tasks: readonly TaskDefinition[]): DagLayout {
  const g = new Graph();
  g.setGraph({
    rankdir: 'LR',
    nodesep: 14,
    ranksep: 48,
    marginx: 8,
    marginy: 8,
    ranker: tasks.length > SIMPLEX_LIMIT ? 'longest-path' : 'network-simplex',
  });
  g.setDefaultEdgeLabel(() => ({}));
  for (const t of tasks) g.setNode(t.task_definition_name, { width: NODE_WIDTH, height: NODE_HEIGHT });
  const known = new Set(tasks.map((t) => t.task_definition_name));
  for (const t of tasks) {
    for (const d of t.dependencies) {
      // A filtered trigger drops dependencies outside its subset; be safe with any leftovers.
      if (known.has(d.task_definition_name)) g.setEdge(d.task_definition_name, t.task_definition_name);
    }
  }
  layout(g);
  const nodes = tasks.map((t) => {
    const n = g.node(t.task_definition_name);
    return { name: t.task_definition_name, x: n.x - NODE_WIDTH / 2, y: n.y - NODE_HEIGHT / 2 };
  });
  const edges = tasks.flatMap((t) =>
    t.dependencies
      .filter((d) => known.has(d.task_definition_name))
      .map((d) => ({
        from: d.task_definition_name,
        to: t.task_definition_name,
        successRequired: d.success_required !== false,
        points: g.edge(d.task_definition_name, t.task_definition_name)?.points ?? [],
      })),
  );
  const graph = g.graph();
  return { nodes, edges, width: graph.width ?? 0, height: graph.height ?? 0 };
}
