/**
 * The verbs of the fake Kubernetes API server on one resource: GET (one or a
 * list with a label selector), DELETE (404 when absent; Namespaces terminate
 * first), and server-side apply PATCH (content type, fieldManager and force
 * checked as the real server does), plus the faults injected per object name.
 */

import { parse as parseYaml } from "yaml";
import type { Controllers, FakeFault } from "./fake-kube-controllers.js";
import {
  ApiError,
  apiVersionOf,
  isObject,
  type JsonObject,
  RESOURCES,
  type ResourceInfo,
} from "./fake-kube-resources.js";
import type { ObjectStore } from "./fake-kube-store.js";

export type Fault = FakeFault & { used?: number; dropped?: number };

export function status(code: number, reason: string, message: string, details: JsonObject = {}): JsonObject {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    details,
    code,
  };
}

export interface Target {
  readonly resource: ResourceInfo;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
}

/** `/apis/apps/v1/namespaces/shop/deployments/web` -> deployments "web" in "shop". */
export function parseTarget(path: string): Target | undefined {
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/(.*)$/.exec(path);
  if (!m) return undefined;
  const group = m[2] ?? "";
  const version = m[1] ?? m[3] ?? "";
  const parts = (m[4] ?? "").split("/").filter(Boolean).map(decodeURIComponent);
  const namespaced = parts[0] === "namespaces" && parts.length >= 3;
  const [plural, name] = namespaced ? parts.slice(2) : parts;
  const resource = RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
  if (!resource || (namespaced ? parts.length > 4 : parts.length > 2)) return undefined;
  return { resource, namespace: namespaced ? parts[1] : undefined, name };
}

/** `metadata.name=web` (what kubectl sends); other field selectors are refused, as unknown fields are. */
function fieldSelector(selector: string): (o: JsonObject) => boolean {
  if (!selector) return () => true;
  const m = /^metadata\.(name|namespace)==?(.+)$/.exec(selector);
  if (!m) throw new ApiError(400, "BadRequest", `field label not supported: ${selector.split("=")[0]}`);
  const [, field = "", value] = m;
  return (o) => isObject(o.metadata) && o.metadata[field] === value;
}

function notFound(t: Target): ApiError {
  const group = t.resource.group ? `.${t.resource.group}` : "";
  return new ApiError(404, "NotFound", `${t.resource.plural}${group} "${t.name}" not found`, {
    name: t.name ?? "",
    group: t.resource.group,
    kind: t.resource.plural,
  });
}

export function serve(
  store: ObjectStore,
  controllers: Controllers,
  t: Target,
  method: string,
  query: URLSearchParams,
  body: string,
  contentType: string | undefined,
  fault: Fault | undefined,
): { code: number; body: JsonObject } {
  const r = t.resource;
  if (method === "GET" && t.name === undefined) {
    if (query.get("watch") === "true" || query.get("watch") === "1")
      throw new ApiError(405, "MethodNotAllowed", "the fake API server serves no watches: poll instead");
    const selector = query.get("labelSelector") ?? "";
    const all =
      r.kind === "Pod" ? controllers.pods(t.namespace ?? "", selector) : store.list(r, t.namespace, selector);
    const items = all.filter(fieldSelector(query.get("fieldSelector") ?? ""));
    return {
      code: 200,
      body: {
        kind: `${r.kind}List`,
        apiVersion: apiVersionOf(r),
        metadata: { resourceVersion: store.resourceVersion },
        items,
      },
    };
  }
  if (t.name === undefined)
    throw new ApiError(405, "MethodNotAllowed", `${method} is not supported on a collection here`);
  if (method === "GET") {
    const found = store.get(r, t.namespace, t.name);
    if (!found) throw notFound(t);
    return { code: 200, body: found };
  }
  if (method === "DELETE") return remove(store, controllers, t);
  if (method === "PATCH") return apply(store, controllers, t, query, body, contentType, fault);
  throw new ApiError(405, "MethodNotAllowed", `${method} is not supported by the fake API server`);
}

function remove(store: ObjectStore, controllers: Controllers, t: Target): { code: number; body: JsonObject } {
  const name = t.name ?? "";
  const found = store.get(t.resource, t.namespace, name);
  if (!found) throw notFound(t);
  if (t.resource.kind === "Namespace") controllers.onNamespaceDeleted(name);
  else store.remove(t.resource, t.namespace, name);
  const meta = isObject(found.metadata) ? found.metadata : {};
  return {
    code: 200,
    body: {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Success",
      details: { name, group: t.resource.group, kind: t.resource.plural, uid: meta.uid ?? "" },
    },
  };
}

function injected(t: Target, fault: Fault | undefined): ApiError | undefined {
  const f = fault?.patch;
  if (!fault || !f || (f.times !== undefined && (fault.used ?? 0) >= f.times)) return undefined;
  fault.used = (fault.used ?? 0) + 1;
  const what = `${t.resource.plural}${t.resource.group ? `.${t.resource.group}` : ""} "${t.name}"`;
  switch (f.status) {
    case 403:
      return new ApiError(
        403,
        "Forbidden",
        f.message ??
          `${what} is forbidden: User "ci" cannot patch resource "${t.resource.plural}" in API group "${t.resource.group}" in the namespace "${t.namespace}"`,
      );
    case 409:
      return new ApiError(
        409,
        "Conflict",
        f.message ??
          `Operation cannot be fulfilled on ${what}: the object has been modified; please apply your changes to the latest version and try again`,
      );
    case 422: {
      const field = f.field ?? "spec";
      const message = f.message ?? "Invalid value: rejected by the fake API server";
      return new ApiError(
        422,
        "Invalid",
        `${t.resource.kind}.${t.resource.group || "core"} "${t.name}" is invalid: ${field}: ${message}`,
        {
          name: t.name ?? "",
          kind: t.resource.kind,
          causes: [{ reason: "FieldValueInvalid", message, field }],
        },
      );
    }
    default:
      return new ApiError(
        f.status,
        f.status === 429 ? "TooManyRequests" : "InternalError",
        f.message ?? `fake failure ${f.status}`,
      );
  }
}

function apply(
  store: ObjectStore,
  controllers: Controllers,
  t: Target,
  query: URLSearchParams,
  body: string,
  contentType: string | undefined,
  fault: Fault | undefined,
): { code: number; body: JsonObject } {
  if (contentType?.split(";")[0] !== "application/apply-patch+yaml")
    throw new ApiError(
      415,
      "UnsupportedMediaType",
      `the fake API server only takes server-side apply, not ${contentType}`,
    );
  const manager = query.get("fieldManager");
  if (!manager)
    throw new ApiError(
      400,
      "BadRequest",
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
  const failure = injected(t, fault);
  if (failure) throw failure;
  const config: unknown = parseYaml(body);
  if (!isObject(config as JsonObject)) throw new ApiError(400, "BadRequest", "the body is not an object");
  const object = config as JsonObject;
  const meta = isObject(object.metadata) ? object.metadata : {};
  if (object.kind !== t.resource.kind || meta.name !== t.name)
    throw new ApiError(
      400,
      "BadRequest",
      `the body names ${object.kind} "${meta.name}", the URL ${t.resource.kind} "${t.name}"`,
    );
  const out = store.apply(
    t.resource,
    t.namespace,
    t.name ?? "",
    object,
    manager,
    query.get("force") === "true",
  );
  controllers.onApplied(t.resource.kind, out.object, out.generationChanged);
  return { code: out.created ? 201 : 200, body: out.object };
}
