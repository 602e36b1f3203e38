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

describe("kubernetes API errors from a fake API server", () => {
  it("401: names the object and the context, says the credentials expired, no retry", async () => {
    const provider = providerFor(fake.kubeconfigPath, { context: "wrong-token" });
    const error = await failure(provider.apply(stepOf(v1, "network"), contextFor(v1)));
    expect(error.code).toBe("KUBE_UNAUTHORIZED");
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      // The first call looks for a namespace an earlier version made (by labels).
      `Namespace objects: the API server at ${fake.url} refused the credentials of context "wrong-token" (401 Unauthorized)`,
    );
    expect(error.hint).toMatch(/credentials in the kubeconfig expired/);
  });

  it("403: quotes the server and names the RBAC permission the user needs", async () => {
    const provider = await withNamespace();
    fake.fault("worker", { patch: { status: 403 } });
    const error = await failure(provider.apply(stepOf(v1, "service:worker"), contextFor(v1)));
    expect(error.code).toBe("KUBE_FORBIDDEN");
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `Deployment ${NS}/worker: forbidden (403): deployments.apps "worker" is forbidden: User "ci" cannot patch resource "deployments" in API group "apps" in the namespace "${NS}"`,
    );
    expect(error.hint).toContain(`needs \`patch\` on deployments in namespace ${NS}`);
    expect(error.hint).toContain(`kubectl auth can-i patch deployments -n ${NS}`);
  });

  it("422: says the manifest is invalid with the server's field message, no retry", async () => {
    const provider = await withNamespace();
    fake.fault("worker", {
      patch: { status: 422, field: "spec.template.spec.containers[0].image", message: "Required value" },
    });
    const error = await failure(provider.apply(stepOf(v1, "service:worker"), contextFor(v1)));
    expect(error.code).toBe("KUBE_INVALID");
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(
      /^Deployment shop-dev-[0-9a-f]{8}\/worker is invalid \(422\): Deployment\.apps "worker" is invalid/,
    );
    expect(error.hint).toBe(
      "the manifest is invalid: spec.template.spec.containers[0].image: Required value; fix the spec, or report a renderer bug if the spec is right",
    );
  });

  it("422 about a Secret never repeats the Secret's values", async () => {
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
