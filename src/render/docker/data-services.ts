/**
 * Compose services for the data components (databases, caches, queues, the
 * MinIO object store and its bucket-creating job). Passwords never appear in
 * compose.yaml: it refers to variables that `.env` (rendered beside it) holds.
 */
import type { DeploymentSpec } from "../../spec/schema.js";
import {
  checkedPassword,
  DATA_USER,
  type DataAccess,
  type DataComponent,
  envName,
  MINIO_CLIENT_IMAGE,
} from "../data-services.js";
import { localDatabaseName } from "../local-connections.js";
import type { CredentialSource } from "../types.js";
import { composeCpus, composeMemory } from "./units.js";

export type ComposeService = Record<string, unknown>;

/** Compose interpolates `$`: literal dollars (user values, shell scripts) are written `$$`. */
export function escapeDollars(value: string): string {
  return value.replace(/\$/g, () => "$$");
}

export function passwordVar(component: string, purpose: "app" | "root"): string {
  return `CODEPLOY_${envName(component)}_${purpose === "root" ? "ROOT_" : ""}PASSWORD`;
}

/** `${VAR}`; the strict form stops `docker compose` with a message when `.env` is missing. */
function ref(name: string, strict: boolean): string {
  return strict ? `\${${name}:?missing from .env}` : `\${${name}}`;
}

export function databaseName(spec: DeploymentSpec): string {
  return localDatabaseName(spec);
}

/** Access data for compose: passwords as references to `.env`. */
export function composeAccess(spec: DeploymentSpec, name: string, strict: boolean): DataAccess {
  return {
    host: name,
    user: DATA_USER,
    password: ref(passwordVar(name, "app"), strict),
    rootPassword: ref(passwordVar(name, "root"), strict),
    database: databaseName(spec),
    scope: `${spec.name}/${spec.environment}`,
  };
}

/** The `.env` lines: one password per component that takes one (two for mysql and mariadb). */
export function envFileLines(components: readonly DataComponent[], credentials: CredentialSource): string[] {
  const lines: string[] = [];
  for (const c of components) {
    if (c.profile.credentials === "none") continue;
    lines.push(`${passwordVar(c.name, "app")}=${checkedPassword(credentials, c.name, "app")}`);
    if (c.profile.credentials === "password+root") {
      lines.push(`${passwordVar(c.name, "root")}=${checkedPassword(credentials, c.name, "root")}`);
    }
  }
  return lines;
}

export function sortedRecord(entries: Iterable<readonly [string, string]>): Record<string, string> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export interface ServiceFrame {
  readonly network: string;
  readonly labels: (service: string) => Record<string, string>;
}

export function dataService(spec: DeploymentSpec, c: DataComponent, frame: ServiceFrame): ComposeService {
  const p = c.profile;
  const access = composeAccess(spec, c.name, true);
  const out: ComposeService = { image: c.image, hostname: c.name };
  const args = p.args?.(access);
  if (args) out.command = args;
  out.restart = "unless-stopped";
  const env = p.serverEnv(access);
  if (Object.keys(env).length > 0) out.environment = sortedRecord(Object.entries(env));
  if (p.healthcheck) {
    out.healthcheck = {
      test: ["CMD", ...p.healthcheck.map(escapeDollars)],
      interval: "10s",
      timeout: "5s",
      retries: 5,
      start_period: "30s",
    };
  }
  out.deploy = { resources: { limits: { cpus: composeCpus(p.cpu[1]), memory: composeMemory(p.memory[1]) } } };
  if (p.volumePath) out.volumes = [`${c.name}-data:${p.volumePath}`];
  out.networks = [frame.network];
  out.labels = frame.labels(c.name);
  if (c.notes.length > 0) out["x-codeploy-notes"] = [...c.notes];
  return out;
}

/** A one-shot service that creates the spec's buckets in MinIO (and opens the public ones for reading). */
export function bucketJob(spec: DeploymentSpec, store: string, frame: ServiceFrame): ComposeService {
  const names = spec.buckets.map((b) => `local/${b.name}`);
  const steps = [`mc mb --ignore-existing ${names.join(" ")}`];
  for (const b of spec.buckets) if (b.public) steps.push(`mc anonymous set download local/${b.name}`);
  const access = composeAccess(spec, store, false);
  return {
    image: MINIO_CLIENT_IMAGE,
    entrypoint: ["sh", "-c", escapeDollars(steps.join(" && "))],
    restart: "no",
    environment: { MC_HOST_local: `http://${access.user}:${access.password}@${store}:9000` },
    depends_on: { [store]: { condition: "service_healthy" } },
    deploy: { resources: { limits: { cpus: "0.25", memory: "128m" } } },
    networks: [frame.network],
    labels: frame.labels(`${store}-buckets`),
  };
}
