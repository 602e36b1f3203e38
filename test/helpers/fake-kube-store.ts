/**
 * The object store of the fake Kubernetes API server: objects in memory per
 * (kind, namespace, name), server-side apply with field ownership per
 * manager (conflicts, force, removal of fields a manager stops applying),
 * metadata.generation bumped on spec changes only, resourceVersion bumped on
 * any change, immutable fields refused with 422 as the real server does, and
 * label selectors for lists. Lists (arrays) are atomic, a simplification of
 * the real list-map merge that the objects used here do not notice.
 */
import { randomUUID } from "node:crypto";
import {
  ApiError,
  apiVersionOf,
  canonical,
  checkImmutable,
  clone,
  isObject,
  type Json,
  type JsonObject,
  labelsOf,
  metaOf,
  parseSelector,
  type ResourceInfo,
} from "./fake-kube-resources.js";

type Path = readonly string[];
const SERVER_SET = new Set(["resourceVersion", "uid", "generation", "creationTimestamp", "managedFields"]);

/** Leaf paths of an applied configuration; identity fields and server-set metadata are nobody's. */
function leaves(obj: JsonObject, prefix: Path = []): Path[] {
  const out: Path[] = [];
  for (const [key, value] of Object.entries(obj)) {
    const path = [...prefix, key];
    if (prefix.length === 0 && (key === "apiVersion" || key === "kind" || key === "status")) continue;
    if (prefix.length === 1 && prefix[0] === "metadata" && (key === "name" || key === "namespace")) continue;
    if (prefix.length === 1 && prefix[0] === "metadata" && SERVER_SET.has(key)) continue;
    if (isObject(value) && Object.keys(value).length > 0) out.push(...leaves(value, path));
    else out.push(path);
  }
  return out;
}

function getAt(obj: JsonObject, path: Path): Json | undefined {
  let cur: Json | undefined = obj;
  for (const key of path) cur = isObject(cur) ? cur[key] : undefined;
  return cur;
}

function setAt(obj: JsonObject, path: Path, value: Json): void {
  let cur = obj;
  for (const key of path.slice(0, -1)) {
    const next = cur[key];
    if (isObject(next)) cur = next;
    else {
      const fresh: JsonObject = {};
      cur[key] = fresh;
      cur = fresh;
    }
  }
  const last = path.at(-1);
  if (last !== undefined) cur[last] = clone(value);
}

/** Removes the leaf and the parents it leaves empty (never metadata itself). */
function deleteAt(obj: JsonObject, path: Path): void {
  const chain: JsonObject[] = [obj];
  for (const key of path.slice(0, -1)) {
    const next = chain.at(-1)?.[key];
    if (!isObject(next)) return;
    chain.push(next);
  }
  for (let i = path.length - 1; i >= 0; i--) {
    const parent = chain[i];
    const key = path[i];
    if (!parent || key === undefined) return;
    delete parent[key];
    if (Object.keys(parent).length > 0 || i === 0) return;
    if (i === 1 && path[0] === "metadata") return;
  }
}

/** managedFields' FieldsV1: `{"f:spec":{"f:replicas":{}}}`. */
function fieldsV1(paths: Iterable<string>): JsonObject {
  const root: JsonObject = {};
  for (const p of paths)
    setAt(
      root,
      (JSON.parse(p) as string[]).map((k) => `f:${k}`),
      {},
    );
  return root;
}

const dotted = (p: string): string => `.${(JSON.parse(p) as string[]).join(".")}`;

interface Entry {
  object: JsonObject;
  /** manager -> owned leaf paths (JSON-encoded arrays). */
  owners: Map<string, { paths: Set<string>; operation: "Apply" | "Update" }>;
}

export interface ApplyResult {
  readonly object: JsonObject;
  readonly created: boolean;
  readonly generationChanged: boolean;
}

export class ObjectStore {
  private readonly entries = new Map<string, Entry>();
  private version = 1000;

  private key(r: ResourceInfo, namespace: string | undefined, name: string): string {
    return `${r.kind}/${r.namespaced ? (namespace ?? "") : ""}/${name}`;
  }

  get(r: ResourceInfo, namespace: string | undefined, name: string): JsonObject | undefined {
    return this.entries.get(this.key(r, namespace, name))?.object;
  }

  list(r: ResourceInfo, namespace: string | undefined, selector = ""): JsonObject[] {
    const match = parseSelector(selector);
    return [...this.entries.values()]
      .map((e) => e.object)
      .filter((o) => o.kind === r.kind)
      .filter((o) => !r.namespaced || namespace === undefined || metaOf(o).namespace === namespace)
      .filter((o) => match(labelsOf(o)))
      .sort((a, b) => String(metaOf(a).name).localeCompare(String(metaOf(b).name)));
  }

  all(): JsonObject[] {
    return [...this.entries.values()].map((e) => e.object);
  }

  get resourceVersion(): string {
    return String(this.version);
  }

  /** Server-side apply of `config` by `manager`. */
  apply(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    config: JsonObject,
    manager: string,
    force: boolean,
    operation: "Apply" | "Update" = "Apply",
  ): ApplyResult {
    this.checkNamespace(r, namespace);
    const key = this.key(r, namespace, name);
    const existing = this.entries.get(key);
    const before = existing ? clone(existing.object) : undefined;
    const entry: Entry = existing ?? { object: {}, owners: new Map() };
    const next = clone(entry.object);
    const paths = new Set(leaves(config).map((p) => JSON.stringify(p)));
    const conflicts = this.conflicts(entry, next, config, paths, manager);
    if (conflicts.length > 0 && !force) throw conflictError(conflicts, apiVersionOf(r));
    for (const c of conflicts) entry.owners.get(c.manager)?.paths.delete(c.path);
    const mine = entry.owners.get(manager)?.paths ?? new Set<string>();
    for (const p of mine) {
      const sharedWith = [...entry.owners].some(([m, o]) => m !== manager && o.paths.has(p));
      if (!paths.has(p) && !sharedWith) deleteAt(next, JSON.parse(p) as string[]);
    }
    for (const p of paths) {
      const path = JSON.parse(p) as string[];
      setAt(next, path, getAt(config, path) ?? null);
    }
    checkImmutable(r, name, before, next);
    entry.owners.set(manager, { paths, operation });
    return this.commit(key, entry, r, namespace, name, before, next);
  }

  private conflicts(
    entry: Entry,
    current: JsonObject,
    config: JsonObject,
    paths: Set<string>,
    manager: string,
  ) {
    const out: { manager: string; path: string }[] = [];
    for (const [other, owned] of entry.owners) {
      if (other === manager) continue;
      for (const p of owned.paths) {
        const path = JSON.parse(p) as string[];
        if (paths.has(p) && canonical(getAt(current, path)) !== canonical(getAt(config, path)))
          out.push({ manager: other, path: p });
      }
    }
    return out;
  }

  private commit(
    key: string,
    entry: Entry,
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    before: JsonObject | undefined,
    next: JsonObject,
  ): ApplyResult {
    const metadata: JsonObject = isObject(next.metadata) ? next.metadata : {};
    next.apiVersion = apiVersionOf(r);
    next.kind = r.kind;
    next.metadata = metadata;
    metadata.name = name;
    if (r.namespaced && namespace !== undefined) metadata.namespace = namespace;
    const specChanged = before !== undefined && canonical(bodyOf(before)) !== canonical(bodyOf(next));
    if (!before) {
      metadata.uid = randomUUID();
      metadata.creationTimestamp = new Date().toISOString();
      metadata.generation = 1;
    } else if (specChanged) metadata.generation = Number(metadata.generation ?? 1) + 1;
    metadata.managedFields = [...entry.owners].map(([manager, owned]) => ({
      manager,
      operation: owned.operation,
      apiVersion: apiVersionOf(r),
      fieldsType: "FieldsV1",
      fieldsV1: fieldsV1(owned.paths),
    }));
    const changed = !before || canonical(withoutVersion(before)) !== canonical(withoutVersion(next));
    if (changed) metadata.resourceVersion = String(++this.version);
    entry.object = next;
    this.entries.set(key, entry);
    return { object: next, created: !before, generationChanged: !before || specChanged };
  }

  private checkNamespace(r: ResourceInfo, namespace: string | undefined): void {
    if (!r.namespaced || namespace === undefined) return;
    const ns = this.entries.get(`Namespace//${namespace}`)?.object;
    if (!ns)
      throw new ApiError(404, "NotFound", `namespaces "${namespace}" not found`, {
        name: namespace,
        kind: "namespaces",
      });
    if (metaOf(ns).deletionTimestamp) {
      throw new ApiError(
        403,
        "Forbidden",
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  /** Writes the status subresource, as a controller does. */
  setStatus(r: ResourceInfo, namespace: string | undefined, name: string, status: JsonObject): void {
    const entry = this.entries.get(this.key(r, namespace, name));
    if (!entry) return;
    entry.object.status = status;
    const metadata = entry.object.metadata;
    if (isObject(metadata)) metadata.resourceVersion = String(++this.version);
  }

  markDeleting(r: ResourceInfo, name: string): void {
    const entry = this.entries.get(this.key(r, undefined, name));
    const metadata = entry?.object.metadata;
    if (!entry || !isObject(metadata)) return;
    metadata.deletionTimestamp = new Date().toISOString();
    entry.object.status = { phase: "Terminating" };
    metadata.resourceVersion = String(++this.version);
  }

  remove(r: ResourceInfo, namespace: string | undefined, name: string): JsonObject | undefined {
    const key = this.key(r, namespace, name);
    const found = this.entries.get(key)?.object;
    this.entries.delete(key);
    if (r.kind === "Namespace") {
      for (const [k, e] of this.entries) if (metaOf(e.object).namespace === name) this.entries.delete(k);
    }
    return found;
  }
}

function bodyOf(o: JsonObject): JsonObject {
  const { metadata: _m, status: _s, ...body } = o;
  return body;
}

function withoutVersion(o: JsonObject): JsonObject {
  const { managedFields: _f, resourceVersion: _v, ...metadata } = metaOf(o);
  return { ...o, metadata };
}

function conflictError(conflicts: { manager: string; path: string }[], apiVersion: string): ApiError {
  const lines = conflicts.map((c) => `conflict with "${c.manager}" using ${apiVersion}: ${dotted(c.path)}`);
  return new ApiError(
    409,
    "Conflict",
    `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? "s" : ""}: ${lines.join("\n")}`,
    {
      causes: conflicts.map((c) => ({
        reason: "FieldManagerConflict",
        message: `conflict with "${c.manager}" using ${apiVersion}`,
        field: dotted(c.path),
      })),
    },
  );
}
