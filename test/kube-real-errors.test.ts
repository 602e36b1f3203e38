/**
 * API errors as a real server gives them (scripts/kube-up.sh): 401 for a
 * client certificate of a CA the server does not trust, 403 from real RBAC
 * for a user who may read but not write, 422 from real validation. The
 * faults a real server does not produce on demand (5xx, 409 once, slow
 * answers, dropped connections, a Secret's value echoed) stay with the fake
 * (src/providers/kubernetes/errors.test.ts).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { ProviderError, type StepContext } from "../src/engine/provider.js";
import { contextFor, stepOf } from "../src/providers/kubernetes/__fixtures__/harness.js";
import type { KubeObject } from "../src/render/types.js";
import { validateSpec } from "../src/spec/validate.js";
import { type KubeCluster, useKubeCluster } from "./helpers/kube-cluster.js";
import { namespaceOf, realProvider } from "./helpers/kube-real.js";

const cluster = useKubeCluster();

const spec = validateSpec({
  name: "errshop",
  target: "kubernetes",
  services: [
    { name: "web", image: "acme/web:1", port: 8080 },
    { name: "worker", kind: "worker", image: "acme/worker:1" },
  ],
});

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

/**
 * A copy of the cluster's kubeconfig whose user is `user`, with a client certificate signed by the
 * cluster's CA (kube-up.sh keeps it beside the kubeconfig), or by a CA of its own that the server does not know.
 * Undefined when the cluster's CA key is not at hand (a control plane started elsewhere).
 */
function kubeconfigAs(kube: KubeCluster, user: string, ca: "cluster" | "stranger"): string | undefined {
  const pki = join(dirname(kube.kubeconfigPath), "pki");
  if (!existsSync(join(pki, "ca.key"))) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "codeploy-kube-user-"));
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  let caCrt = join(pki, "ca.crt");
  let caKey = join(pki, "ca.key");
  if (ca === "stranger") {
    ssl(
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-days",
      "1",
      "-subj",
      "/CN=stranger-ca",
    );
    caCrt = join(dir, "ca.crt");
    caKey = join(dir, "ca.key");
  }
  ssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "user.key",
    "-out",
    "user.csr",
    "-subj",
    `/CN=${user}`,
  );
  writeFileSync(join(dir, "user.ext"), "extendedKeyUsage=clientAuth\n");
  ssl(
    "x509",
    "-req",
    "-in",
    "user.csr",
    "-CA",
    caCrt,
    "-CAkey",
    caKey,
    "-CAcreateserial",
    "-out",
    "user.crt",
    "-days",
    "1",
    "-extfile",
    "user.ext",
  );
  const config = parse(readFileSync(kube.kubeconfigPath, "utf8")) as {
    users: { user: Record<string, string> }[];
  };
  const b64 = (file: string) => readFileSync(join(dir, file)).toString("base64");
  for (const u of config.users)
    u.user = { "client-certificate-data": b64("user.crt"), "client-key-data": b64("user.key") };
  const path = join(dir, "kubeconfig");
  writeFileSync(path, stringify(config), { mode: 0o600 });
  return path;
}

/** contextFor(spec), with one rendered object changed. */
function withObject(ctx: StepContext, name: string, change: (o: KubeObject) => KubeObject): StepContext {
  const objects = (ctx.artifacts.kubernetes ?? []).map((o) => (o.metadata.name === name ? change(o) : o));
  return { ...ctx, artifacts: { ...ctx.artifacts, kubernetes: objects } };
}

describe("kubernetes API errors from a real API server", () => {
  it("422: real validation refuses an invalid manifest; the error names the object and the field, no retry", {
    timeout: 120_000,
  }, async (ctx) => {
    const kube = cluster();
    if (!kube) return ctx.skip();
    const provider = realProvider(kube);
    await provider.apply(stepOf(spec, "network"), contextFor(spec));
    const broken = withObject(contextFor(spec), "worker", (o) =>
      o.kind !== "Deployment"
        ? o
        : JSON.parse(JSON.stringify(o).replace('"image":"acme/worker:1"', '"image":""')),
    );
    const error = await failure(provider.apply(stepOf(spec, "service:worker"), broken));
    expect(error.code).toBe("KUBE_INVALID");
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(
      /^Deployment errshop-dev-[0-9a-f]{8}\/worker is invalid \(422\): Deployment\.apps "worker" is invalid/,
    );
    expect(error.hint).toBe(
      "the manifest is invalid: spec.template.spec.containers[0].image: Required value; fix the spec, or report a renderer bug if the spec is right",
    );
    await provider.destroy(stepOf(spec, "network"), contextFor(spec));
  });

  it("401: a client certificate the server does not trust; the error names the context and says the credentials are wrong, no retry", {
    timeout: 120_000,
  }, async (ctx) => {
    const kube = cluster();
    const kubeconfig = kube && kubeconfigAs(kube, "mallory", "stranger");
    if (!kube || !kubeconfig) return ctx.skip();
    const provider = realProvider({ ...kube, kubeconfigPath: kubeconfig });
    const error = await failure(provider.apply(stepOf(spec, "network"), contextFor(spec)));
    expect(error.code).toBe("KUBE_UNAUTHORIZED");
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(
      /^Namespace objects: the API server at https:\/\/127\.0\.0\.1:\d+ refused the credentials of context "codeploy-kube" \(401 Unauthorized\)$/,
    );
    expect(error.hint).toMatch(/credentials in the kubeconfig expired or are wrong/);
  });

  it("403: real RBAC lets a viewer read but not write; the error quotes the server and names the permission", {
    timeout: 120_000,
  }, async (ctx) => {
    const kube = cluster();
    const kubeconfig = kube && kubeconfigAs(kube, "ci-viewer", "cluster");
    if (!kube || !kubeconfig) return ctx.skip();
    const binding = ["clusterrolebinding", "ci-viewer-view"];
    await kube.kubectl(["create", ...binding, "--clusterrole=view", "--user=ci-viewer"]);
    // An app of its own: the 422 test's namespace may still be terminating.
    const rbacShop = validateSpec({ ...spec, name: "rbacshop" });
    const admin = realProvider(kube);
    try {
      await admin.apply(stepOf(rbacShop, "network"), contextFor(rbacShop));
      const ns = namespaceOf(rbacShop);
      const viewer = realProvider({ ...kube, kubeconfigPath: kubeconfig });
      const error = await failure(viewer.apply(stepOf(rbacShop, "service:worker"), contextFor(rbacShop)));
      expect(error.code).toBe("KUBE_FORBIDDEN");
      expect(error.retryable).toBe(false);
      expect(error.message).toMatch(
        new RegExp(
          `^Deployment ${ns}/worker: forbidden \\(403\\): deployments.apps "worker" is forbidden: User "ci-viewer" cannot patch resource "deployments" in API group "apps" in the namespace "${ns}"`,
        ),
      );
      expect(error.hint).toContain(`kubectl auth can-i patch deployments -n ${ns}`);
    } finally {
      await kube.kubectl(["delete", ...binding, "--ignore-not-found"]);
      await admin.destroy(stepOf(rbacShop, "network"), contextFor(rbacShop));
    }
  });
});
