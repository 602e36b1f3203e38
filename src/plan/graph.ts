/**
 * A dependency graph of named nodes: topological order, parallel levels,
 * and a cycle error that names the whole cycle.
 */
import { CodeError, PlanCycleError } from "../core/errors.js";

export interface GraphNode {
  readonly id: string;
  readonly dependsOn: readonly string[];
}

/** Finds one cycle among `ids` by depth-first search; returns it with the first node repeated last. */
function findCycle(nodes: ReadonlyMap<string, GraphNode>, ids: ReadonlySet<string>): string[] {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, "visiting");
    stack.push(id);
    for (const dep of nodes.get(id)?.dependsOn ?? []) {
      if (!ids.has(dep)) continue;
      const seen = state.get(dep);
      if (seen === "visiting") return [...stack.slice(stack.indexOf(dep)), dep];
      if (seen === undefined) {
        const found = visit(dep);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, "done");
    return undefined;
  };
  for (const id of [...ids].sort()) {
    if (state.has(id)) continue;
    const found = visit(id);
    if (found) return found;
  }
  return [...ids];
}

/**
 * Orders nodes so that every node comes after what it depends on, grouped in
 * levels whose nodes can run in parallel. Ties are broken by the input order,
 * so the result is deterministic. Throws PlanCycleError on a cycle.
 */
export function topologicalLevels<T extends GraphNode>(items: readonly T[]): T[][] {
  const nodes = new Map<string, T>();
  for (const item of items) {
    if (nodes.has(item.id)) throw new CodeError("PLAN_DUPLICATE", `two steps share the id "${item.id}"`);
    nodes.set(item.id, item);
  }
  const index = new Map(items.map((item, i) => [item.id, i]));
  const remaining = new Map<string, number>();
  const dependants = new Map<string, string[]>();
  for (const item of items) {
    let count = 0;
    for (const dep of new Set(item.dependsOn)) {
      if (!nodes.has(dep)) {
        throw new CodeError("PLAN_UNKNOWN_DEPENDENCY", `step "${item.id}" depends on unknown step "${dep}"`, {
          hint: "every dependsOn entry must name a service, database, cache, queue or bucket of the spec",
        });
      }
      count++;
      const list = dependants.get(dep);
      if (list) list.push(item.id);
      else dependants.set(dep, [item.id]);
    }
    remaining.set(item.id, count);
  }
  const levels: T[][] = [];
  let ready = items.filter((i) => remaining.get(i.id) === 0);
  let placed = 0;
  while (ready.length > 0) {
    levels.push(ready);
    placed += ready.length;
    const next = new Set<string>();
    for (const node of ready) {
      for (const d of dependants.get(node.id) ?? []) {
        const left = (remaining.get(d) ?? 0) - 1;
        remaining.set(d, left);
        if (left === 0) next.add(d);
      }
    }
    ready = [...next]
      .map((id) => nodes.get(id) as T)
      .sort((a, b) => (index.get(a.id) ?? 0) - (index.get(b.id) ?? 0));
  }
  if (placed < items.length) {
    const stuck = new Set(items.filter((i) => (remaining.get(i.id) ?? 0) > 0).map((i) => i.id));
    throw new PlanCycleError(findCycle(nodes, stuck));
  }
  return levels;
}

/** Topological order (levels flattened). */
export function topologicalOrder<T extends GraphNode>(items: readonly T[]): T[] {
  return topologicalLevels(items).flat();
}
