import { describe, expect, it } from "vitest";
import { PlanCycleError } from "../core/errors.js";
import { topologicalLevels, topologicalOrder } from "./graph.js";

const node = (id: string, ...dependsOn: string[]) => ({ id, dependsOn });

describe("topologicalLevels", () => {
  it("puts every node after its dependencies, in parallel levels", () => {
    const levels = topologicalLevels([
      node("web", "db", "net"),
      node("db", "net"),
      node("net"),
      node("cache", "net"),
    ]);
    expect(levels.map((l) => l.map((n) => n.id))).toEqual([["net"], ["db", "cache"], ["web"]]);
  });

  it("keeps the input order among independent nodes", () => {
    expect(topologicalOrder([node("b"), node("a"), node("c")]).map((n) => n.id)).toEqual(["b", "a", "c"]);
  });

  it("names the whole cycle, first node repeated last", () => {
    const items = [node("net"), node("a", "net", "c"), node("b", "a"), node("c", "b"), node("d", "a")];
    try {
      topologicalLevels(items);
      expect.unreachable("a cycle must throw");
    } catch (error) {
      expect(error).toBeInstanceOf(PlanCycleError);
      const cycle = (error as PlanCycleError).cycle;
      expect(cycle[0]).toBe(cycle[cycle.length - 1]);
      expect(new Set(cycle)).toEqual(new Set(["a", "b", "c"]));
      expect(cycle).toHaveLength(4);
      expect((error as PlanCycleError).message).toMatch(/dependency cycle: [abc] -> [abc] -> [abc] -> [abc]/);
    }
  });

  it("reports a self-loop as a cycle of one", () => {
    expect(() => topologicalLevels([node("a", "a")])).toThrow("dependency cycle: a -> a");
  });

  it("refuses unknown dependencies and duplicate ids", () => {
    expect(() => topologicalLevels([node("a", "ghost")])).toThrow(/unknown step "ghost"/);
    expect(() => topologicalLevels([node("a"), node("a")])).toThrow(/share the id "a"/);
  });

  it("handles a wide graph of ten thousand nodes", () => {
    const items = [
      node("root"),
      ...Array.from({ length: 10_000 }, (_, i) => node(`n${i}`, "root", i > 0 ? `n${i - 1}` : "root")),
    ];
    const order = topologicalOrder(items);
    expect(order).toHaveLength(10_001);
    expect(order[10_000]?.id).toBe("n9999");
  });
});
