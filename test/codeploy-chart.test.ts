/**
 * CODE's own Helm chart (deploy/helm/codeploy): it lints, refuses a
 * multi-replica install without a shared Postgres, renders a restricted,
 * probed, autoscaled API, and installs on the real control plane
 * (scripts/kube-up.sh) with its pods ready.
 */
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { findHelm, helm } from "./helpers/helm.js";
import { useKubeCluster } from "./helpers/kube-cluster.js";

const CHART = new URL("../deploy/helm/codeploy", import.meta.url).pathname;
const binary = findHelm();
const withDatabase = ["--set", "secret.databaseUrl=postgres://codeploy:pw@postgres:5432/codeploy"];

interface Manifest {
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
}

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
    ]);
    // Secrets reach the pod only through the Secret, never as literal env values.
    expect(JSON.stringify(deployment)).not.toContain("s3cret-jwt-value");
    const existing = docs(await helm(bin, ["template", "t", CHART, "--set", "existingSecret=team-codeploy"]));
    expect(existing.some((d) => d.kind === "Secret")).toBe(false);
    expect(JSON.stringify(existing)).toContain('"name":"team-codeploy"');
  });

  describe("on the real control plane", () => {
    const cluster = useKubeCluster();

    it("installs with its pods ready, keeps the autoscaled count across an upgrade, then uninstalls", {
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
            "--wait",
            "--timeout",
            "180s",
          ],
          env,
        );
        const pods = JSON.parse(await kube.kubectl(["get", "pods", "-n", ns, "-o", "json"])) as {
          items: { status: { conditions?: { type: string; status: string }[] } }[];
        };
        expect(pods.items.length).toBeGreaterThanOrEqual(2);
        for (const p of pods.items)
          expect(p.status.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
        const hpa = JSON.parse(
          await kube.kubectl(["get", "hpa", "team-codeploy", "-n", ns, "-o", "json"]),
        ) as {
          spec: { minReplicas: number };
        };
        expect(hpa.spec.minReplicas).toBe(2);
        // The autoscaler scales out; an upgrade keeps its count instead of resetting it.
        await kube.kubectl(["scale", "deployment", "team-codeploy", "-n", ns, "--replicas=3"]);
        await helm(
          bin,
          ["upgrade", "team", CHART, "-n", ns, ...withDatabase, "--set", "config.server.accessLog=false"],
          env,
        );
        const scaled = JSON.parse(
          await kube.kubectl(["get", "deployment", "team-codeploy", "-n", ns, "-o", "json"]),
        ) as { spec: { replicas: number } };
        expect(scaled.spec.replicas).toBe(3);
      } finally {
        await helm(bin, ["uninstall", "team", "-n", ns, "--wait"], env).catch(() => undefined);
        await kube.kubectl(["delete", "namespace", ns, "--wait=false"]).catch(() => undefined);
      }
    });
  });
});
