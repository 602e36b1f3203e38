/**
 * Cloud local: a module made only of the built-in `terraform_data` resource,
 * one per component, so that it plans and applies offline with no provider
 * to download. Each resource's `input` holds the component's settings (its
 * `output` echoes them after apply); `triggers_replace` holds what forces a
 * new component (the image of a service, the engine and version of the
 * rest), and `depends_on` follows the spec's dependsOn.
 */
import type { DeploymentSpec, Service } from "../../spec/schema.js";
import { secretNamesOf } from "../../spec/secret-refs.js";
import { type ServiceVolume, serviceVolumes } from "../volumes.js";
import {
  envValue,
  ident,
  imageVariables,
  ModuleBuilder,
  type ModuleFile,
  named,
  resource,
  versionOf,
} from "./common.js";
import { expr, type HclValue, type TopBlock } from "./hcl.js";
import { volumeIdent } from "./volumes.js";

type Settings = Record<string, HclValue | undefined>;

function component(
  m: ModuleBuilder,
  file: ModuleFile,
  name: string,
  input: Settings,
  triggers: Settings | undefined,
  dependsOn: readonly string[] = [],
  sensitive = false,
): void {
  const id = ident(name);
  const block: TopBlock = resource("terraform_data", id, {
    input: { name: named(name), ...input },
    triggers_replace: triggers,
    depends_on:
      dependsOn.length > 0 ? dependsOn.map((dep) => expr(`terraform_data.${ident(dep)}`)) : undefined,
  });
  m.add(file, block);
  m.output(
    id,
    expr(`terraform_data.${id}.output`),
    `Settings of ${file.replace(/s$/, "")} ${name} as applied`,
    sensitive,
  );
}

function serviceInput(s: Service): Settings {
  return {
    component: "service",
    kind: s.kind,
    image: expr(`var.${ident(s.name)}_image`),
    port: s.port,
    replicas: s.replicas,
    public: s.public,
    domain: s.domain,
    tls: s.tls,
    env: Object.fromEntries(Object.entries(s.env).map(([k, v]) => [k, envValue(v)])),
    resources: s.resources ? { cpu: s.resources.cpu, memory: s.resources.memory } : undefined,
    autoscale: s.autoscale
      ? { min: s.autoscale.min, max: s.autoscale.max, target_cpu_percent: s.autoscale.targetCpuPercent }
      : undefined,
    health_check_path: s.healthCheck?.path,
    schedule: s.schedule,
    command: s.command ? [...s.command] : undefined,
    args: s.args ? [...s.args] : undefined,
    volumes: s.volumes ? Object.fromEntries(s.volumes.map((v) => [v.name, v.path])) : undefined,
  };
}

/** A volume is a component of its own here too: the plan's volume step has its resource. */
function volume(m: ModuleBuilder, v: ServiceVolume): void {
  const id = volumeIdent(v);
  m.add(
    "volumes",
    resource("terraform_data", id, {
      input: {
        name: named(`${v.service}-${v.volume}`),
        component: "volume",
        service: v.service,
        volume: v.volume,
        path: v.path,
        size_gb: v.sizeGb,
      },
    }),
  );
}

export function renderLocal(spec: DeploymentSpec): ModuleBuilder {
  const m = new ModuleBuilder();
  for (const v of imageVariables(spec.services)) m.variable(v);
  for (const db of spec.databases) {
    const version = versionOf(db);
    const input = {
      component: "database",
      engine: db.engine,
      version,
      storage_gb: db.storageGb,
      high_availability: db.highAvailability,
      backups: db.backups,
    };
    component(m, "databases", db.name, input, { engine: db.engine, version });
  }
  for (const cache of spec.caches) {
    const version = versionOf(cache);
    component(
      m,
      "caches",
      cache.name,
      { component: "cache", engine: cache.engine, version },
      { engine: cache.engine, version },
    );
  }
  for (const queue of spec.queues) {
    const version = versionOf(queue);
    component(
      m,
      "queues",
      queue.name,
      { component: "queue", engine: queue.engine, version },
      { engine: queue.engine, version },
    );
  }
  for (const bucket of spec.buckets) {
    component(m, "buckets", bucket.name, { component: "bucket", public: bucket.public }, undefined);
  }
  for (const v of serviceVolumes(spec)) volume(m, v);
  for (const s of spec.services) {
    const image = expr(`var.${ident(s.name)}_image`);
    // Terraform refuses an output that shows a sensitive variable unless the output is sensitive too.
    const secret = secretNamesOf({ services: [s] }).length > 0;
    component(m, "services", s.name, serviceInput(s), { image }, s.dependsOn, secret);
  }
  return m;
}
