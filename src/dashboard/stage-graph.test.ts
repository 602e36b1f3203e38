import { describe, expect, it } from "vitest";
import { layoutStages } from "./stage-graph.js";
import { StageGraph } from "./views/stage-graph.js";

const steps = [
  { id: "network", action: "create", dependsOn: [] },
  { id: "db", action: "create", dependsOn: ["network"] },
  { id: "cache", action: "noop", dependsOn: ["network"] },
  { id: "web", action: "update", dependsOn: ["db", "cache"] },
  { id: "ingress", action: "create", dependsOn: ["web"] },
];

describe("the stage graph's layout (dagre)", () => {
  const graph = layoutStages(steps);
  const at = (id: string) => {
    const n = graph.nodes.find((x) => x.id === id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  };

  it("places every step, each to the right of the steps it waits for", () => {
    expect(graph.nodes.map((n) => n.id)).toEqual(steps.map((s) => s.id));
    for (const s of steps)
      for (const d of s.dependsOn)
        expect(at(s.id).x, `${d} -> ${s.id}`).toBeGreaterThan(at(d).x + at(d).width);
  });

  it("overlaps no two nodes and fits them in the drawing", () => {
    for (const a of graph.nodes) {
      expect(a.x + a.width).toBeLessThanOrEqual(graph.width);
      expect(a.y + a.height).toBeLessThanOrEqual(graph.height);
      for (const b of graph.nodes) {
        if (a === b) continue;
        const apart =
          a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart, `${a.id} and ${b.id}`).toBe(true);
      }
    }
  });

  it("draws one polyline per dependency, from the end of one node to the start of the next", () => {
    expect(graph.edges.map((e) => `${e.from}->${e.to}`).sort()).toEqual(
      ["cache->web", "db->web", "network->cache", "network->db", "web->ingress"].sort(),
    );
    for (const e of graph.edges) {
      expect(e.points.length).toBeGreaterThanOrEqual(2);
      expect(e.points[0]?.x).toBeCloseTo(at(e.from).x + at(e.from).width, 0);
      expect(e.points.at(-1)?.x).toBeCloseTo(at(e.to).x, 0);
    }
  });

  it("renders inline SVG with a title, a description and no inline style", () => {
    const html = String(
      StageGraph({
        steps: steps.map((s) => ({ ...s, description: s.id })),
        levels: [["network"], ["db", "cache"]],
      }),
    );
    expect(html).toMatch(/<svg role="img" aria-labelledby="stage-graph-title stage-graph-desc"/);
    expect(html).toContain('<title id="stage-graph-title">');
    expect(html).toContain("5 steps in 2 stages, 5 dependencies");
    expect(html).toContain('marker-end="url(#arrow)"');
    expect(html.match(/<polyline/g)).toHaveLength(5);
    expect(html).not.toContain("style=");
  });
});
