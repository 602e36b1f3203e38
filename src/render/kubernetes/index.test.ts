import { PodMonitor, PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { CronJob, Job } from "kubernetes-models/batch/v1";
import { Ingress, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Namespace, Secret, Service } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CodeError } from "../../core/errors.js";
import { namespaceName } from "../../spec/naming.js";
import { validateSpec } from "../../spec/validate.js";
import type { KubeObject } from "../types.js";
import { podOf } from "./__fixtures__/objects.js";
import { allEnginesSpec, knownAppsSpec, minimalSpec, richSpec } from "./__fixtures__/specs.js";
import { APPLY_ORDER, renderKubernetes } from "./index.js";

/** The official schema of each kind we render (kubernetes-models: generated from the Kubernetes OpenAPI). */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  Namespace,
  Secret,
  Service,
  Deployment,
  StatefulSet,
  Job,
  CronJob,
  HorizontalPodAutoscaler,
  PodDisruptionBudget,
  Ingress,
  NetworkPolicy,
  ConfigMap,
  PodMonitor,
  PrometheusRule,
};

function validateObject(o: KubeObject): void {
  const Model = MODELS[o.kind];
  if (!Model) throw new Error(`no schema for kind ${o.kind}`);
  new Model(structuredClone(o) as never).validate();
}

const specs = {
  rich: richSpec,
  minimal: minimalSpec,
  "all engines": allEnginesSpec,
  "known apps": knownAppsSpec,
};

describe.each(Object.entries(specs))("renderKubernetes: %s spec", (_, make) => {
  const result = renderKubernetes(make());
  const objects = result.kubernetes ?? [];

  it("passes the Kubernetes OpenAPI schema for every object", () => {
    expect(objects.length).toBeGreaterThan(3);
    for (const o of objects) expect(() => validateObject(o), `${o.kind}/${o.metadata.name}`).not.toThrow();
  });

  it("writes one file per object, parsing back to the same object", () => {
    for (const o of objects) {
      const file = result.files.find(
        (f) => f.path === `kubernetes/${o.kind.toLowerCase()}-${o.metadata.name}.yaml`,
      );
      expect(file, `${o.kind}/${o.metadata.name}`).toBeDefined();
      expect(parse(file?.content ?? "", { version: "1.1" })).toEqual(JSON.parse(JSON.stringify(o)));
    }
    expect(result.files).toHaveLength(objects.length + 1);
  });

  it("lists the objects in apply order, Namespace first, and kustomization.yaml in the same order", () => {
    expect(objects[0]?.kind).toBe("Namespace");
    const ranks = objects.map((o) => (APPLY_ORDER as readonly string[]).indexOf(o.kind));
    expect(ranks.every((r) => r >= 0)).toBe(true);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    const kustomization = parse(
      result.files.find((f) => f.path === "kubernetes/kustomization.yaml")?.content ?? "",
    );
    expect(kustomization.resources).toEqual(
      objects.map((o) => `${o.kind.toLowerCase()}-${o.metadata.name}.yaml`),
    );
  });

  it("sorts the files by path", () => {
    const paths = result.files.map((f) => f.path);
    expect(paths).toEqual([...paths].sort());
  });

  it("puts every namespaced object in the app + environment's namespace with the app labels", () => {
    const spec = make();
    const ns = namespaceName({ app: spec.name, environment: spec.environment });
    expect(ns).toMatch(new RegExp(`^${spec.name}-${spec.environment}-[0-9a-f]{8}$`));
    for (const o of objects.slice(1)) {
      expect(o.metadata.namespace).toBe(ns);
      expect(o.metadata.labels).toMatchObject({
        "app.kubernetes.io/instance": ns,
        "app.kubernetes.io/part-of": spec.name,
        "app.kubernetes.io/managed-by": "codeploy",
        "codeploy.dev/environment": spec.environment,
      });
    }
  });

  it("is deterministic: the same spec gives the same bytes", () => {
    expect(renderKubernetes(make()).files).toEqual(result.files);
  });
});

describe("the schema check itself", () => {
  it("refuses an object that breaks the schema", () => {
    const deployment = renderKubernetes(minimalSpec()).kubernetes?.find((o) => o.kind === "Deployment");
    expect(deployment).toBeDefined();
    const broken = { ...structuredClone(deployment), spec: { replicas: "three" } } as unknown as KubeObject;
    expect(() => validateObject(broken)).toThrow(/replicas/);
  });
});

describe("pod security", () => {
  const objects = renderKubernetes(allEnginesSpec()).kubernetes ?? [];
  const pods = objects.flatMap((o) => {
    const pod = podOf(o);
    return pod ? [{ o, pod }] : [];
  });

  it("meets the restricted Pod Security Standard the Namespace enforces", () => {
    expect(objects[0]?.metadata.labels?.["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    expect(pods.length).toBeGreaterThan(10);
    for (const { o, pod } of pods) {
      const where = `${o.kind}/${o.metadata.name}`;
      expect(pod.automountServiceAccountToken, where).toBe(false);
      expect(pod.securityContext?.runAsNonRoot, where).toBe(true);
      expect(pod.securityContext?.seccompProfile, where).toEqual({ type: "RuntimeDefault" });
      for (const c of pod.containers) {
        expect(c.securityContext?.allowPrivilegeEscalation, where).toBe(false);
        expect(c.securityContext?.capabilities, where).toEqual({ drop: ["ALL"] });
        expect(c.resources?.limits?.memory, where).toBeDefined();
      }
    }
  });

  it("gives app containers a read-only root with /tmp writable, data containers a writable root and their uid", () => {
    for (const { o, pod } of pods) {
      const c = pod.containers[0];
      if (o.kind === "StatefulSet") {
        expect(c?.securityContext?.readOnlyRootFilesystem).toBe(false);
        expect(pod.securityContext?.fsGroup).toBe(pod.securityContext?.runAsUser);
      } else {
        expect(c?.securityContext?.readOnlyRootFilesystem).toBe(true);
        expect(c?.volumeMounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
        expect(pod.volumes).toContainEqual({ name: "tmp", emptyDir: {} });
      }
    }
  });
});

describe("names Kubernetes would refuse", () => {
  it("stops with a typed error before rendering", () => {
    const spec = validateSpec({
      name: "shop",
      environment: "dev",
      services: [{ name: "w".repeat(53), kind: "cron", schedule: "0 2 * * *" }],
    });
    expect(() => renderKubernetes(spec)).toThrow(CodeError);
    expect(() => renderKubernetes(spec)).toThrow(/longer than 52/);
  });

  it("keeps a long app + environment within a DNS label, with a hash instead of a plain cut", () => {
    const spec = validateSpec({
      name: "a".repeat(40),
      environment: "e".repeat(30),
      services: [{ name: "web" }],
    });
    const ns = renderKubernetes(spec).kubernetes?.[0]?.metadata.name ?? "";
    expect(ns.length).toBeLessThanOrEqual(63);
    expect(ns).toMatch(/^a+-e+-[0-9a-f]{16}$/);
  });
});
