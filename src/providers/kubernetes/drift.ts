/**
 * `codeploy drift` on Kubernetes: each rendered object of the last applied
 * revision read back (GET; a LIST per kind finds extra objects), compared
 * field by field through server-side apply's managedFields. A field that the
 * `codeploy` manager still owns holds what codeploy applied (a differing
 * value there is the server's normal form, such as `0.1` for `100m`), and a
 * field the server filled in is in no rendered object: neither is drift. A
 * rendered field that another manager took over (kubectl edit, scale, a
 * controller) or that was removed is drift, reported with its path and the
 * manager that holds it now. Only `read` and `list` reach the cluster.
 */
import { type DriftItem, pointer } from "../../engine/drift.js";
import type { KubeObject } from "../../render/types.js";
import { FIELD_MANAGER, type KubeClient, type LiveObject, refOf } from "./client.js";
import { appSelector, LABELS } from "./objects.js";

/** What drift may call: reads only, so the type itself keeps it read-only. */
export type KubeReader = Pick<KubeClient, "read" | "list">;

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** A manager's FieldsV1 tree where the walk stands (undefined: it owns nothing here). */
interface Owner {
  readonly manager: string;
  readonly node: unknown;
}

const SECRET = "(secret)";
/** Most items reported for one object. */
const MAX_PER_OBJECT = 100;

function child(node: unknown, key: string): unknown {
  return isRecord(node) ? node[key] : undefined;
}

/** The `k:{...}` key of a list item in a FieldsV1 node: the one whose fields the item carries. */
function itemKey(nodes: readonly unknown[], item: Json): string | undefined {
  for (const node of nodes) {
    if (!isRecord(node)) continue;
    for (const key of Object.keys(node)) {
      if (!key.startsWith("k:")) continue;
      try {
        const fields: unknown = JSON.parse(key.slice(2));
        if (isRecord(fields) && Object.entries(fields).every(([k, v]) => item[k] === v)) return key;
      } catch {
        // not a key we can read: skip it
      }
    }
  }
  return undefined;
}

/** The key fields' values, for a readable path segment (`containers/web`). */
function segmentOf(key: string | undefined, index: number): string | number {
  if (key === undefined) return index;
  try {
    const fields: unknown = JSON.parse(key.slice(2));
    if (isRecord(fields)) return Object.values(fields).map(String).join(",");
  } catch {
    // fall through
  }
  return index;
}

/** The live list item with the same key fields (or at the same index when the list has no keys). */
function liveItem(key: string | undefined, index: number, list: readonly unknown[]): unknown {
  if (key === undefined) return list[index];
  const fields: unknown = JSON.parse(key.slice(2));
  return list.find(
    (x) => isRecord(x) && isRecord(fields) && Object.entries(fields).every(([k, v]) => x[k] === v),
  );
}

interface Walk {
  readonly object: KubeObject;
  readonly secret: boolean;
  readonly items: DriftItem[];
  readonly service: string | undefined;
}

function walk(
  w: Walk,
  rendered: unknown,
  live: unknown,
  ours: unknown,
  others: readonly Owner[],
  path: (string | number)[],
): void {
  if (w.items.length >= MAX_PER_OBJECT || rendered === undefined) return;
  const down = (key: string) => others.map((o) => ({ manager: o.manager, node: child(o.node, key) }));
  if (isRecord(rendered) && Object.keys(rendered).length > 0) {
    for (const [key, value] of Object.entries(rendered))
      walk(w, value, child(live, key), child(ours, `f:${key}`), down(`f:${key}`), [...path, key]);
    return;
  }
  if (
    Array.isArray(rendered) &&
    rendered.some(isRecord) &&
    !(isRecord(ours) && Object.keys(ours).length === 0)
  ) {
    const liveList = Array.isArray(live) ? live : [];
    rendered.forEach((item, index) => {
      if (!isRecord(item)) return;
      const key = itemKey([ours, ...others.map((o) => o.node)], item);
      walk(
        w,
        item,
        liveItem(key, index, liveList),
        key ? child(ours, key) : undefined,
        key ? down(key) : [],
        [...path, segmentOf(key, index)],
      );
    });
    return;
  }
  // A leaf (or an atomic list): codeploy still owning it means it holds what codeploy applied.
  if (ours !== undefined) return;
  if (JSON.stringify(rendered) === JSON.stringify(live)) return;
  // An empty list or map is not kept by the server (omitempty): absent is the same.
  if (
    live === undefined &&
    (Array.isArray(rendered) || isRecord(rendered)) &&
    Object.keys(rendered).length === 0
  )
    return;
  const holder = others.find((o) => o.node !== undefined)?.manager;
  w.items.push({
    kind: w.object.kind,
    name: `${w.object.kind}/${w.object.metadata.name}`,
    ...(w.service ? { service: w.service } : {}),
    change: "changed",
    path: pointer(...path),
    expected: w.secret ? SECRET : rendered,
    actual: w.secret && live !== undefined ? SECRET : live,
    ...(holder ? { manager: holder } : {}),
  });
}

/** One rendered object against its live copy. */
export function compareObject(rendered: KubeObject, live: LiveObject): DriftItem[] {
  const managed = live.metadata.managedFields ?? [];
  const ours = managed.find((m) => m.manager === FIELD_MANAGER && m.operation === "Apply")?.fieldsV1;
  const others = managed
    .filter((m) => !(m.manager === FIELD_MANAGER && m.operation === "Apply"))
    .map((m) => ({ manager: m.manager ?? "(unknown)", node: m.fieldsV1 }));
  const w: Walk = {
    object: rendered,
    secret: rendered.kind === "Secret",
    items: [],
    service: rendered.metadata.labels?.[LABELS.name],
  };
  const { apiVersion: _a, kind: _k, metadata, ...body } = rendered;
  // Of metadata, only what codeploy sets besides the identity: labels and annotations.
  const meta = { labels: metadata.labels, annotations: metadata.annotations };
  walk(w, { metadata: meta, ...body }, live, ours ?? {}, others, []);
  return w.items;
}

/** Every rendered object against the cluster; objects of the app's labels that are not rendered are extra. */
export async function kubeDrift(
  client: KubeReader,
  objects: readonly KubeObject[],
  id: { app: string; environment: string },
  signal: AbortSignal,
): Promise<DriftItem[]> {
  const items: DriftItem[] = [];
  const seen = new Set<string>();
  for (const o of objects) {
    const name = `${o.kind}/${o.metadata.name}`;
    seen.add(JSON.stringify([o.kind, o.metadata.namespace ?? "", o.metadata.name]));
    const service = o.metadata.labels?.[LABELS.name];
    const live = await client.read(refOf(o), signal);
    if (!live || live.metadata.deletionTimestamp) {
      items.push({ kind: o.kind, name, ...(service ? { service } : {}), change: "missing", path: "" });
      continue;
    }
    items.push(...compareObject(o, live));
  }
  const kinds = new Map<string, { apiVersion: string; kind: string; namespace: string | undefined }>();
  for (const o of objects)
    if (o.kind !== "Namespace")
      kinds.set(JSON.stringify([o.apiVersion, o.kind, o.metadata.namespace]), {
        apiVersion: o.apiVersion,
        kind: o.kind,
        namespace: o.metadata.namespace,
      });
  for (const k of kinds.values()) {
    const found = await client.list(
      k.apiVersion,
      k.kind,
      k.namespace,
      appSelector(id.app, id.environment),
      signal,
    );
    for (const live of found) {
      const key = JSON.stringify([k.kind, live.metadata.namespace ?? "", live.metadata.name]);
      if (seen.has(key)) continue;
      const service = live.metadata.labels?.[LABELS.name];
      items.push({
        kind: k.kind,
        name: `${k.kind}/${live.metadata.name}`,
        ...(service ? { service } : {}),
        change: "extra",
        path: "",
      });
    }
  }
  return items;
}
