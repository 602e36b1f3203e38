/**
 * The plan's step graph laid out on the server by dagre (a layered, Sugiyama-style layout):
 * positions for every step and a polyline for every dependency, drawn as inline SVG by
 * views/stage-graph.tsx. The page gets no script for it, and nothing leaves the origin.
 */
import { graphlib, layout } from "@dagrejs/dagre";

export interface GraphStep {
  readonly id: string;
  readonly action: string;
  readonly dependsOn: readonly string[];
}

export interface PlacedNode {
  readonly id: string;
  readonly action: string;
  /** Top-left corner and size, in SVG units. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PlacedEdge {
  readonly from: string;
  readonly to: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

export interface StageGraphLayout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
}

const NODE_HEIGHT = 40;
const CHAR_WIDTH = 7.5;
const PADDING = 24;
const MARGIN = 8;

export function layoutStages(steps: readonly GraphStep[]): StageGraphLayout {
  const g = new graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 16, ranksep: 48, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  const known = new Set(steps.map((s) => s.id));
  for (const s of steps) {
    const longest = Math.max(s.id.length, s.action.length);
    g.setNode(s.id, { width: Math.ceil(longest * CHAR_WIDTH) + PADDING, height: NODE_HEIGHT });
  }
  // Only dependencies on steps of this plan are drawn (a dependency is always one; stay safe).
  for (const s of steps) for (const d of s.dependsOn) if (known.has(d)) g.setEdge(d, s.id);
  layout(g);
  const nodes = steps.map((s): PlacedNode => {
    const n = g.node(s.id);
    return {
      id: s.id,
      action: s.action,
      x: round(n.x - n.width / 2),
      y: round(n.y - n.height / 2),
      width: n.width,
      height: n.height,
    };
  });
  const edges = g.edges().map(
    (e: { v: string; w: string }): PlacedEdge => ({
      from: e.v,
      to: e.w,
      points: (g.edge(e).points ?? []).map((p: { x: number; y: number }) => ({
        x: round(p.x),
        y: round(p.y),
      })),
    }),
  );
  const size = g.graph();
  return { width: Math.ceil(size.width ?? 0), height: Math.ceil(size.height ?? 0), nodes, edges };
}

const round = (n: number) => Math.round(n * 10) / 10;
