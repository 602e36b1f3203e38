/**
 * The connection contract on every target, read back from what is written:
 * compose.yaml, the Kubernetes objects, and the Terraform files parsed by an
 * independent HCL parser (@cdktf/hcl2json, HashiCorp's hcl library in wasm).
 * For each engine and each target: the variable names a dependant gets; on
 * the clouds, that credentials come from the cloud's secret store (never a
 * plain value) and that the service's identity may read exactly those secrets.
 */

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the parsed HCL holds literal ${...} interpolations
import { readFileSync } from "node:fs";
import { parse as parseHcl } from "@cdktf/hcl2json";
import { describe, expect, it } from "vitest";
import { validateSpec } from "../spec/validate.js";
import { CONTRACT, type Family } from "./connections.js";
import { render } from "./index.js";
import type { RenderResult } from "./types.js";

const SEED = { secretSeed: "contract-test-seed-0123456789" };
const ENGINES = {
  databases: ["postgres", "mysql", "mariadb", "mongodb"],
  caches: ["redis", "valkey", "memcached"],
  queues: ["rabbitmq", "sqs", "kafka", "nats"],
} as const;
type Group = keyof typeof ENGINES | "buckets";
type Engine = (typeof ENGINES)[keyof typeof ENGINES][number] | "bucket";
const CASES: [Group, Engine][] = [
  ...(Object.keys(ENGINES) as (keyof typeof ENGINES)[]).flatMap((g) =>
    ENGINES[g].map((e) => [g, e] as [Group, Engine]),
  ),
  ["buckets", "bucket"],
];

function specFor(
  group: Group,
  engine: Engine,
  target: "docker" | "kubernetes" | "terraform",
  cloud = "local",
) {
  const dep = group === "buckets" ? { name: "dep" } : { name: "dep", engine };
  return validateSpec({
    name: "conn",
    environment: "staging",
    target,
    cloud,
    services: [
      { name: "app", kind: "worker", image: "ghcr.io/acme/app:1.0", port: 8080, dependsOn: ["dep"] },
    ],
    [group]: [dep],
  });
}

const names = (family: Family, parts?: readonly string[]) =>
  CONTRACT[family].filter((e) => !parts || parts.includes(e.part)).map((e) => e.name);

/** docker and kubernetes run every engine as itself (buckets in MinIO). */
const LOCAL: Record<Engine, string[]> = {
  postgres: names("database"),
  mysql: names("database"),
  mariadb: names("database"),
  mongodb: names("database"),
  redis: names("redis"),
  valkey: names("redis"),
  memcached: names("memcached"),
  rabbitmq: names("amqp"),
  nats: names("nats"),
  kafka: names("kafka"),
  sqs: names("sqs"),
  bucket: names("bucket"),
};

/** What each cloud offers instead, where it has no managed engine of that name. */
const CLOUD: Record<"aws" | "gcp" | "azure", Record<Engine, string[]>> = {
  aws: {
    ...LOCAL,
    // NATS runs as an ECS service without credentials; buckets use the task role, not keys.
    nats: names("nats", ["url", "host", "port"]),
    bucket: names("bucket", ["bucket", "endpoint", "region"]),
  },
  gcp: {
    ...LOCAL,
    // Firestore (MongoDB compatible) signs in with the service account: no user or password.
    mongodb: names("database", ["url", "host", "port", "name"]),
    rabbitmq: names("pubsub"),
    nats: names("pubsub"),
    kafka: names("pubsub"),
    sqs: names("pubsub"),
    bucket: names("bucket", ["bucket", "endpoint"]),
  },
  azure: {
    ...LOCAL,
    memcached: names("redis"),
    rabbitmq: names("servicebus"),
    nats: names("servicebus"),
    kafka: names("servicebus"),
    sqs: names("servicebus"),
    bucket: names("bucket", ["bucket", "endpoint"]),
  },
};

const SECRET_NAMES = new Set(
  Object.values(CONTRACT)
    .flat()
    .filter((e) => e.secret)
    .map((e) => e.name),
);
/** Always a credential; a URL is one when the engine takes a password (then it holds it). */
const ALWAYS_SECRET = new Set(
  Object.values(CONTRACT)
    .flat()
    .filter((e) => e.secret && e.part !== "url")
    .map((e) => e.name),
);

describe("the contract on docker and kubernetes", () => {
  it.each(CASES)(
    "%s %s: the same names on both, credentials never in plain Kubernetes values",
    (group, engine) => {
      const compose = render(specFor(group, engine, "docker"), SEED).compose as {
        services: Record<string, { environment?: Record<string, string> }>;
      };
      const dockerEnv = compose.services.app?.environment ?? {};
      expect(Object.keys(dockerEnv).sort()).toEqual([...LOCAL[engine]].sort());
      const objects = render(specFor(group, engine, "kubernetes"), SEED).kubernetes ?? [];
      const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "app");
      const spec = deployment?.spec as {
        template: {
          spec: { containers: { env: { name: string; value?: string; valueFrom?: unknown }[] }[] };
        };
      };
      const env = spec.template.spec.containers[0]?.env ?? [];
      expect(env.map((e) => e.name).sort()).toEqual([...LOCAL[engine]].sort());
      for (const e of env) if (SECRET_NAMES.has(e.name)) expect(e.valueFrom, e.name).toBeDefined();
    },
  );
});

type Json = Record<string, unknown>;

/** Every file of the module through the HCL parser, merged: `resource.type.name[0]` is a body. */
async function parsedModule(result: RenderResult): Promise<Json> {
  const merged: Record<string, Record<string, Json>> = {};
  for (const f of result.files.filter((x) => x.path.endsWith(".tf"))) {
    const doc = (await parseHcl(f.path, f.content)) as Record<string, Record<string, Json>>;
    for (const [kind, entries] of Object.entries(doc)) {
      merged[kind] ??= {};
      for (const [type, byName] of Object.entries(entries)) {
        merged[kind][type] = { ...(merged[kind][type] ?? {}), ...byName };
      }
    }
  }
  return merged;
}

function body(module: Json, type: string, name: string): Json {
  const resources = module.resource as Record<string, Record<string, Json[]>>;
  const found = resources[type]?.[name]?.[0];
  if (!found) throw new Error(`no ${type}.${name}`);
  return found;
}

function bodiesOf(module: Json, type: string): [string, Json][] {
  const resources = module.resource as Record<string, Record<string, Json[]>>;
  return Object.entries(resources[type] ?? {}).map(([name, list]) => [name, list[0] ?? {}]);
}

/** `${jsonencode(X)}` -> X as data, by parsing its argument as an HCL expression. */
async function jsonencoded(value: unknown): Promise<unknown> {
  const inner = String(value)
    .replace(/^\$\{jsonencode\(/, "")
    .replace(/\)\}$/, "");
  const doc = (await parseHcl("x.tf", `locals {\n  x = ${inner}\n}\n`)) as { locals: { x: unknown }[] };
  return doc.locals[0]?.x;
}

interface Statement {
  readonly Action: string[];
  readonly Resource: string[];
}

async function statements(module: Json, name: string): Promise<Statement[]> {
  const policy = (await jsonencoded(body(module, "aws_iam_role_policy", name).policy)) as {
    Statement: Statement[];
  };
  return policy.Statement;
}

interface CloudWiring {
  readonly plain: Record<string, unknown>;
  /** Variable -> the secret-store entry it is read from. */
  readonly secrets: Record<string, string>;
  /** Secret-store entries the service's identity may read. */
  readonly readable: string[];
}

async function awsWiring(module: Json): Promise<CloudWiring> {
  const task = body(module, "aws_ecs_task_definition", "app");
  const [container] = (await jsonencoded(task.container_definitions)) as Json[];
  const env = (container?.environment ?? []) as { name: string; value: unknown }[];
  const secrets = (container?.secrets ?? []) as { name: string; valueFrom: string }[];
  const ref = (v: string) =>
    /^\$\{aws_secretsmanager_secret\.([a-z0-9_]+)\.arn\}$/.exec(v)?.[1] ?? `literal:${v}`;
  let readable: string[] = [];
  if (secrets.length > 0) {
    expect(task.execution_role_arn).toBe("${aws_iam_role.app_execution.arn}");
    const granted = await statements(module, "app_execution_secrets");
    expect(granted.map((s) => s.Action)).toEqual([["secretsmanager:GetSecretValue"]]);
    readable = granted.flatMap((s) => s.Resource.map(ref));
  }
  return {
    plain: Object.fromEntries(env.map((e) => [e.name, e.value])),
    secrets: Object.fromEntries(secrets.map((s) => [s.name, ref(s.valueFrom)])),
    readable,
  };
}

function gcpWiring(module: Json): CloudWiring {
  const service = body(module, "google_cloud_run_v2_service", "app");
  const template = (service.template as Json[])[0] ?? {};
  expect(template.service_account).toBe("${google_service_account.app_sa.email}");
  const container = ((template.containers as Json[])[0] ?? {}) as { env?: Json[] };
  const plain: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  for (const e of container.env ?? []) {
    const source = (e.value_source as Json[] | undefined)?.[0];
    const key = (source?.secret_key_ref as Json[] | undefined)?.[0];
    if (key) {
      expect(key.version).toBe("latest");
      secrets[String(e.name)] =
        /^\$\{google_secret_manager_secret\.([a-z0-9_]+)\.secret_id\}$/.exec(String(key.secret))?.[1] ?? "?";
    } else plain[String(e.name)] = e.value;
  }
  const readable = bodiesOf(module, "google_secret_manager_secret_iam_member")
    .filter(([, b]) => b.member === "serviceAccount:${google_service_account.app_sa.email}")
    .map(([, b]) => {
      expect(b.role).toBe("roles/secretmanager.secretAccessor");
      return (
        /^\$\{google_secret_manager_secret\.([a-z0-9_]+)\.secret_id\}$/.exec(String(b.secret_id))?.[1] ?? "?"
      );
    });
  return { plain, secrets, readable };
}

function azureWiring(module: Json): CloudWiring {
  const app = body(module, "azurerm_container_app", "app");
  const own = ((app.secret as Json[] | undefined) ?? []).map((s) => String(s.name));
  const template = (app.template as Json[])[0] ?? {};
  const container = ((template.container as Json[])[0] ?? {}) as { env?: Json[] };
  const plain: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  for (const e of container.env ?? []) {
    if (e.secret_name !== undefined) secrets[String(e.name)] = String(e.secret_name);
    else plain[String(e.name)] = e.value;
  }
  // Container Apps secrets belong to the app: only its revisions can read them.
  return { plain, secrets, readable: own };
}

const CLOUDS = ["aws", "gcp", "azure"] as const;
const WIRING = { aws: awsWiring, gcp: gcpWiring, azure: azureWiring } as const;

describe("the contract on the clouds, read back through an HCL parser", () => {
  describe.each(CLOUDS)("%s", (cloud) => {
    it.each(CASES)("%s %s", async (group, engine) => {
      const result = render(specFor(group, engine, "terraform", cloud), SEED);
      const module = await parsedModule(result);
      const wiring = await WIRING[cloud](module);
      const all = [...Object.keys(wiring.plain), ...Object.keys(wiring.secrets)];
      expect(all.sort()).toEqual([...CLOUD[cloud][engine]].sort());
      // Credentials only through the secret store; what the service reads is exactly what it may read.
      for (const name of Object.keys(wiring.plain)) expect(ALWAYS_SECRET.has(name), name).toBe(false);
      const credentialed = Object.keys(wiring.secrets).some((n) => ALWAYS_SECRET.has(n));
      for (const name of Object.keys(wiring.plain))
        if (credentialed) expect(SECRET_NAMES.has(name), `${name} holds the password`).toBe(false);
      expect([...new Set(Object.values(wiring.secrets))].sort()).toEqual([...wiring.readable].sort());
      for (const value of Object.values(wiring.plain))
        expect(String(value)).not.toMatch(
          /random_password|auth_string|access_key|primary_key|connection_string/,
        );
      // No output hands out a credential.
      const outputs = Object.values((module.output ?? {}) as Record<string, Json[]>).map((o) =>
        String(o[0]?.value),
      );
      for (const v of outputs)
        expect(v).not.toMatch(/random_password|auth_string|access_key|primary_key|connection_string/);
    });
  });

  it("gives a postgres and a redis dependant the same names on all five targets", async () => {
    for (const [group, engine] of [
      ["databases", "postgres"],
      ["caches", "redis"],
    ] as const) {
      const seen = new Set<string>();
      for (const cloud of CLOUDS) {
        const module = await parsedModule(render(specFor(group, engine, "terraform", cloud), SEED));
        const w = await WIRING[cloud](module);
        seen.add([...Object.keys(w.plain), ...Object.keys(w.secrets)].sort().join(","));
      }
      const compose = render(specFor(group, engine, "docker"), SEED).compose as {
        services: Record<string, { environment?: Record<string, string> }>;
      };
      seen.add(
        Object.keys(compose.services.app?.environment ?? {})
          .sort()
          .join(","),
      );
      expect([...seen]).toEqual([[...LOCAL[engine]].sort().join(",")]);
    }
  });

  it("aws: the URL secret holds the credentials the database and the cache are created with", async () => {
    const db = await parsedModule(render(specFor("databases", "postgres", "terraform", "aws"), SEED));
    expect(body(db, "aws_db_instance", "dep").password).toBe("${random_password.dep.result}");
    expect(body(db, "aws_secretsmanager_secret_version", "dep_url").secret_string).toBe(
      "postgres://dbadmin:${random_password.dep.result}@${aws_db_instance.dep.address}:5432/conn?sslmode=require",
    );
    const cache = await parsedModule(render(specFor("caches", "redis", "terraform", "aws"), SEED));
    const group = body(cache, "aws_elasticache_replication_group", "dep");
    expect(group).toMatchObject({
      transit_encryption_enabled: true,
      auth_token: "${random_password.dep.result}",
    });
    expect(body(cache, "aws_secretsmanager_secret_version", "dep_url").secret_string).toBe(
      "rediss://:${random_password.dep.result}@${aws_elasticache_replication_group.dep.primary_endpoint_address}:6379",
    );
  });

  it("aws: a bucket's and a queue's rights go to the service's own task role, for that resource only", async () => {
    const module = await parsedModule(render(specFor("buckets", "bucket", "terraform", "aws"), SEED));
    expect(body(module, "aws_ecs_task_definition", "app").task_role_arn).toBe("${aws_iam_role.app_task.arn}");
    const resources = (await statements(module, "app_task")).flatMap((s) => s.Resource);
    expect(resources).toEqual(["${aws_s3_bucket.dep.arn}", "${aws_s3_bucket.dep.arn}/*"]);
  });

  it("gcp and azure: Redis URLs are rediss:// with the AUTH string or access key", async () => {
    const gcp = await parsedModule(render(specFor("caches", "redis", "terraform", "gcp"), SEED));
    expect(body(gcp, "google_redis_instance", "dep")).toMatchObject({
      auth_enabled: true,
      transit_encryption_mode: "SERVER_AUTHENTICATION",
    });
    expect(body(gcp, "google_secret_manager_secret_version", "dep_url").secret_data).toBe(
      "rediss://:${google_redis_instance.dep.auth_string}@${google_redis_instance.dep.host}:${google_redis_instance.dep.port}",
    );
    const azure = await parsedModule(render(specFor("caches", "redis", "terraform", "azure"), SEED));
    const secret = ((body(azure, "azurerm_container_app", "app").secret as Json[]) ?? []).find(
      (s) => s.name === "dep-url",
    );
    expect(secret?.value).toBe(
      "rediss://:${azurerm_redis_cache.dep.primary_access_key}@${azurerm_redis_cache.dep.hostname}:6380",
    );
  });
});

describe("the README documents the contract", () => {
  it("lists every variable of the contract in its table", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("### Connection variables"));
    for (const entry of Object.values(CONTRACT).flat()) {
      if (entry.part === "url" && entry.name === "URL") expect(section).toContain("<NAME>_URL");
      else expect(section, entry.name).toContain(`\`${entry.name}\``);
    }
  });
});
