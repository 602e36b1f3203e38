/**
 * A request may lower a configured limit, never raise it: a value above the
 * ceiling is refused with 400 naming the ceiling and where it is configured.
 */
import { CodeError } from "../core/errors.js";

/** `requested` when it is within `ceiling` (or no ceiling is set), else LIMIT_EXCEEDED (400 on the API). */
export function lowerOnly(
  field: string,
  requested: number | undefined,
  ceiling: number | undefined,
  setting: string,
): number | undefined {
  if (requested === undefined) return ceiling;
  if (ceiling === undefined || requested <= ceiling) return requested;
  throw new CodeError("LIMIT_EXCEEDED", `${field} ${requested} is above the configured limit of ${ceiling}`, {
    hint: `send ${field} <= ${ceiling}, or leave it out to get ${ceiling} (${setting} in codeploy.yaml)`,
    details: { field, requested, limit: ceiling, setting },
  });
}

const COMPONENT_LISTS = ["services", "databases", "caches", "queues", "buckets"] as const;

/**
 * Refuses a spec with more components than server.maxComponents (413 on the API) before it is
 * validated or planned: one request must not hold the server's planning for long.
 */
export function checkComponentCount(spec: unknown, max: number): void {
  if (spec === null || typeof spec !== "object") return;
  const lists: Record<string, unknown> = { ...spec };
  const count = COMPONENT_LISTS.reduce((n, key) => {
    const list = lists[key];
    return n + (Array.isArray(list) ? list.length : 0);
  }, 0);
  if (count <= max) return;
  throw new CodeError(
    "TOO_MANY_COMPONENTS",
    `the spec has ${count} components (services, databases, caches, queues and buckets); this server accepts at most ${max} (server.maxComponents)`,
    {
      hint: "split the app into several specs, or raise server.maxComponents in codeploy.yaml",
      details: { components: count, limit: max },
    },
  );
}
