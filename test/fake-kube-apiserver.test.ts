/**
 * The fake Kubernetes API server checked on its own: server-side apply
 * semantics as the real server has them, and, when kubectl is installed, an
 * independent client (kubectl) that applies, reads and deletes through it.
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeKubeApiServer, startFakeKubeApiServer } from "./helpers/fake-kube-apiserver.js";
import { FAKE_KUBE_CA } from "./helpers/fake-kube-tls.js";

const run = promisify(execFile);

let fake: FakeKubeApiServer;
beforeEach(async () => {
  fake = await startFakeKubeApiServer();
});
afterEach(async () => {
  await fake.close();
});

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

function call(method: string, path: string, body?: unknown, token = fake.token): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${fake.url}${path}`,
      {
        method,
        ca: FAKE_KUBE_CA,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { "content-type": "application/apply-patch+yaml" } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) }),
        );
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const deployment = (replicas: number, labels: Record<string, string>) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "demo", labels },
  spec: {
    replicas,
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "web", image: "nginx:1" }] },
    },
  },
});
const DEPLOYMENT = "/apis/apps/v1/namespaces/demo/deployments/web";
const apply = (manager: string, body: unknown, force = false) =>
  call("PATCH", `${DEPLOYMENT}?fieldManager=${manager}${force ? "&force=true" : ""}`, body);

describe("the fake API server", () => {
  beforeEach(async () => {
    await call("PATCH", "/api/v1/namespaces/demo?fieldManager=test", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "demo" },
    });
  });

  it("refuses a missing token with a 401 Status, and serves discovery", async () => {
    expect(await call("GET", "/api/v1", undefined, "wrong")).toMatchObject({
      status: 401,
      body: { kind: "Status", reason: "Unauthorized", code: 401 },
    });
    const apps = await call("GET", "/apis/apps/v1");
    expect(apps.body.kind).toBe("APIResourceList");
    expect(apps.body.resources).toContainEqual(
      expect.objectContaining({ name: "deployments", kind: "Deployment", namespaced: true }),
    );
  });

  it("server-side apply: a conflict with another manager is 409 unless forced; fields a manager drops go", async () => {
    expect((await apply("alice", deployment(2, { a: "1", b: "2" }))).status).toBe(201);
    const conflict = await apply("bob", deployment(3, { a: "1", b: "2" }));
    expect(conflict.status).toBe(409);
    expect(conflict.body.message).toBe(
      'Apply failed with 1 conflict: conflict with "alice" using apps/v1: .spec.replicas',
    );
    const forced = await apply("bob", deployment(3, { a: "1" }), true);
    expect(forced.status).toBe(200);
    expect(forced.body).toMatchObject({ spec: { replicas: 3 }, metadata: { generation: 2 } });
    // alice stops applying label b, which only she owned: it goes; a, co-owned by bob, stays.
    const dropped = await apply("alice", deployment(3, { a: "1" }));
    expect(dropped.status).toBe(200);
    expect(dropped.body).toMatchObject({ metadata: { labels: { a: "1" }, generation: 2 } });
    expect((dropped.body.metadata as { labels: object }).labels).not.toHaveProperty("b");
  });

  it("refuses to change an immutable field with 422, as the real server does", async () => {
    await apply("alice", deployment(1, {}));
    const changed = deployment(1, {});
    changed.spec.selector.matchLabels = { app: "other" };
    const answer = await apply("alice", changed);
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({
      reason: "Invalid",
      details: { causes: [{ field: "spec.selector" }] },
    });
  });
});

async function kubectlPresent(): Promise<boolean> {
  const found = await run("kubectl", ["version", "--client"]).then(
    () => true,
    () => false,
  );
  if (!found) {
    // kubectl is an extra, independent client here (the provider itself uses client-node), so its
    // absence skips this cross-check even in CI; Debian's own kubectl (1.20) predates GA server-side apply.
    const reason = "kubectl not found on PATH";
    console.warn(`skipping the kubectl check of the fake API server: ${reason}`);
  }
  return found;
}

describe("kubectl against the fake API server", async () => {
  const present = await kubectlPresent();
  it.skipIf(!present)("server-side applies, reads by label selector and deletes", async () => {
    const kubectl = async (...args: string[]) =>
      (
        await run("kubectl", ["--kubeconfig", fake.kubeconfigPath, ...args], { timeout: 30_000 })
      ).stdout.trim();
    const dir = join(fake.kubeconfigPath, "..");
    writeFileSync(
      join(dir, "ns.json"),
      JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "demo" } }),
    );
    writeFileSync(join(dir, "web.json"), JSON.stringify(deployment(2, { app: "web" })));
    // --validate=false: the fake serves no OpenAPI documents.
    const ssa = ["apply", "--server-side", "--validate=false", "-f"];
    expect(await kubectl(...ssa, join(dir, "ns.json"))).toBe("namespace/demo serverside-applied");
    expect(await kubectl(...ssa, join(dir, "web.json"))).toBe("deployment.apps/web serverside-applied");
    const jsonpath = "jsonpath={.items[*].metadata.name} {.items[*].metadata.managedFields[*].manager}";
    expect(await kubectl("get", "deployments", "-n", "demo", "-l", "app=web", "-o", jsonpath)).toBe(
      "web kubectl",
    );
    expect(await kubectl("get", "deployments", "-n", "demo", "-l", "app=db", "-o", jsonpath)).toBe("");
    expect(await kubectl("delete", "deployment", "web", "-n", "demo")).toBe('deployment.apps "web" deleted');
    expect(fake.get("Deployment", "demo", "web")).toBeUndefined();
  });
});
