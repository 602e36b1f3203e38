import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type FakeKubeApiServer, startFakeKubeApiServer } from "../../../test/helpers/fake-kube-apiserver.js";
import { ProviderError } from "../../engine/provider.js";
import {
  contextFor,
  failureOf,
  NS,
  providerFor,
  render,
  runThroughEngine,
  stepOf,
  v1,
} from "./__fixtures__/harness.js";
import { parseStatus } from "./errors.js";
import { createKubernetesProvider } from "./index.js";

let fake: FakeKubeApiServer;
beforeEach(async () => {
  fake = await startFakeKubeApiServer();
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await fake.close();
});

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

/** The network step has run, so that the namespace exists. */
async function withNamespace(options: Parameters<typeof providerFor>[1] = {}) {
  const provider = providerFor(fake.kubeconfigPath, options);
  await provider.apply(stepOf(v1, "network"), contextFor(v1));
  return provider;
}

/**
 * Only what a real server does not do on demand: 401, 403 and 422 from real
 * authentication, RBAC and validation are in test/kube-real-errors.test.ts.
 */
describe("kubernetes API faults from a fake API server", () => {
  it("a 422 that echoes a Secret's value (a webhook may) never repeats it", async () => {
    const provider = await withNamespace();
    const secret = (render(v1).kubernetes ?? []).find((o) => o.metadata.name === "postgres-credentials");
    const data = (secret?.data ?? {}) as Record<string, string>;
    const password = Buffer.from(data.POSTGRES_PASSWORD ?? "", "base64").toString("utf8");
    expect(password.length).toBeGreaterThan(8);
    fake.fault("postgres-credentials", {
      patch: { status: 422, field: "data[POSTGRES_PASSWORD]", message: `Invalid value: "${password}"` },
    });
    const error = await failure(provider.apply(stepOf(v1, "secrets"), contextFor(v1)));
    expect(error.code).toBe("KUBE_INVALID");
    expect(`${error.message} ${error.hint}`).not.toContain(password);
    expect(error.message).toContain("[redacted]");
  });

  it("409 once and 500 once are retried by the engine and the run succeeds", async () => {
    fake.fault("worker", { patch: { status: 409, times: 1 } });
    fake.fault("postgres", { patch: { status: 500, times: 1 } });
    const run = await runThroughEngine(providerFor(fake.kubeconfigPath), v1);
    expect(failureOf(run)).toBe("");
    const retries = run.events.flatMap((e) => (e.type === "step-retrying" ? [e] : []));
    expect(retries.map((e) => [e.stepId, e.error.code, e.error.retryable]).sort()).toEqual([
      ["database:postgres", "KUBE_SERVER_ERROR", true],
      ["service:worker", "KUBE_CONFLICT", true],
    ]);
    expect(retries.find((e) => e.error.code === "KUBE_CONFLICT")?.error.message).toMatch(
      /^Deployment shop-dev-[0-9a-f]{8}\/worker: conflict \(409\): Operation cannot be fulfilled/,
    );
  });

  it("a dropped connection and a 429 are retried by the engine and the run succeeds", async () => {
    fake.fault("web", { dropConnection: { times: 1 } });
    fake.fault("postgres", {
      patch: { status: 429, times: 1, message: "too many requests, please try again later" },
    });
    const run = await runThroughEngine(providerFor(fake.kubeconfigPath), v1);
    expect(failureOf(run)).toBe("");
    const retries = run.events.flatMap((e) => (e.type === "step-retrying" ? [e] : []));
    expect(retries.map((e) => [e.stepId, e.error.code, e.error.retryable]).sort()).toEqual([
      ["database:postgres", "KUBE_THROTTLED", true],
      ["service:web", "KUBE_UNREACHABLE", true],
    ]);
  });

  it("a slow answer becomes a retryable timeout that names the object", async () => {
    await withNamespace();
    const impatient = providerFor(fake.kubeconfigPath, { requestTimeoutMs: 500 });
    fake.fault("allow-worker", { delayMs: 5_000 });
    const error = await failure(impatient.apply(stepOf(v1, "service:worker"), contextFor(v1)));
    expect(error.code).toBe("KUBE_TIMEOUT");
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      `NetworkPolicy ${NS}/allow-worker: no answer from the API server at ${fake.url} within 0.5s`,
    );
  });

  it("a cancelled step stops at once and is not retried", async () => {
    const provider = await withNamespace();
    fake.fault("worker", { delayMs: 1_000 });
    const error = await failure(
      provider.apply(stepOf(v1, "service:worker"), contextFor(v1, [], AbortSignal.timeout(100))),
    );
    expect(error.code).toBe("ABORTED");
    expect(error.retryable).toBe(false);
  });

  it("a Job that fails ends the step with the Job's reason", async () => {
    const provider = await withNamespace();
    fake.fault("minio-buckets", { jobFails: true });
    const error = await failure(provider.apply(stepOf(v1, "bucket:media"), contextFor(v1)));
    expect(error.code).toBe("ROLLOUT_FAILED");
    expect(error.message).toBe(
      `Job ${NS}/minio-buckets failed: BackoffLimitExceeded: Job has reached the specified backoff limit`,
    );
  });
});

type Fields = Record<string, unknown>;
const at = (o: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>(
    (cur, k) => (typeof cur === "object" && cur !== null ? (cur as Fields)[k] : undefined),
    o,
  );
const patches = () => fake.requests.filter((r) => r.method === "PATCH");
const patchIndex = (fragment: string) => patches().findIndex((r) => r.path.endsWith(fragment));

/** What only the fake's request log shows (the real server keeps no record of the wire). */
describe("on the wire, in the fake's request log", () => {
  it("creates every rendered object with field manager codeploy, in dependency order, and waits for rollouts", async () => {
    const run = await runThroughEngine(providerFor(fake.kubeconfigPath), v1);
    expect(failureOf(run)).toBe("");
    expect(run.result.outcome).toBe("succeeded");
    const rendered = render(v1).kubernetes ?? [];
    for (const o of rendered) {
      const live = fake.get(o.kind, o.metadata.namespace, o.metadata.name);
      expect(live, `${o.kind} ${o.metadata.name}`).toBeDefined();
      expect(at(live, "metadata", "managedFields", 0)).toMatchObject({
        manager: "codeploy",
        operation: "Apply",
      });
    }
    expect(fake.objects().length).toBe(rendered.length);
    for (const r of patches()) {
      expect(r.contentType).toBe("application/apply-patch+yaml");
      // The autoscaled web's replica count is first handed to a second manager (see replicas.ts).
      const handover = r.path.endsWith("/deployments/web") && r.query.fieldManager === "codeploy-replicas";
      expect(r.query).toMatchObject({
        fieldManager: handover ? "codeploy-replicas" : "codeploy",
        force: "true",
      });
    }
    expect(patches().filter((r) => r.query.fieldManager === "codeploy-replicas")).toHaveLength(1);
    // The Namespace comes first, data before the services that use it, the bucket Job after MinIO.
    expect(patchIndex(`/namespaces/${NS}`)).toBe(0);
    expect(patchIndex("/statefulsets/postgres")).toBeLessThan(patchIndex("/deployments/web"));
    expect(patchIndex("/statefulsets/minio")).toBeLessThan(patchIndex("/jobs/minio-buckets"));
    expect(patchIndex("/deployments/web")).toBeLessThan(patchIndex("/ingresses/web"));
    // Waited: every workload reports ready by the time the run ends.
    expect(at(fake.get("Deployment", NS, "web"), "status", "availableReplicas")).toBe(2);
    expect(at(fake.get("StatefulSet", NS, "postgres"), "status", "readyReplicas")).toBe(1);
    expect(at(fake.get("Job", NS, "minio-buckets"), "status", "succeeded")).toBe(1);
    const logs = run.events.flatMap((e) => (e.type === "step-log" ? [e.message] : []));
    expect(logs).toContain(`Deployment ${NS}/web: 2 of 2 replicas available`);
    // Connections are kept alive: one TLS handshake per request would be far slower.
    expect(fake.connections).toBeLessThan(fake.requests.length / 4);
  });
});

describe("kubeconfig and context selection, against a fake API server", () => {
  it("reads KUBECONFIG and its current context; --context picks another one", async () => {
    await fake.close();
    fake = await startFakeKubeApiServer({ currentContext: "unreachable" });
    vi.stubEnv("KUBECONFIG", fake.kubeconfigPath);
    const chosen = createKubernetesProvider({ context: "fake" });
    await expect(chosen.preflight?.(AbortSignal.timeout(5_000))).resolves.toBeUndefined();
    const current = createKubernetesProvider();
    const error = await failure(current.preflight?.(AbortSignal.timeout(5_000)) ?? Promise.resolve());
    expect(error.code).toBe("KUBE_UNREACHABLE");
    expect(error.message).toBe(
      "cannot reach the Kubernetes API server at https://127.0.0.1:1 (ECONNREFUSED)",
    );
    expect(error.hint).toContain('"unreachable"');
    // A loaded KubeConfig (embedding) works the same, and picking a context does not change it.
    const { KubeConfig } = await import("@kubernetes/client-node");
    const kc = new KubeConfig();
    kc.loadFromFile(fake.kubeconfigPath);
    const embedded = createKubernetesProvider({ kubeConfig: kc, context: "fake" });
    await expect(embedded.preflight?.(AbortSignal.timeout(5_000))).resolves.toBeUndefined();
    expect(kc.getCurrentContext()).toBe("unreachable");
  });

  it("refuses an unknown context with the known ones, and a kubeconfig that does not exist", async () => {
    const unknown = await failure(
      providerFor(fake.kubeconfigPath, { context: "prod" }).preflight?.(AbortSignal.timeout(5_000)) ??
        Promise.resolve(),
    );
    expect(unknown.code).toBe("KUBE_CONTEXT_UNKNOWN");
    expect(unknown.hint).toBe("known contexts: fake, wrong-token, unreachable");
    const missing = await failure(
      createKubernetesProvider({ kubeconfigPath: "/nonexistent/kubeconfig" }).apply(
        stepOf(v1, "network"),
        contextFor(v1),
      ),
    );
    expect(missing.code).toBe("KUBE_CONFIG");
    expect(missing.message).toMatch(/^cannot read \/nonexistent\/kubeconfig: /);
  });
});

describe("parseStatus", () => {
  it("reads a metav1.Status body, and keeps a plain-text body as the message", () => {
    expect(
      parseStatus(
        '{"kind":"Status","message":"nope","reason":"Invalid","details":{"causes":[{"field":"spec","message":"bad"}]}}',
      ),
    ).toEqual({
      message: "nope",
      reason: "Invalid",
      causes: [{ field: "spec", message: "bad", reason: undefined }],
    });
    expect(parseStatus("404 page not found\n")).toEqual({ message: "404 page not found", causes: [] });
  });
});
