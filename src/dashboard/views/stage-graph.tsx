/**
 * The plan's steps as a graph (laid out by dagre on the server, stage-graph.ts), inline SVG
 * with a title and a description; the ordered list of stages beside it is its text
 * alternative, for screen readers and the keyboard.
 */
import { layoutStages } from "../stage-graph.js";

export function StageGraph(props: {
  steps: readonly { id: string; action: string; dependsOn: readonly string[]; description: string }[];
  levels: readonly (readonly string[])[];
}) {
  const graph = layoutStages(props.steps);
  const edges = props.steps.reduce((n, s) => n + s.dependsOn.length, 0);
  return (
    <figure class="stage-graph">
      <svg
        role="img"
        aria-labelledby="stage-graph-title stage-graph-desc"
        viewBox={`0 0 ${graph.width} ${graph.height}`}
        width={graph.width}
        height={graph.height}
      >
        <title id="stage-graph-title">Step graph of the plan</title>
        <desc id="stage-graph-desc">
          {props.steps.length} steps in {props.levels.length} stages, {edges} dependencies; each arrow points
          from a step to one that waits for it. The same steps are listed by stage below.
        </desc>
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="10"
            refY="5"
            markerWidth="8"
            markerHeight="8"
            orient="auto"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
          </marker>
        </defs>
        {graph.edges.map((e) => (
          <polyline
            class="edge"
            points={e.points.map((p) => `${p.x},${p.y}`).join(" ")}
            marker-end="url(#arrow)"
          />
        ))}
        {graph.nodes.map((n) => (
          <g class={`node a-${n.action}`} transform={`translate(${n.x},${n.y})`}>
            <rect width={n.width} height={n.height} rx="4" />
            <text x={n.width / 2} y="16" text-anchor="middle" class="node-id">
              {n.id}
            </text>
            <text x={n.width / 2} y="32" text-anchor="middle" class="node-action">
              {n.action}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}
