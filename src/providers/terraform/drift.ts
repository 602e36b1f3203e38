/**
 * `codeploy drift` on terraform: two saved plans of the last applied
 * revision's module, neither applied and neither taking the state lock
 * (`-lock=false`), so nothing is written to the state or the cloud:
 * - `plan -refresh-only`: its `resource_drift` is what changed outside
 *   Terraform, relative to the state (a resource deleted, an attribute edited);
 * - a normal plan: its `resource_changes` is what an apply would change to
 *   restore the module (a state edited by hand, a resource missing).
 * Both are read into attribute-level items by the pure functions below.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { type DriftItem, pointer } from "../../engine/drift.js";
import { type RunContext, ready } from "./module-run.js";

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === "string") : []);

/** Most attribute items reported for one resource; the rest is summed up in one item. */
const MAX_PER_RESOURCE = 50;
const SENSITIVE = "(sensitive)";

/** Leaf paths where `a` and `b` differ (a whole list when its length changed). */
function differences(a: unknown, b: unknown, path: (string | number)[], out: (string | number)[][]): void {
  if (out.length > MAX_PER_RESOURCE) return;
  if (isRecord(a) && isRecord(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)]))
      differences(a[key], b[key], [...path, key], out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (const [i, item] of a.entries()) differences(item, b[i], [...path, i], out);
    return;
  }
  if (JSON.stringify(a ?? null) !== JSON.stringify(b ?? null)) out.push(path);
}

function at(value: unknown, path: readonly (string | number)[]): unknown {
  let here = value;
  for (const key of path) {
    if (Array.isArray(here) && typeof key === "number") here = here[key];
    else if (isRecord(here) && typeof key === "string") here = here[key];
    else return undefined;
  }
  return here;
}

/** Terraform marks sensitive (and unknown) values with `true` at their path or above it. */
function sensitiveAt(marks: unknown, path: readonly (string | number)[]): boolean {
  let here = marks;
  for (const key of path) {
    if (here === true) return true;
    here = at(here, [key]);
  }
  return here === true;
}

interface Change {
  readonly address: string;
  readonly type: string;
  readonly actions: string[];
  readonly before: unknown;
  readonly after: unknown;
  readonly beforeSensitive: unknown;
  readonly afterSensitive: unknown;
  /** Values known only after apply (`after_unknown`): no drift can be told there. */
  readonly afterUnknown: unknown;
}

function changesOf(plan: unknown, key: "resource_drift" | "resource_changes"): Change[] {
  const list = isRecord(plan) && Array.isArray(plan[key]) ? plan[key] : [];
  return list.flatMap((raw): Change[] => {
    if (!isRecord(raw) || raw.mode === "data" || !isRecord(raw.change)) return [];
    const c = raw.change;
    return [
      {
        address: String(raw.address ?? ""),
        type: String(raw.type ?? ""),
        actions: strings(c.actions),
        before: c.before,
        after: c.after,
        beforeSensitive: c.before_sensitive,
        afterSensitive: c.after_sensitive,
        afterUnknown: c.after_unknown,
      },
    ];
  });
}

function attributeItems(
  c: Change,
  expected: { value: unknown; marks: unknown },
  actual: { value: unknown; marks: unknown },
): DriftItem[] {
  const found: (string | number)[][] = [];
  differences(expected.value, actual.value, [], found);
  const paths = found.filter((p) => !sensitiveAt(c.afterUnknown, p));
  const show = (side: { value: unknown; marks: unknown }, path: (string | number)[]) =>
    sensitiveAt(side.marks, path) ? SENSITIVE : at(side.value, path);
  const items = paths.slice(0, MAX_PER_RESOURCE).map(
    (path): DriftItem => ({
      kind: c.type,
      name: c.address,
      change: "changed",
      path: pointer(...path),
      expected: show(expected, path),
      actual: show(actual, path),
    }),
  );
  if (paths.length > MAX_PER_RESOURCE)
    items.push({
      kind: c.type,
      name: c.address,
      change: "changed",
      path: "",
      actual: "more attributes differ",
    });
  return items;
}

/** `resource_drift` of a refresh-only plan: before is the state, after is what runs. */
export function refreshDrift(plan: unknown): DriftItem[] {
  return changesOf(plan, "resource_drift").flatMap((c): DriftItem[] => {
    if (c.actions.includes("delete")) return [{ kind: c.type, name: c.address, change: "missing", path: "" }];
    if (!c.actions.includes("update")) return [];
    return attributeItems(
      c,
      { value: c.before, marks: c.beforeSensitive },
      { value: c.after, marks: c.afterSensitive },
    );
  });
}

/** `resource_changes` of a normal plan: before is what runs (refreshed), after is the module. */
export function configDrift(plan: unknown): DriftItem[] {
  return changesOf(plan, "resource_changes").flatMap((c): DriftItem[] => {
    const has = (a: string) => c.actions.includes(a);
    if (has("create") && !has("delete"))
      return [{ kind: c.type, name: c.address, change: "missing", path: "" }];
    if (has("delete") && !has("create"))
      return [{ kind: c.type, name: c.address, change: "extra", path: "" }];
    if (!has("update") && !has("create")) return [];
    return attributeItems(
      c,
      { value: c.after, marks: c.afterSensitive },
      { value: c.before, marks: c.beforeSensitive },
    );
  });
}

/** Both plans' items, each difference once (the refresh-only one first: it says what changed outside). */
export function mergeDrift(refresh: readonly DriftItem[], config: readonly DriftItem[]): DriftItem[] {
  const seen = new Set(refresh.map((i) => JSON.stringify([i.name, i.path])));
  return [...refresh, ...config.filter((i) => !seen.has(JSON.stringify([i.name, i.path])))];
}

/** Runs the two plans in the workspace (inside its exclusive section) and reads them. */
export async function moduleDrift(run: RunContext): Promise<DriftItem[]> {
  const cli = await ready(run);
  const call = { signal: run.signal };
  const refreshFile = join(run.ws.planDir, `drift-refresh-r${run.revision}.tfplan`);
  const planFile = join(run.ws.planDir, `drift-r${run.revision}.tfplan`);
  try {
    await cli.plan({ out: refreshFile, refreshOnly: true, lock: false, ...call });
    const refresh = refreshDrift(await cli.showPlanJson(refreshFile, call));
    await cli.plan({ out: planFile, lock: false, ...call });
    const config = configDrift(await cli.showPlanJson(planFile, call));
    return mergeDrift(refresh, config);
  } finally {
    await rm(refreshFile, { force: true });
    await rm(planFile, { force: true });
  }
}
