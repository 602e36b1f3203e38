/**
 * `command`, `args` and named volumes as each target renders them, read back
 * as data: compose YAML, the Kubernetes objects, and the Terraform modules
 * through an independent HCL parser (@cdktf/hcl2json).
 */
import { parse as parseHcl } from "@cdktf/hcl2json";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildDestroyPlan, buildPlan } from "../plan/build.js";
import type { DeploymentSpec } from "../spec/schema.js";
import { validateSpec } from "../spec/validate.js";
import { render } from "./index.js";
import type { KubeObject, RenderResult } from "./types.js";
import { claimName, dockerVolumeName, serviceVolumes } from "./volumes.js";

function spec(overrides: Record<string, unknown> = {}, replicas = 1): DeploymentSpec {
  return validateSpec({
    name: "shop",
    environment: "staging",
    services: [
      {
        name: "web",
        image: "ghcr.io/acme/web:1.0",
        port: 8080,
        replicas,
        command: ["/bin/sh", "-c"],
        args: ["echo $HOME $(PATH) > /data/out"],
        volumes: [
          { name: "data", path: "/data", sizeGb: 5 },
          { name: "uploads", path: "/srv/uploads" },
        ],
      },
      { name: "jobs", kind: "worker", image: "ghcr.io/acme/jobs:1.0", command: ["worker"] },
    ],
    ...overrides,
  });
}

type Json = Record<string, unknown>;

async function parsedModule(result: RenderResult): Promise<Record<string, Record<string, Json[]>>> {
  const merged: Record<string, Record<string, Json[]>> = {};
  for (const f of result.files.filter((x) => x.path.endsWith(".tf"))) {
    const doc = (await parseHcl(f.path, f.content)) as { resource?: Record<string, Record<string, Json[]>> };
    for (const [type, byName] of Object.entries(doc.resource ?? {}))
      for (const [name, list] of Object.entries(byName)) merged[type] = { ...merged[type], [name]: list };
  }
  return merged;
}

function one(module: Record<string, Record<string, Json[]>>, type: string, name: string): Json {
  const found = module[type]?.[name]?.[0];
  if (!found) throw new Error(`no ${type}.${name}; have ${Object.keys(module[type] ?? {}).join(", ")}`);
  return found;
}

/** `${ref}` as the HCL parser writes a reference. */
const ref = (code: string): string => `$\{${code}}`;

const first = (value: unknown): Json => (Array.isArray(value) ? value[0] : value) as Json;

async function jsonencoded(value: unknown): Promise<unknown> {
  const inner = String(value)
    .replace(/^\$\{jsonencode\(/, "")
    .replace(/\)\}$/, "");
  const doc = (await parseHcl("x.tf", `locals {\n  x = ${inner}\n}\n`)) as { locals: { x: unknown }[] };
  return doc.locals[0]?.x;
}

describe("docker", () => {
  const s = spec();
  const result = render(s);
  const doc = parse(result.files.find((f) => f.path === "compose.yaml")?.content ?? "") as {
    services: Record<string, Json>;
    volumes: Record<string, Json>;
  };

  it("puts command and args in entrypoint and command, dollars escaped for compose", () => {
    expect(doc.services.web?.entrypoint).toEqual(["/bin/sh", "-c"]);
    expect(doc.services.web?.command).toEqual(["echo $$HOME $$(PATH) > /data/out"]);
    // A command alone drops the image's CMD, as on Kubernetes.
    expect(doc.services.jobs?.entrypoint).toEqual(["worker"]);
    expect(doc.services.jobs?.command).toEqual([]);
  });

  it("mounts named volumes with CODE's injective names and ownership labels", () => {
    expect(doc.services.web?.volumes).toEqual(["web.data:/data", "web.uploads:/srv/uploads"]);
    const [data] = serviceVolumes(s);
    if (!data) throw new Error("no volume");
    expect(doc.volumes["web.data"]).toEqual({
      name: dockerVolumeName(s, data),
      labels: {
        "codeploy.app": "shop",
        "codeploy.env": "staging",
        "codeploy.service": "web",
        "codeploy.volume": "data",
      },
    });
    expect(dockerVolumeName(s, data)).toMatch(/^codeploy-shop-staging-web-data-[0-9a-f]{8}$/);
  });
});

describe("kubernetes", () => {
  const objects = (replicas: number): readonly KubeObject[] =>
    render(spec({ target: "kubernetes" }, replicas)).kubernetes ?? [];
  const deployment = (list: readonly KubeObject[]) =>
    list.find((o) => o.kind === "Deployment" && o.metadata.name === "web") as unknown as {
      spec: {
        strategy?: { type: string };
        template: {
          spec: {
            securityContext: Json;
            containers: { command?: string[]; args?: string[]; volumeMounts: Json[] }[];
            volumes: Json[];
          };
        };
      };
    };

  it("renders a claim per volume, mounted, with Kubernetes' $ escape on command and args", () => {
    const list = objects(1);
    const claims = list.filter((o) => o.kind === "PersistentVolumeClaim");
    expect(claims.map((c) => c.metadata.name)).toEqual([
      claimName({ service: "web", volume: "data" }),
      claimName({ service: "web", volume: "uploads" }),
    ]);
    expect(claims[0]?.spec).toEqual({
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: "5Gi" } },
    });
    const d = deployment(list);
    const container = d.spec.template.spec.containers[0];
    expect(container?.command).toEqual(["/bin/sh", "-c"]);
    expect(container?.args).toEqual(["echo $$HOME $$(PATH) > /data/out"]);
    expect(container?.volumeMounts).toContainEqual({ name: "vol-data", mountPath: "/data" });
    expect(d.spec.template.spec.volumes).toContainEqual({
      name: "vol-uploads",
      persistentVolumeClaim: { claimName: claimName({ service: "web", volume: "uploads" }) },
    });
    expect(d.spec.template.spec.securityContext).toMatchObject({ fsGroup: 1000 });
    // One replica on a ReadWriteOnce claim: the old pod lets go before the new one starts.
    expect(d.spec.strategy).toEqual({ type: "Recreate" });
  });

  it("shares one ReadWriteMany claim between replicas (or an autoscaler) and keeps rolling updates", () => {
    const three = objects(3);
    const claim = three.find((o) => o.kind === "PersistentVolumeClaim");
    expect(claim?.spec).toMatchObject({ accessModes: ["ReadWriteMany"] });
    expect(deployment(three).spec.strategy).toBeUndefined();
  });

  it("names claims injectively over (service, volume)", () => {
    expect(claimName({ service: "a-b", volume: "c" })).not.toBe(claimName({ service: "a", volume: "b-c" }));
  });
});

describe("terraform", () => {
  it("aws: EFS file system, mount targets and access point per volume, mounted by the task", async () => {
    const s = spec({ target: "terraform", cloud: "aws" });
    const m = await parsedModule(render(s));
    expect(one(m, "aws_efs_file_system", "web_vol-data").encrypted).toBe(true);
    expect(one(m, "aws_efs_mount_target", "web_vol-uploads").count).toBe(2);
    expect(first(one(m, "aws_efs_access_point", "web_vol-data").root_directory).path).toBe("/data");
    const task = one(m, "aws_ecs_task_definition", "web");
    const volumes = task.volume as Json[];
    expect(volumes.map((v) => v.name)).toEqual(["vol-data", "vol-uploads"]);
    expect(first(first(volumes[0]?.efs_volume_configuration).authorization_config).access_point_id).toBe(
      ref("aws_efs_access_point.web_vol-data.id"),
    );
    const [container] = (await jsonencoded(task.container_definitions)) as Json[];
    expect(container?.entryPoint).toEqual(["/bin/sh", "-c"]);
    expect(container?.command).toEqual(["echo $HOME $(PATH) > /data/out"]);
    expect(container?.mountPoints).toEqual([
      { sourceVolume: "vol-data", containerPath: "/data", readOnly: false },
      { sourceVolume: "vol-uploads", containerPath: "/srv/uploads", readOnly: false },
    ]);
    const sg = one(m, "aws_security_group", "data");
    expect(JSON.stringify(sg.ingress)).toContain('"from_port":2049');
    expect(one(m, "aws_ecs_service", "web").depends_on).toContain(ref("aws_efs_mount_target.web_vol-data"));
  });

  it("gcp: a Filestore instance per volume, NFS mounts on the gen2 environment", async () => {
    const m = await parsedModule(render(spec({ target: "terraform", cloud: "gcp" })));
    const fs = one(m, "google_filestore_instance", "web_vol-data");
    expect(fs.tier).toBe("BASIC_HDD");
    expect(first(fs.file_shares).capacity_gb).toBe(1024);
    const template = first(one(m, "google_cloud_run_v2_service", "web").template);
    expect(template.execution_environment).toBe("EXECUTION_ENVIRONMENT_GEN2");
    expect((template.volumes as Json[]).map((v) => first(v.nfs).server)).toEqual([
      ref("google_filestore_instance.web_vol-data.networks[0].ip_addresses[0]"),
      ref("google_filestore_instance.web_vol-uploads.networks[0].ip_addresses[0]"),
    ]);
    const container = first(template.containers);
    expect(container.command).toEqual(["/bin/sh", "-c"]);
    expect(container.args).toEqual(["echo $$HOME $$(PATH) > /data/out"]);
    expect((container.volume_mounts as Json[]).map((v) => v.mount_path)).toEqual(["/data", "/srv/uploads"]);
  });

  it("azure: an Azure Files share per volume, registered with the environment and mounted", async () => {
    const m = await parsedModule(render(spec({ target: "terraform", cloud: "azure" })));
    expect(one(m, "azurerm_storage_share", "web_vol-data").quota).toBe(5);
    expect(one(m, "azurerm_container_app_environment_storage", "web_vol-uploads").access_mode).toBe(
      "ReadWrite",
    );
    const template = first(one(m, "azurerm_container_app", "web").template);
    expect((template.volume as Json[]).map((v) => v.storage_type)).toEqual(["AzureFile", "AzureFile"]);
    const container = first(template.container);
    expect(container.command).toEqual(["/bin/sh", "-c"]);
    expect((container.volume_mounts as Json[]).map((v) => v.path)).toEqual(["/data", "/srv/uploads"]);
    expect(JSON.stringify(one(m, "azurerm_storage_account", "files"))).not.toContain('public":true');
  });
});

describe("the plan", () => {
  it("creates each volume before its service, keeps it on a re-plan and detaches without deleting", () => {
    const s = spec();
    const plan = buildPlan(s);
    const step = plan.steps.find((x) => x.id === "volume:web.data");
    expect(step).toMatchObject({ kind: "volume", action: "create", component: "web", volume: "data" });
    expect(plan.steps.find((x) => x.id === "service:web")?.dependsOn).toContain("volume:web.data");
    expect(buildPlan(s, s).steps.find((x) => x.id === "volume:web.data")?.action).toBe("noop");
    const fewer = validateSpec({
      ...s,
      services: s.services.map((x) => ({ ...x, volumes: x.volumes?.filter((v) => v.name === "data") })),
    });
    const removal = buildPlan(fewer, s).steps.find((x) => x.id === "remove-volume:web.uploads");
    expect(removal?.action).toBe("delete");
    expect(removal?.description).toContain("kept until destroy");
    // Each target's plan says what happens to the files: the cloud modules delete the file system.
    const aws = spec({ target: "terraform", cloud: "aws" });
    const destroy = buildDestroyPlan(aws).steps.find((x) => x.id === "remove-volume:web.data");
    expect(destroy?.description).toContain("deletes its file system");
    const kube = buildDestroyPlan(spec({ target: "kubernetes" })).steps.find(
      (x) => x.id === "remove-volume:web.data",
    );
    expect(kube?.description).toContain("goes with the namespace");
  });
});
