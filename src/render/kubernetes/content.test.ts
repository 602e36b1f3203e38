import { describe, expect, it } from "vitest";
import { namespaceName } from "../../spec/naming.js";
import { validateSpec } from "../../spec/validate.js";
import { seededCredentials } from "../credentials.js";
import type { CredentialSource } from "../types.js";
import { all, at, containerOf, find, secretValues } from "./__fixtures__/objects.js";
import { allEnginesSpec, minimalSpec, richSpec } from "./__fixtures__/specs.js";
import { renderKubernetes } from "./index.js";

const rich = renderKubernetes(richSpec());

describe("autoscaling and disruption budgets", () => {
  it("targets the Deployment from autoscale min to max at the spec's CPU", () => {
    const hpa = find(rich, "HorizontalPodAutoscaler", "web");
    expect(at(hpa, "spec")).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
      minReplicas: 3,
      maxReplicas: 12,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
        },
      ],
    });
    // The HPA owns the count: a replicas field would reset a scaled-out app on every apply.
    expect(at(find(rich, "Deployment", "web"), "spec")).not.toHaveProperty("replicas");
    expect(at(find(rich, "Deployment", "worker"), "spec", "replicas")).toBe(2);
    expect(all(rich, "HorizontalPodAutoscaler")).toHaveLength(1);
  });

  it("adds a PodDisruptionBudget only from two replicas on", () => {
    expect(all(rich, "PodDisruptionBudget").map((o) => o.metadata.name)).toEqual(["web", "worker"]);
    expect(at(find(rich, "PodDisruptionBudget", "worker"), "spec")).toEqual({
      maxUnavailable: 1,
      selector: {
        matchLabels: {
          "app.kubernetes.io/name": "worker",
          "app.kubernetes.io/instance": namespaceName({ app: "shop", environment: "production" }),
        },
      },
    });
    expect(all(renderKubernetes(minimalSpec()), "PodDisruptionBudget")).toEqual([]);
    const scaledDown = validateSpec({
      name: "x",
      services: [{ name: "web", port: 80, replicas: 4, autoscale: { min: 1, max: 5 } }],
    });
    expect(all(renderKubernetes(scaledDown), "PodDisruptionBudget")).toEqual([]);
  });
});

describe("spreading replicas", () => {
  const spreadOf = (spec: ReturnType<typeof validateSpec>, name: string) =>
    at(
      find(renderKubernetes(spec), "Deployment", name),
      "spec",
      "template",
      "spec",
      "topologySpreadConstraints",
    );

  it("spreads production services with 2+ replicas over nodes (hard) and zones (soft), per ReplicaSet", () => {
    const spread = spreadOf(richSpec(), "worker") as Record<string, unknown>[];
    expect(spread.map((c) => [c.topologyKey, c.whenUnsatisfiable, c.maxSkew])).toEqual([
      ["kubernetes.io/hostname", "DoNotSchedule", 1],
      ["topology.kubernetes.io/zone", "ScheduleAnyway", 1],
    ]);
    for (const c of spread) {
      expect(c.labelSelector).toEqual({
        matchLabels: at(find(rich, "Deployment", "worker"), "spec", "selector", "matchLabels"),
      });
      expect(c.matchLabelKeys).toEqual(["pod-template-hash"]);
    }
    // An autoscaled service that may grow past one replica is spread too.
    expect(spreadOf(richSpec(), "web")).toHaveLength(2);
  });

  it("leaves single replicas and other environments alone", () => {
    const one = validateSpec({
      name: "x",
      environment: "production",
      services: [{ name: "web", port: 80, replicas: 1 }],
    });
    expect(spreadOf(one, "web")).toBeUndefined();
    const staging = validateSpec({
      name: "x",
      environment: "staging",
      services: [{ name: "web", replicas: 3 }],
    });
    expect(spreadOf(staging, "web")).toBeUndefined();
  });
});

describe("ingress", () => {
  it("serves the domain over TLS with a cert-manager certificate", () => {
    const ingress = find(rich, "Ingress", "web");
    expect(ingress?.metadata.annotations).toEqual({ "cert-manager.io/cluster-issuer": "letsencrypt" });
    expect(at(ingress, "spec", "tls")).toEqual([{ hosts: ["shop.example.com"], secretName: "web-tls" }]);
    expect(at(ingress, "spec", "rules", 0, "host")).toBe("shop.example.com");
    expect(at(ingress, "spec", "rules", 0, "http", "paths", 0, "backend")).toEqual({
      service: { name: "web", port: { name: "http" } },
    });
    expect(at(ingress, "spec", "ingressClassName")).toBe("nginx");
  });

  it("takes an ingress class and issuer from the options, and needs a domain", () => {
    const custom = renderKubernetes(richSpec(), {
      kubernetes: { ingressClassName: "traefik", clusterIssuer: "internal-ca" },
    });
    expect(at(find(custom, "Ingress", "web"), "spec", "ingressClassName")).toBe("traefik");
    expect(find(custom, "Ingress", "web")?.metadata.annotations?.["cert-manager.io/cluster-issuer"]).toBe(
      "internal-ca",
    );
    expect(all(renderKubernetes(minimalSpec()), "Ingress")).toEqual([]);
  });
});

describe("network policies", () => {
  const selector = (name: string) => ({
    podSelector: {
      matchLabels: {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/instance": namespaceName({ app: "shop", environment: "production" }),
      },
    },
  });

  it("denies everything by default and allows DNS", () => {
    expect(at(find(rich, "NetworkPolicy", "codeploy-default-deny"), "spec")).toEqual({
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
    });
    expect(at(find(rich, "NetworkPolicy", "codeploy-allow-dns"), "spec", "egress", 0, "ports")).toEqual([
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
    ]);
  });

  it("lets exactly the dependents reach a data service, on its port", () => {
    const postgres = find(rich, "NetworkPolicy", "allow-postgres");
    expect(at(postgres, "spec", "podSelector")).toEqual(selector("postgres").podSelector);
    expect(at(postgres, "spec", "ingress")).toEqual([
      {
        from: [selector("web"), selector("worker"), selector("report")],
        ports: [{ protocol: "TCP", port: 5432 }],
      },
    ]);
    expect(at(find(rich, "NetworkPolicy", "allow-redis"), "spec", "ingress", 0, "from")).toEqual([
      selector("web"),
    ]);
  });

  it("lets clients out to their dependencies and public services in from the ingress controller", () => {
    const web = find(rich, "NetworkPolicy", "allow-web");
    expect(at(web, "spec", "ingress")).toEqual([
      { from: [{ namespaceSelector: {} }], ports: [{ protocol: "TCP", port: 8080 }] },
    ]);
    expect(at(web, "spec", "egress")).toEqual([
      { to: [selector("postgres")], ports: [{ protocol: "TCP", port: 5432 }] },
      { to: [selector("redis")], ports: [{ protocol: "TCP", port: 6379 }] },
    ]);
    expect(at(find(rich, "NetworkPolicy", "allow-worker"), "spec", "ingress")).toBeUndefined();
  });

  it("opens public internet addresses only to services with internetEgress, never private ranges", () => {
    const spec = richSpec();
    const open = renderKubernetes({
      ...spec,
      services: spec.services.map((s) => (s.name === "worker" ? { ...s, internetEgress: true } : s)),
    });
    const egress = at(find(open, "NetworkPolicy", "allow-worker"), "spec", "egress") as {
      to: { ipBlock?: { cidr: string; except: string[] } }[];
    }[];
    const blocks = egress.flatMap((r) => r.to.flatMap((t) => (t.ipBlock ? [t.ipBlock] : [])));
    expect(blocks.map((b) => b.cidr)).toEqual(["0.0.0.0/0", "::/0"]);
    expect(blocks[0]?.except).toEqual(
      expect.arrayContaining(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"]),
    );
    // Its dependencies stay reachable; the web service, without the flag, gets no ipBlock.
    expect(egress.some((r) => r.to.some((t) => "podSelector" in t))).toBe(true);
    expect(JSON.stringify(at(find(open, "NetworkPolicy", "allow-web"), "spec", "egress"))).not.toContain(
      "ipBlock",
    );
    expect(JSON.stringify(at(find(rich, "NetworkPolicy", "allow-worker"), "spec"))).not.toContain("ipBlock");
  });
});

describe("credentials", () => {
  const secrets = all(rich, "Secret");
  const passwords = secrets.flatMap((s) =>
    Object.entries(secretValues(s))
      .filter(([k]) => k.endsWith("PASSWORD") || k.endsWith("_PASS"))
      .map(([, v]) => v),
  );

  it("generates one password per component, none of them the seed", () => {
    expect(secrets.map((s) => s.metadata.name)).toEqual([
      "postgres-credentials",
      "redis-credentials",
      "rabbitmq-credentials",
      "minio-credentials",
    ]);
    expect(passwords).toHaveLength(4);
    expect(new Set(passwords).size).toBe(4);
    for (const p of passwords) {
      expect(p).not.toContain("codeploy-dev-seed");
      expect(p).toMatch(/^[A-Za-z0-9_-]{32}$/);
    }
  });

  it("puts the whole connection URL in the Secret", () => {
    const postgres = secretValues(find(rich, "Secret", "postgres-credentials"));
    expect(postgres.CONNECTION_URL).toBe(
      `postgres://app:${postgres.POSTGRES_PASSWORD}@postgres:5432/shop?sslmode=disable`,
    );
  });

  it("never writes a password outside the Secrets, in plain text or base64", () => {
    const others = rich.files.filter((f) => !f.path.startsWith("kubernetes/secret-"));
    for (const p of passwords) {
      for (const f of others) {
        expect(f.content, f.path).not.toContain(p);
        expect(f.content, f.path).not.toContain(Buffer.from(p).toString("base64").slice(0, 40));
      }
    }
  });

  it("hands credentials to app containers through secretKeyRef only", () => {
    const env = containerOf(find(rich, "Deployment", "web"))?.env ?? [];
    const ref = (name: string, key: string) => ({ secretKeyRef: { name, key } });
    expect(env).toEqual([
      { name: "DATABASE_HOST", value: "postgres" },
      { name: "DATABASE_NAME", value: "shop" },
      { name: "DATABASE_PASSWORD", valueFrom: ref("postgres-credentials", "POSTGRES_PASSWORD") },
      { name: "DATABASE_PORT", value: "5432" },
      { name: "DATABASE_URL", valueFrom: ref("postgres-credentials", "CONNECTION_URL") },
      { name: "DATABASE_USER", value: "app" },
      { name: "LOG_LEVEL", value: "info" },
      { name: "REDIS_HOST", value: "redis" },
      { name: "REDIS_PASSWORD", valueFrom: ref("redis-credentials", "REDIS_PASSWORD") },
      { name: "REDIS_PORT", value: "6379" },
      { name: "REDIS_URL", valueFrom: ref("redis-credentials", "CONNECTION_URL") },
    ]);
  });

  it("uses the credential source it is given, and a seed changes every password", () => {
    const fixed: CredentialSource = { password: (c, p) => `fixed-${c}-${p}-0123456789abcdef` };
    const custom = secretValues(
      find(renderKubernetes(richSpec(), { credentials: fixed }), "Secret", "redis-credentials"),
    );
    expect(custom.REDIS_PASSWORD).toBe("fixed-redis-app-0123456789abcdef");
    const seeded = secretValues(
      find(renderKubernetes(richSpec(), { secretSeed: "other" }), "Secret", "redis-credentials"),
    );
    expect(seeded.REDIS_PASSWORD).toBe(
      seededCredentials("other", "shop/production").password("redis", "app"),
    );
    expect(seeded.REDIS_PASSWORD).not.toBe(
      secretValues(find(rich, "Secret", "redis-credentials")).REDIS_PASSWORD,
    );
  });
});

describe("workloads", () => {
  it("probes HTTP on the health path, TCP without one, and not at all without a port", () => {
    expect(containerOf(find(rich, "Deployment", "web"))?.readinessProbe?.httpGet).toEqual({
      path: "/healthz",
      port: "http",
    });
    const engines = renderKubernetes(allEnginesSpec());
    expect(containerOf(find(engines, "Deployment", "admin"))?.livenessProbe?.tcpSocket).toEqual({
      port: "http",
    });
    expect(containerOf(find(rich, "Deployment", "worker"))?.readinessProbe).toBeUndefined();
  });

  it("states default resources on the pod template and uses the spec's when given", () => {
    expect(containerOf(find(rich, "Deployment", "web"))?.resources).toEqual({
      requests: { cpu: "500m", memory: "512Mi" },
      limits: { cpu: "500m", memory: "512Mi" },
    });
    const worker = find(rich, "Deployment", "worker");
    expect(containerOf(worker)?.resources?.limits).toEqual({ cpu: "500m", memory: "512Mi" });
    expect(
      at(worker, "spec", "template", "metadata", "annotations", "codeploy.dev/default-resources"),
    ).toMatch(/100m\/128Mi/);
  });

  it("runs cron services as a CronJob in UTC, suspended at zero replicas", () => {
    const cron = find(rich, "CronJob", "report");
    expect(at(cron, "spec", "schedule")).toBe("0 2 * * *");
    expect(at(cron, "spec", "timeZone")).toBe("Etc/UTC");
    expect(at(cron, "spec", "suspend")).toBe(false);
    expect(find(rich, "Deployment", "report")).toBeUndefined();
  });

  it("marks a missing image with a name that can never be pulled", () => {
    const admin = find(renderKubernetes(allEnginesSpec()), "Deployment", "admin");
    expect(containerOf(admin)?.image).toBe("codeploy.invalid/lab/admin:unset");
    expect(at(admin, "spec", "template", "metadata", "annotations", "codeploy.dev/image")).toMatch(
      /not in the spec/,
    );
  });
});

describe("data services", () => {
  const engines = renderKubernetes(allEnginesSpec());

  it("runs each as a one-replica StatefulSet with a headless Service and a sized volume", () => {
    const postgres = find(rich, "StatefulSet", "postgres");
    expect(at(postgres, "spec", "serviceName")).toBe("postgres");
    expect(at(postgres, "spec", "volumeClaimTemplates", 0, "spec", "resources", "requests", "storage")).toBe(
      "50Gi",
    );
    expect(
      at(find(rich, "StatefulSet", "redis"), "spec", "volumeClaimTemplates", 0, "spec", "resources"),
    ).toEqual({
      requests: { storage: "1Gi" },
    });
    expect(at(find(rich, "Service", "postgres"), "spec", "clusterIP")).toBe("None");
    expect(at(find(engines, "StatefulSet", "memo"), "spec", "volumeClaimTemplates")).toBeUndefined();
  });

  it("uses the official images at the spec's version, or the default", () => {
    const image = (name: string) => containerOf(find(engines, "StatefulSet", name))?.image;
    expect(image("main")).toBe("postgres:18");
    expect(image("orders")).toBe("mysql:8.0");
    expect(image("docs")).toBe("mongo:7");
    expect(image("stream")).toBe("apache/kafka:3.8.0");
    expect(image("bus")).toBe("nats:2-alpine");
    expect(containerOf(find(rich, "StatefulSet", "postgres"))?.image).toBe("postgres:16");
  });

  it("reads credentials from the Secret and checks readiness with the engine's own tool", () => {
    const postgres = containerOf(find(rich, "StatefulSet", "postgres"));
    expect(postgres?.envFrom).toEqual([{ secretRef: { name: "postgres-credentials" } }]);
    expect(postgres?.env?.map((e) => e.name)).toEqual(["PGDATA", "POSTGRES_DB", "POSTGRES_USER"]);
    expect(postgres?.readinessProbe?.exec?.command?.join(" ")).toMatch(/pg_isready/);
    expect(containerOf(find(rich, "StatefulSet", "redis"))?.args).toContain("$(REDIS_PASSWORD)");
  });

  it("creates the buckets with a Job that reaches MinIO through the Secret", () => {
    const job = find(engines, "Job", "minio-buckets");
    expect(containerOf(job)?.command?.[2]).toBe(
      "mc mb --ignore-existing local/media local/public-assets && mc anonymous set download local/public-assets",
    );
    expect(at(find(engines, "NetworkPolicy", "allow-minio"), "spec", "ingress", 0, "from")).toHaveLength(2);
  });
});

describe("determinism", () => {
  it("gives the same bytes whatever the order of env keys in the spec", () => {
    const make = (env: Record<string, string>) =>
      validateSpec({ name: "x", services: [{ name: "web", image: "w:1", port: 80, env }] });
    const a = renderKubernetes(make({ B: "2", A: "1" })).files;
    expect(renderKubernetes(make({ A: "1", B: "2" })).files).toEqual(a);
    const env = containerOf(find(renderKubernetes(make({ B: "2", A: "1" })), "Deployment", "web"))?.env;
    expect(env?.map((e) => e.name)).toEqual(["A", "B"]);
  });
});
