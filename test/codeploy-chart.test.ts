/**
 * CODE's own Helm chart (deploy/helm/codeploy): it lints, refuses a
 * multi-replica install (or workers) without a shared Postgres, renders a
 * restricted, probed, autoscaled API and restricted, probed workers, and
 * installs on the real control plane (scripts/kube-up.sh: kwok nodes, so
 * "ready" means scheduled and reported ready, not containers run) with its
 * pods ready.
 */
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { findHelm, helm } from "./helpers/helm.js";
import { useKubeCluster } from "./helpers/kube-cluster.js";

const CHART = new URL("../deploy/helm/codeploy", import.meta.url).pathname;
const binary = findHelm();
const withDatabase = ["--set", "secret.databaseUrl=postgres://codeploy:pw@postgres:5432/codeploy"];
const withWorkers = ["--set", "worker.enabled=true"];

interface Manifest {
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
}

interface Container {
  args: string[];
  ports: { name: string; containerPort: number }[];
  resources: unknown;
  securityContext: Record<string, unknown>;
  readinessProbe: { httpGet: { path: string; port: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
  env: { name: string; valueFrom?: { secretKeyRef: { name: string } } }[];
}

interface PodSpec {
  securityContext: unknown;
  containers: Container[];
  terminationGracePeriodSeconds?: number;
}

const podOf = (d: Manifest) => (d.spec.template as { spec: PodSpec }).spec;
const named = (out: Manifest[], kind: string, name: string) => {
  const found = out.find((d) => d.kind === kind && d.metadata.name === name);
  if (found === undefined)
    throw new Error(`no ${kind} ${name} in ${out.map((d) => `${d.kind}/${d.metadata.name}`).join(", ")}`);
  return found;
};

const docs = (text: string) =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as Manifest | null)
    .filter((d): d is Manifest => d !== null);

describe.skipIf(!binary)("the codeploy Helm chart", () => {
  const bin = binary as string;

  it("lints clean, and refuses more than one replica without a shared Postgres", async () => {
    const lint = await helm(bin, ["lint", "--strict", CHART, ...withDatabase]);
    expect(lint).toContain("0 chart(s) failed");
    const refused = await helm(bin, ["template", "t", CHART]).catch((e: unknown) => String(e));
    expect(refused).toContain("more than one API replica needs a shared Postgres");
    const single = docs(
      await helm(bin, [
        "template",
        "t",
        CHART,
        "--set",
        "api.replicas=1",
        "--set",
        "api.autoscaling.enabled=false",
      ]),
    );
    expect(single.map((d) => d.kind).sort()).toEqual(["ConfigMap", "Deployment", "Secret", "Service"]);
    const withBoth = await helm(bin, ["lint", "--strict", CHART, ...withDatabase, ...withWorkers]);
    expect(withBoth).toContain("0 chart(s) failed");
    // One API replica alone may keep SQLite; workers never can (their queue is in Postgres).
    const noQueue = await helm(bin, [
      "template",
      "t",
      CHART,
      "--set",
      "api.replicas=1",
      "--set",
      "api.autoscaling.enabled=false",
      ...withWorkers,
    ]).catch((e: unknown) => String(e));
    expect(noQueue).toContain("workers take deployments from a queue in Postgres");
  });

  it("renders workers like the API (restricted, same secrets, probed on their port) with their own PDB", async () => {
    const out = docs(await helm(bin, ["template", "t", CHART, ...withDatabase, ...withWorkers]));
    const api = named(out, "Deployment", "t-codeploy");
    const worker = named(out, "Deployment", "t-codeploy-worker");
    expect(worker.spec.replicas).toBe(2);
    const [w] = podOf(worker).containers;
    const [a] = podOf(api).containers;
    expect(w?.args).toEqual(["worker", "--host", "0.0.0.0", "--port", "8080"]);
    // With workers, API servers only queue.
    expect(a?.args).toEqual(["serve", "--host", "0.0.0.0", "--port", "8080", "--role", "api"]);
    expect(w?.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(w?.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(w?.ports).toEqual([{ name: "http", containerPort: 8080 }]);
    expect(w?.resources).toEqual({ requests: { cpu: "200m", memory: "256Mi" }, limits: { memory: "768Mi" } });
    expect(podOf(worker).securityContext).toEqual(podOf(api).securityContext);
    expect(w?.securityContext).toEqual(a?.securityContext);
    expect(w?.env).toEqual(a?.env);
    expect(podOf(worker).terminationGracePeriodSeconds).toBe(60);
    const selectorOf = (d: Manifest) =>
      (d.spec.selector as { matchLabels: Record<string, string> }).matchLabels;
    expect(selectorOf(named(out, "PodDisruptionBudget", "t-codeploy-worker"))).toEqual(selectorOf(worker));
    expect(selectorOf(worker)["app.kubernetes.io/component"]).toBe("worker");
    // The Service and the API's PDB never pick worker pods.
    const service = named(out, "Service", "t-codeploy");
    expect((service.spec.selector as Record<string, string>)["app.kubernetes.io/component"]).toBe("api");
    expect(selectorOf(named(out, "PodDisruptionBudget", "t-codeploy"))["app.kubernetes.io/component"]).toBe(
      "api",
    );
    // One worker with a PDB would block every node drain; without workers nothing of them renders.
    const one = docs(
      await helm(bin, [
        "template",
        "t",
        CHART,
        ...withDatabase,
        ...withWorkers,
        "--set",
        "worker.replicas=1",
      ]),
    );
    expect(one.filter((d) => d.metadata.name === "t-codeploy-worker").map((d) => d.kind)).toEqual([
      "Deployment",
    ]);
    const none = docs(await helm(bin, ["template", "t", CHART, ...withDatabase]));
    expect(none.some((d) => d.metadata.name === "t-codeploy-worker")).toBe(false);
    expect(podOf(named(none, "Deployment", "t-codeploy")).containers[0]?.args).not.toContain("--role");
  });

  it("renders a restricted, probed API that the HPA scales and the PDB keeps available", async () => {
    const out = docs(
      await helm(bin, [
        "template",
        "t",
        CHART,
        ...withDatabase,
        "--set",
        "serviceMonitor.enabled=true",
        "--set",
        "secret.jwtSecret=s3cret-jwt-value",
      ]),
    );
    expect(out.map((d) => d.kind).sort()).toEqual([
      "ConfigMap",
      "Deployment",
      "HorizontalPodAutoscaler",
      "PodDisruptionBudget",
      "Secret",
      "Service",
      "ServiceMonitor",
    ]);
    const deployment = out.find((d) => d.kind === "Deployment") as Manifest;
    // Offline (no live Deployment to keep): the HPA's floor.
    expect(deployment.spec.replicas).toBe(2);
    const pod = (deployment.spec.template as { spec: Record<string, unknown> }).spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    const [container] = pod.containers as {
      securityContext: Record<string, unknown>;
      readinessProbe: { httpGet: { path: string } };
      livenessProbe: { httpGet: { path: string } };
      env: { name: string; valueFrom?: { secretKeyRef: { name: string } } }[];
    }[];
    expect(container?.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(container?.readinessProbe.httpGet.path).toBe("/readyz");
    expect(container?.livenessProbe.httpGet.path).toBe("/healthz");
    expect(container?.env.filter((e) => e.valueFrom).map((e) => e.name)).toEqual([
      "DATABASE_URL",
      "REDIS_URL",
      "CODEPLOY_JWT_SECRET",
      "CODEPLOY_AUDIT_KEY",
      "CODEPLOY_SECRET_SEED",
    ]);
    // One audit key and one secret seed for every pod, generated when not given.
    const secret = out.find((d) => d.kind === "Secret") as unknown as { stringData: Record<string, string> };
    expect(secret.stringData.CODEPLOY_AUDIT_KEY).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(secret.stringData.CODEPLOY_SECRET_SEED).toMatch(/^[A-Za-z0-9]{48}$/);
    const short = await helm(bin, [
      "template",
      "t",
      CHART,
      ...withDatabase,
      "--set",
      "secret.auditKey=short",
    ]).catch((e: unknown) => String(e));
    expect(short).toContain("secret.auditKey must have at least 32 characters");
    // Secrets reach the pod only through the Secret, never as literal env values.
    expect(JSON.stringify(deployment)).not.toContain("s3cret-jwt-value");
    const existing = docs(await helm(bin, ["template", "t", CHART, "--set", "existingSecret=team-codeploy"]));
    expect(existing.some((d) => d.kind === "Secret")).toBe(false);
    expect(JSON.stringify(existing)).toContain('"name":"team-codeploy"');
  });

  describe("on the real control plane", () => {
    const cluster = useKubeCluster();

    it("installs API and workers with their pods ready, keeps the autoscaled count across an upgrade, then uninstalls", {
      timeout: 300_000,
    }, async (ctx) => {
      const kube = cluster();
      if (!kube) return ctx.skip();
      const env = { ...process.env, KUBECONFIG: kube.kubeconfigPath };
      const ns = `codeploy-chart-${process.pid}`;
      try {
        await helm(
          bin,
          [
            "install",
            "team",
            CHART,
            "-n",
            ns,
            "--create-namespace",
            ...withDatabase,
            ...withWorkers,
            "--wait",
            "--timeout",
            "180s",
          ],
          env,
        );
        const pods = JSON.parse(await kube.kubectl(["get", "pods", "-n", ns, "-o", "json"])) as {
          items: {
            metadata: { labels: Record<string, string> };
            status: { conditions?: { type: string; status: string }[] };
          }[];
        };
        const components = pods.items.map((p) => p.metadata.labels["app.kubernetes.io/component"]).sort();
        expect(components).toEqual(["api", "api", "worker", "worker"]);
        for (const p of pods.items)
          expect(p.status.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
        const pdbs = await kube.kubectl(["get", "pdb", "-n", ns, "-o", "name"]);
        expect(pdbs.trim().split("\n").sort()).toEqual([
          "poddisruptionbudget.policy/team-codeploy",
          "poddisruptionbudget.policy/team-codeploy-worker",
        ]);
        const hpa = JSON.parse(
          await kube.kubectl(["get", "hpa", "team-codeploy", "-n", ns, "-o", "json"]),
        ) as {
          spec: { minReplicas: number };
        };
        expect(hpa.spec.minReplicas).toBe(2);
        // The autoscaler scales out; an upgrade keeps its count instead of resetting it.
        const secretData = async () =>
          (
            JSON.parse(await kube.kubectl(["get", "secret", "team-codeploy", "-n", ns, "-o", "json"])) as {
              data: Record<string, string>;
            }
          ).data;
        const before = await secretData();
        await kube.kubectl(["scale", "deployment", "team-codeploy", "-n", ns, "--replicas=3"]);
        await helm(
          bin,
          [
            "upgrade",
            "team",
            CHART,
            "-n",
            ns,
            ...withDatabase,
            ...withWorkers,
            "--set",
            "config.server.accessLog=false",
          ],
          env,
        );
        const scaled = JSON.parse(
          await kube.kubectl(["get", "deployment", "team-codeploy", "-n", ns, "-o", "json"]),
        ) as { spec: { replicas: number } };
        expect(scaled.spec.replicas).toBe(3);
        // The generated audit key and seed survive the upgrade (a new one would split the audit chain).
        const after = await secretData();
        expect(after.CODEPLOY_AUDIT_KEY).toBe(before.CODEPLOY_AUDIT_KEY);
        expect(after.CODEPLOY_SECRET_SEED).toBe(before.CODEPLOY_SECRET_SEED);
        expect(before.CODEPLOY_AUDIT_KEY).toBeDefined();
      } finally {
        await helm(bin, ["uninstall", "team", "-n", ns, "--wait"], env).catch(() => undefined);
        await kube.kubectl(["delete", "namespace", ns, "--wait=false"]).catch(() => undefined);
      }
    });
  });
});
