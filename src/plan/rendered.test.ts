/**
 * A plan never promises what is not rendered: every step of the plan of the
 * example specs and of 50 interpreted requests maps to rendered objects, on
 * docker, kubernetes and terraform (aws, gcp, azure, local). The mapping
 * below reads the artifacts as data (compose services, Kubernetes objects,
 * Terraform blocks), independently of the planner.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { interpretRules } from "../intent/index.js";
import { objectStoreName } from "../render/data-services.js";
import { render } from "../render/index.js";
import { ident } from "../render/terraform/common.js";
import type { KubeObject, RenderResult, TerraformBlock } from "../render/types.js";
import type { DeploymentSpec } from "../spec/schema.js";
import { validateSpec } from "../spec/validate.js";
import { buildPlan, type PlanStep } from "./build.js";

const fixtures = join(import.meta.dirname, "../../test/fixtures");

type ComposeDoc = {
  services?: Record<string, { ports?: unknown; entrypoint?: unknown; volumes?: unknown }>;
  networks?: Record<string, unknown>;
  volumes?: Record<string, unknown>;
};

function dockerObjects(step: PlanStep, spec: DeploymentSpec, r: RenderResult): string[] {
  const doc = (r.compose ?? {}) as ComposeDoc;
  const services = doc.services ?? {};
  const name = step.component ?? "";
  switch (step.kind) {
    case "network":
      return Object.keys(doc.networks ?? {}).map((n) => `network ${n}`);
    case "secrets":
      return r.files.filter((f) => f.path === ".env").map((f) => f.path);
    case "bucket": {
      const job = `${objectStoreName(spec)}-buckets`;
      return JSON.stringify(services[job]?.entrypoint ?? "").includes(`local/${name}`)
        ? [`service ${job}`]
        : [];
    }
    case "ingress":
      return services[name]?.ports ? [`ports of ${name}`] : [];
    case "volume": {
      const key = `${name}.${step.volume}`;
      return doc.volumes?.[key] !== undefined && JSON.stringify(services[name]?.volumes).includes(`"${key}:`)
        ? [`volume ${key}`]
        : [];
    }
    case "monitoring":
      return r.files
        .filter((f) => f.path === "prometheus.yml" || f.path === "prometheus-rules.yml")
        .map((f) => f.path);
    default:
      return services[name] ? [`service ${name}`] : [];
  }
}

const MONITORING_KINDS = new Set(["ServiceMonitor", "PodMonitor", "PrometheusRule", "ConfigMap"]);

function kubeObjects(step: PlanStep, spec: DeploymentSpec, r: RenderResult): string[] {
  const objects = r.kubernetes ?? [];
  const name = step.component ?? "";
  const id = (o: KubeObject) => `${o.kind} ${o.metadata.name}`;
  const pick = (f: (o: KubeObject) => boolean) => objects.filter(f).map(id);
  switch (step.kind) {
    case "network":
      return pick((o) => o.kind === "Namespace" || o.kind === "NetworkPolicy");
    case "secrets":
      return pick((o) => o.kind === "Secret" && o.metadata.name.endsWith("-credentials"));
    case "bucket":
      return pick(
        (o) =>
          o.kind === "Job" &&
          o.metadata.name === `${objectStoreName(spec)}-buckets` &&
          JSON.stringify(o.spec).includes(`local/${name}`),
      );
    case "ingress":
      return pick((o) => o.kind === "Ingress" && o.metadata.name === name);
    case "volume":
      return pick(
        (o) =>
          o.kind === "PersistentVolumeClaim" &&
          o.metadata.labels?.["app.kubernetes.io/name"] === name &&
          JSON.stringify(o.metadata.annotations).includes(`"${step.volume} at `),
      );
    case "monitoring":
      return pick((o) => MONITORING_KINDS.has(o.kind));
    case "service":
      return pick((o) => ["Deployment", "CronJob"].includes(o.kind) && o.metadata.name === name);
    default:
      return pick((o) => o.kind === "StatefulSet" && o.metadata.name === name);
  }
}

const NETWORK_TYPES = new Set(["aws_vpc", "google_compute_network", "azurerm_virtual_network"]);
const CREDENTIAL_TYPES = new Set([
  "random_password",
  "aws_secretsmanager_secret",
  "google_secret_manager_secret",
  "azurerm_servicebus_queue_authorization_rule",
]);

function has(value: unknown, text: string): boolean {
  return JSON.stringify(value ?? null).includes(text);
}

function terraformObjects(step: PlanStep, spec: DeploymentSpec, r: RenderResult): string[] {
  const blocks = r.terraform ?? [];
  const id = step.component === undefined ? "" : ident(step.component);
  const address = (b: TerraformBlock) => `${b.blockType} ${b.labels.join(".")}`;
  const resources = (f: (type: string, name: string, b: TerraformBlock) => boolean) =>
    blocks
      .filter((b) => b.blockType === "resource" && f(b.labels[0] ?? "", b.labels[1] ?? "", b))
      .map(address);
  switch (step.kind) {
    case "network":
      // cloud local has no network: the step is the module itself (its terraform block).
      return spec.cloud === "local"
        ? blocks.filter((b) => b.blockType === "terraform").map(address)
        : resources((type) => NETWORK_TYPES.has(type));
    case "secrets":
      return resources((type) => CREDENTIAL_TYPES.has(type));
    case "ingress":
      return resources(
        (type, name, b) =>
          (type === "aws_lb_target_group" && name === id) ||
          (type === "google_cloud_run_v2_service_iam_member" && name === `${id}_public`) ||
          (type === "azurerm_container_app" &&
            name === id &&
            has(b.body.ingress, '"external_enabled":true')) ||
          (type === "terraform_data" && name === id && has(b.body.input, '"public":true')),
      );
    case "monitoring":
      return resources(
        (type, _name, b) =>
          (type === "aws_ecs_cluster" && has(b.body.setting, '"enabled"')) ||
          [
            "aws_cloudwatch_metric_alarm",
            "google_monitoring_alert_policy",
            "azurerm_monitor_metric_alert",
          ].includes(type),
      );
    case "volume":
      return resources(
        (type, name) =>
          name === `${id}_vol-${step.volume}` &&
          [
            "aws_efs_file_system",
            "google_filestore_instance",
            "azurerm_storage_share",
            "terraform_data",
          ].includes(type),
      );
    default:
      return resources((_type, name) => name === id || name.startsWith(`${id}_`));
  }
}

function renderedFor(step: PlanStep, spec: DeploymentSpec, r: RenderResult): string[] {
  if (r.target === "docker") return dockerObjects(step, spec, r);
  if (r.target === "kubernetes") return kubeObjects(step, spec, r);
  return terraformObjects(step, spec, r);
}

const example = (file: string) => validateSpec(parse(readFileSync(join(fixtures, "examples", file), "utf8")));

/** 50 deploy requests in words from the two intent corpora, in file order. */
function interpreted(): [string, DeploymentSpec][] {
  const lines = ["realistic.jsonl", "dev.jsonl"].flatMap((f) =>
    readFileSync(join(fixtures, "intent-bench", f), "utf8")
      .split("\n")
      .filter(Boolean),
  );
  const out: [string, DeploymentSpec][] = [];
  for (const line of lines) {
    const { text, action } = JSON.parse(line) as { text: string; action: string };
    if (action !== "deploy" || out.length >= 50) continue;
    out.push([text, interpretRules(text).spec]);
  }
  return out;
}

const TARGETS = [
  { target: "docker", cloud: "local" },
  { target: "kubernetes", cloud: "local" },
  { target: "terraform", cloud: "aws" },
  { target: "terraform", cloud: "gcp" },
  { target: "terraform", cloud: "azure" },
  { target: "terraform", cloud: "local" },
] as const;

/** rich-prod with named volumes on a web service, a worker and a cron job, and their commands. */
function withVolumes(): DeploymentSpec {
  const rich = example("rich-prod.yaml");
  const volumes = [
    { name: "uploads", path: "/srv/uploads", sizeGb: 20 },
    { name: "cache", path: "/var/cache/app" },
  ];
  return validateSpec({
    ...rich,
    services: rich.services.map((s) => ({
      ...s,
      volumes: s.kind === "web" ? volumes : [{ name: "scratch", path: "/scratch" }],
      command: ["/bin/app"],
      args: ["serve", "--root=$HOME"],
    })),
  });
}

const SPECS: [string, DeploymentSpec][] = [
  ["example rich-prod", example("rich-prod.yaml")],
  ["rich-prod with volumes", withVolumes()],
  ["example risky-prod", example("risky-prod.yaml")],
  ...interpreted(),
];

describe("every plan step maps to rendered objects", () => {
  it("reads 50 interpreted requests besides the examples", () => {
    expect(SPECS).toHaveLength(53);
    expect(buildPlan(withVolumes()).steps.filter((s) => s.kind === "volume")).toHaveLength(4);
  });

  it.each(TARGETS)("on $target ($cloud)", ({ target, cloud }) => {
    const phantoms: string[] = [];
    let steps = 0;
    for (const [label, base] of SPECS) {
      // A region belongs to its cloud: dropped when the cloud changes.
      const { region, ...rest } = base;
      const spec = validateSpec({ ...rest, target, cloud, ...(base.cloud === cloud ? { region } : {}) });
      const result = render(spec, { secretSeed: "plan-rendered-test-seed" });
      for (const step of buildPlan(spec).steps) {
        steps += 1;
        if (renderedFor(step, spec, result).length === 0) phantoms.push(`${label}: ${step.id}`);
      }
    }
    expect(phantoms).toEqual([]);
    expect(steps).toBeGreaterThan(SPECS.length * 2);
  });
});

describe("the mapping can fail", () => {
  it("finds no object for a step the renderer has nothing for", () => {
    const spec = validateSpec({
      name: "shop",
      target: "kubernetes",
      services: [{ name: "web", image: "nginx:1.27", public: true, domain: "shop.example.com" }],
    });
    const result = render(spec);
    const phantom: PlanStep = {
      id: "ingress:web",
      kind: "ingress",
      action: "create",
      component: "web",
      dependsOn: [],
      description: "create public endpoint for web",
    };
    expect(renderedFor(phantom, spec, result)).toEqual([]);
    // ...and the planner does not promise it: no port, no Ingress, no ingress step.
    expect(buildPlan(spec).steps.map((s) => s.id)).not.toContain("ingress:web");
  });
});
