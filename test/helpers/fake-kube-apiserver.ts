/**
 * A fake Kubernetes API server for tests: HTTPS on loopback (a private CA in
 * the kubeconfig it writes), bearer-token auth, the discovery documents that
 * clients read to map kinds to resources, and the verbs a deployer uses:
 * server-side apply PATCH, GET, LIST with label selectors, DELETE (404 when
 * absent), with rollouts that progress over time (fake-kube-controllers.ts).
 * Faults per object name: never ready, a status for PATCH (403, 409 once,
 * 422 with a field, 500 once...), slow answers. Real wire format throughout:
 * metav1.Status bodies, APIResourceList, List kinds, managedFields.
 *
 * Kept only for what a real API server does not do on demand; everything
 * else is tested on a real control plane (test/kube-real*.test.ts,
 * test/helm*.test.ts, scripts/kube-up.sh), 401, 403 and 422 included. The
 * faults it is kept for (src/providers/kubernetes/errors.test.ts): 500 and 409
 * once then success (the engine's retries), 429, an answer slower than the
 * request timeout, a request cancelled while the server stalls, a connection
 * that drops or is refused, a 422 that echoes a Secret's value (as a webhook
 * may), a Job that fails (kwok here completes every Job pod); and the request
 * log, which shows what reaches the wire (apply-patch content type, force,
 * field manager, order of the PATCHes, connection reuse). The benchmark also
 * uses it for a fixed rollout time, to measure the provider's own overhead
 * beside the real control plane (scripts/bench-kubernetes.mjs).
 * One known difference, found by the real server: its list items carry kind
 * and apiVersion, a real server's do not.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify as toYaml } from "yaml";
import { Controllers, type FakeFault } from "./fake-kube-controllers.js";
import { ApiError, apiVersionOf, isObject, type JsonObject, RESOURCES } from "./fake-kube-resources.js";
import { ObjectStore } from "./fake-kube-store.js";
import { FAKE_KUBE_CA, FAKE_KUBE_CERT, FAKE_KUBE_KEY } from "./fake-kube-tls.js";
import { type Fault, parseTarget, serve, status } from "./fake-kube-verbs.js";

export type { FakeFault } from "./fake-kube-controllers.js";
export type { JsonObject } from "./fake-kube-resources.js";

export interface FakeKubeOptions {
  /** Time a Deployment or StatefulSet takes to become ready after a change. @default 40 */
  readonly rolloutDelayMs?: number;
  /** @default 40 */
  readonly jobDelayMs?: number;
  /** How long a deleted Namespace stays Terminating. @default 30 */
  readonly namespaceDeleteDelayMs?: number;
  /** The kubeconfig's current context. @default "fake" */
  readonly currentContext?: string;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly contentType: string | undefined;
}

export interface FakeKubeApiServer {
  readonly url: string;
  /** Contexts: `fake` (valid token), `wrong-token` (401), `unreachable` (nothing listens). */
  readonly kubeconfigPath: string;
  readonly token: string;
  readonly requests: readonly RecordedRequest[];
  /** TLS connections accepted: fewer than requests when clients keep connections alive. */
  readonly connections: number;
  /** The stored object, as a GET would return it. */
  get(kind: string, namespace: string | undefined, name: string): JsonObject | undefined;
  /** Every stored object of a kind (all kinds when omitted). */
  objects(kind?: string): JsonObject[];
  /** Writes an object as another field manager would (kubectl, a controller). */
  put(object: JsonObject, manager: string): void;
  fault(name: string, fault: FakeFault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

const TOKEN = "fake-token-0123456789";

function send(res: ServerResponse, code: number, body: JsonObject): void {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function discovery(path: string): JsonObject | undefined {
  if (path === "/version")
    return { major: "1", minor: "31", gitVersion: "v1.31.0-codeploy-fake", platform: "linux/amd64" };
  if (path === "/api") return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] };
  const groups = [...new Set(RESOURCES.filter((r) => r.group).map((r) => apiVersionOf(r)))];
  if (path === "/apis") {
    return {
      kind: "APIGroupList",
      apiVersion: "v1",
      groups: groups.map((gv) => {
        const [name = "", version = ""] = gv.split("/");
        const v = { groupVersion: gv, version };
        return { name, versions: [v], preferredVersion: v };
      }),
    };
  }
  const gv = path.replace(/^\/apis?\//, "");
  const resources = RESOURCES.filter((r) => path.startsWith("/api") && apiVersionOf(r) === gv);
  if (resources.length === 0 || !/^\/(api\/v1|apis\/[^/]+\/[^/]+)$/.test(path)) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: gv,
    resources: resources.map((r) => ({
      name: r.plural,
      singularName: r.kind.toLowerCase(),
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
    })),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function writeKubeconfig(url: string, currentContext: string): string {
  const dir = mkdtempSync(join(tmpdir(), "codeploy-fake-kube-"));
  const path = join(dir, "config");
  const ca = Buffer.from(FAKE_KUBE_CA).toString("base64");
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: "fake", cluster: { server: url, "certificate-authority-data": ca } },
      // Port 1 on loopback: nothing listens, the connection is refused at once.
      { name: "nowhere", cluster: { server: "https://127.0.0.1:1", "certificate-authority-data": ca } },
    ],
    users: [
      { name: "fake-user", user: { token: TOKEN } },
      { name: "expired-user", user: { token: "expired-token" } },
    ],
    contexts: [
      { name: "fake", context: { cluster: "fake", user: "fake-user" } },
      { name: "wrong-token", context: { cluster: "fake", user: "expired-user" } },
      { name: "unreachable", context: { cluster: "nowhere", user: "fake-user" } },
    ],
    "current-context": currentContext,
  };
  writeFileSync(path, toYaml(config), { mode: 0o600 });
  return path;
}

export async function startFakeKubeApiServer(options: FakeKubeOptions = {}): Promise<FakeKubeApiServer> {
  const store = new ObjectStore();
  const faults = new Map<string, Fault>();
  const controllers = new Controllers(
    store,
    {
      rolloutDelayMs: options.rolloutDelayMs ?? 40,
      jobDelayMs: options.jobDelayMs ?? 40,
      namespaceDeleteDelayMs: options.namespaceDeleteDelayMs ?? 30,
    },
    (name) => faults.get(name),
  );
  const requests: RecordedRequest[] = [];
  const handler = createHandler(store, controllers, faults, requests);
  const server = createServer({ key: FAKE_KUBE_KEY, cert: FAKE_KUBE_CERT }, (req, res) => {
    handler(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, status(500, "InternalError", String(error)));
    });
  });
  let connections = 0;
  server.on("secureConnection", () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kind = (k: string) => {
    const r = RESOURCES.find((x) => x.kind === k);
    if (!r) throw new Error(`fake API server: unknown kind ${k}`);
    return r;
  };
  return {
    url,
    kubeconfigPath: writeKubeconfig(url, options.currentContext ?? "fake"),
    token: TOKEN,
    requests,
    get connections() {
      return connections;
    },
    get: (k, namespace, name) => store.get(kind(k), namespace, name),
    objects: (k) => (k ? store.list(kind(k), undefined) : store.all()),
    put(object, manager) {
      const meta = isObject(object.metadata) ? object.metadata : {};
      const r = kind(String(object.kind));
      const ns = typeof meta.namespace === "string" ? meta.namespace : undefined;
      const out = store.apply(r, ns, String(meta.name), object, manager, true, "Update");
      controllers.onApplied(r.kind, out.object, out.generationChanged);
    },
    fault: (name, fault) => faults.set(name, { ...fault }),
    clearFaults: () => faults.clear(),
    async close() {
      controllers.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

function createHandler(
  store: ObjectStore,
  controllers: Controllers,
  faults: Map<string, Fault>,
  requests: RecordedRequest[],
): Handler {
  return async (req, res) => {
    const url = new URL(req.url ?? "/", "https://fake");
    const method = req.method ?? "GET";
    requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: req.headers["content-type"],
    });
    const body = await readBody(req);
    if (req.headers.authorization !== `Bearer ${TOKEN}`)
      return send(res, 401, status(401, "Unauthorized", "Unauthorized"));
    const doc = method === "GET" ? discovery(url.pathname) : undefined;
    if (doc) return send(res, 200, doc);
    const target = parseTarget(url.pathname);
    if (!target)
      return send(res, 404, status(404, "NotFound", "the server could not find the requested resource"));
    const fault = target.name ? faults.get(target.name) : undefined;
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    const drop = fault?.dropConnection;
    if (
      fault &&
      drop &&
      method === "PATCH" &&
      (drop.times === undefined || (fault.dropped ?? 0) < drop.times)
    ) {
      fault.dropped = (fault.dropped ?? 0) + 1;
      // No status line at all: the client sees the socket close (ECONNRESET, "socket hang up").
      req.socket.destroy();
      return;
    }
    try {
      const out = serve(
        store,
        controllers,
        target,
        method,
        url.searchParams,
        body,
        req.headers["content-type"],
        fault,
      );
      send(res, out.code, out.body);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      send(res, error.status, status(error.status, error.reason, error.message, error.details));
    }
  };
}
