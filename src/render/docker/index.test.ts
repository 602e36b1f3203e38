import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { composeProjectName } from "../../spec/naming.js";
import { validateSpec } from "../../spec/validate.js";
import { seededCredentials } from "../credentials.js";
import { allEnginesSpec, minimalSpec, richSpec } from "../kubernetes/__fixtures__/specs.js";
import type { RenderResult } from "../types.js";
import { renderDocker } from "./index.js";

/** The official Compose Specification schema, vendored (see __fixtures__/compose-spec.SOURCE.md). */
function composeValidator(): ValidateFunction {
  const schema = JSON.parse(
    readFileSync(new URL("./__fixtures__/compose-spec.json", import.meta.url), "utf8"),
  );
  // Its $schema is the https spelling of draft-07, which Ajv's draft-07 build knows as http.
  delete schema.$schema;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

const validate = composeValidator();

type ComposeDoc = {
  name?: string;
  services: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
};

function compose(result: RenderResult): ComposeDoc {
  const text = result.files.find((f) => f.path === "compose.yaml")?.content ?? "";
  return parse(text, { version: "1.1" });
}

function envFile(result: RenderResult): Record<string, string> {
  const text = result.files.find((f) => f.path === ".env")?.content ?? "";
  return Object.fromEntries(
    text
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}

/** The rich spec with a Prometheus service beside the app (monitoring.prometheus). */
const withPrometheus = () => {
  const rich = richSpec();
  return validateSpec({ ...rich, monitoring: { enabled: true, prometheus: true } });
};

const specs = {
  rich: richSpec,
  minimal: minimalSpec,
  "all engines": allEnginesSpec,
  "with prometheus": withPrometheus,
};

describe.each(Object.entries(specs))("renderDocker: %s spec", (_, make) => {
  const result = renderDocker(make());
  const doc = compose(result);

  it("is valid against the Compose Specification schema", () => {
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("returns the same document as plain data, and files sorted by path", () => {
    expect(result.target).toBe("docker");
    expect(JSON.parse(JSON.stringify(result.compose))).toEqual(doc);
    const paths = result.files.map((f) => f.path);
    expect(paths).toEqual([...paths].sort());
  });

  it("publishes ports on 127.0.0.1 only", () => {
    const ports = Object.values(doc.services).flatMap((s) => (s.ports ?? []) as string[]);
    expect(ports.length).toBeGreaterThan(0);
    // A fixed host port for one replica; several replicas each get a free one (podman refuses a host range).
    for (const p of ports) expect(p).toMatch(/^127\.0\.0\.1:\d*:\d+$/);
  });

  it("labels every service and joins it to the app's network", () => {
    const spec = make();
    for (const [name, s] of Object.entries(doc.services)) {
      expect(s.labels).toEqual({
        "codeploy.app": spec.name,
        "codeploy.env": spec.environment,
        "codeploy.service": name,
      });
      expect(s.networks).toEqual([composeProjectName({ app: spec.name, environment: spec.environment })]);
    }
  });

  it("is deterministic: the same spec gives the same bytes", () => {
    expect(renderDocker(make()).files).toEqual(result.files);
  });
});

describe("the schema check itself", () => {
  it("refuses a document that breaks the Compose schema", () => {
    const broken = structuredClone(compose(renderDocker(minimalSpec())));
    const web = broken.services.web;
    if (web) web.ports = { http: 3000 };
    expect(validate(broken)).toBe(false);
  });
});

describe("rich spec", () => {
  const result = renderDocker(richSpec());
  const doc = compose(result);
  const web = doc.services.web ?? {};
  const { COMPOSE_PROJECT_NAME: project, ...secrets } = envFile(result);

  it("names the project <app>-<env>-<hash of the pair> in .env, not in compose.yaml (docker-compose 1.29 refuses `name:`)", () => {
    expect(project).toMatch(/^shop-production-[0-9a-f]{8}$/);
    expect(doc.name).toBeUndefined();
    expect(result.files.find((f) => f.path === "compose.yaml")?.content).toContain(
      `podman-compose -p ${project} up -d`,
    );
  });

  it("builds the connection URLs from the generated passwords kept in .env", () => {
    expect(web.environment).toEqual({
      DATABASE_HOST: "postgres",
      DATABASE_NAME: "shop",
      DATABASE_PASSWORD: `\${CODEPLOY_POSTGRES_PASSWORD}`,
      DATABASE_PORT: "5432",
      DATABASE_URL: `postgres://app:\${CODEPLOY_POSTGRES_PASSWORD}@postgres:5432/shop?sslmode=disable`,
      DATABASE_USER: "app",
      LOG_LEVEL: "info",
      REDIS_HOST: "redis",
      REDIS_PASSWORD: `\${CODEPLOY_REDIS_PASSWORD}`,
      REDIS_PORT: "6379",
      REDIS_URL: `redis://:\${CODEPLOY_REDIS_PASSWORD}@redis:6379`,
    });
    expect(doc.services.worker?.environment).toMatchObject({
      AMQP_URL: `amqp://app:\${CODEPLOY_RABBITMQ_PASSWORD}@rabbitmq:5672`,
    });
    const credentials = seededCredentials("codeploy-dev-seed", "shop/production");
    expect(secrets).toEqual({
      CODEPLOY_POSTGRES_PASSWORD: credentials.password("postgres", "app"),
      CODEPLOY_REDIS_PASSWORD: credentials.password("redis", "app"),
      CODEPLOY_RABBITMQ_PASSWORD: credentials.password("rabbitmq", "app"),
      CODEPLOY_MINIO_PASSWORD: credentials.password("minio", "app"),
    });
  });

  it("keeps every password out of compose.yaml", () => {
    const text = result.files.find((f) => f.path === "compose.yaml")?.content ?? "";
    for (const p of Object.values(secrets)) expect(text).not.toContain(p);
    expect(doc.services.postgres?.environment).toMatchObject({
      POSTGRES_PASSWORD: `\${CODEPLOY_POSTGRES_PASSWORD:?missing from .env}`,
    });
  });

  it("checks health: HTTP on the app's path, the engine's own tool on data services", () => {
    // The string form (CMD-SHELL): podman-compose 1.0 mangles a list for every replica after the first.
    expect(web.healthcheck).toMatchObject({
      test: "wget -q -O /dev/null 'http://127.0.0.1:8080/healthz' || curl -fsS -o /dev/null 'http://127.0.0.1:8080/healthz' || exit 1",
    });
    expect(doc.services.postgres?.healthcheck).toMatchObject({
      test: ["CMD", "sh", "-c", 'pg_isready -h 127.0.0.1 -U "$$POSTGRES_USER" -d "$$POSTGRES_DB"'],
    });
    expect(doc.services.rabbitmq?.healthcheck).toMatchObject({
      test: ["CMD", "rabbitmq-diagnostics", "-q", "ping"],
    });
  });

  it("waits for healthy data services, runs the replicas with limits, each replica on a free host port", () => {
    expect(web.depends_on).toEqual({
      postgres: { condition: "service_healthy" },
      redis: { condition: "service_healthy" },
    });
    expect(web.deploy).toEqual({ replicas: 3, resources: { limits: { cpus: "0.5", memory: "512m" } } });
    expect(web.ports).toEqual(["127.0.0.1::8080"]);
    expect(web["x-codeploy-notes"]).toContain(
      "3 replicas: compose publishes each on a free host port (docker compose port --index=N web 8080); codeploy's docker provider keeps 8080-8082",
    );
    expect(doc.services.worker?.ports).toBeUndefined();
  });

  it("keeps data in named volumes and cron services in the cron profile", () => {
    expect(doc.services.postgres?.volumes).toEqual(["postgres-data:/var/lib/postgresql/data"]);
    expect(Object.keys(doc.volumes as object)).toEqual([
      "postgres-data",
      "redis-data",
      "rabbitmq-data",
      "minio-data",
    ]);
    expect(doc.services.report).toMatchObject({
      profiles: ["cron"],
      restart: "no",
      "x-codeploy-schedule": "0 2 * * *",
    });
  });

  it("runs MinIO for the buckets and creates them once it is healthy", () => {
    expect(doc.services.minio?.image).toBe("quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z");
    expect(doc.services["minio-buckets"]).toMatchObject({
      entrypoint: ["sh", "-c", "mc mb --ignore-existing local/uploads"],
      depends_on: { minio: { condition: "service_healthy" } },
    });
  });
});

describe("all engines", () => {
  const result = renderDocker(allEnginesSpec());
  const doc = compose(result);
  const api = (doc.services.api?.environment ?? {}) as Record<string, string>;

  it("names one variable per dependency, the first of a kind also without prefix", () => {
    expect(api.DATABASE_URL).toBe(`postgres://app:\${CODEPLOY_MAIN_PASSWORD}@main:5432/lab?sslmode=disable`);
    expect(api.MAIN_DATABASE_URL).toBe(api.DATABASE_URL);
    expect(api.ORDERS_DATABASE_URL).toBe(`mysql://app:\${CODEPLOY_ORDERS_PASSWORD}@orders:3306/lab`);
    expect(api.DOCS_DATABASE_URL).toBe(
      `mongodb://app:\${CODEPLOY_DOCS_PASSWORD}@docs:27017/lab?authSource=admin`,
    );
    expect(api.SESSIONS_REDIS_URL).toBe(`redis://:\${CODEPLOY_SESSIONS_PASSWORD}@sessions:6379`);
    expect(api.MEMCACHED_URL).toBe("memcached://memo:11211");
    expect(api.NATS_URL).toBe(`nats://app:\${CODEPLOY_BUS_PASSWORD}@bus:4222`);
    expect(api.KAFKA_BROKERS).toBe("stream:9092");
    expect(api.SQS_ENDPOINT).toBe("http://jobs:9324");
    expect(api.S3_BUCKET).toBe("media");
    expect(api.PUBLIC_ASSETS_S3_BUCKET).toBe("public-assets");
    expect(api.S3_ENDPOINT).toBe("http://minio:9000");
    expect(api.AWS_SECRET_ACCESS_KEY).toBe(`\${CODEPLOY_MINIO_PASSWORD}`);
    expect(doc.services.admin?.environment).toEqual({ API_URL: "http://api:8080" });
  });

  it("escapes literal dollars so compose does not interpolate them, and keeps 'yes' a string", () => {
    expect(api.GREETING).toBe("cost: $$5");
    expect(api.FLAG).toBe("yes");
  });

  it("builds an image-less service from ./<name> and says so", () => {
    expect(doc.services.admin?.build).toEqual({ context: "./admin" });
    expect(doc.services.admin?.image).toBeUndefined();
    expect(doc.services.admin?.["x-codeploy-notes"]).toContainEqual(
      expect.stringMatching(/no image in the spec/),
    );
  });

  it("waits for a service without health check to start, and for the bucket job to finish", () => {
    expect(doc.services.api?.depends_on).toMatchObject({
      jobs: { condition: "service_started" },
      "minio-buckets": { condition: "service_completed_successfully" },
    });
    expect(doc.services.admin?.depends_on).toEqual({ api: { condition: "service_healthy" } });
  });

  it("runs the engines with a root password where they need one", () => {
    expect(Object.keys(envFile(result))).toContain("CODEPLOY_ORDERS_ROOT_PASSWORD");
    expect(doc.services.orders?.environment).toMatchObject({
      MYSQL_ROOT_PASSWORD: `\${CODEPLOY_ORDERS_ROOT_PASSWORD:?missing from .env}`,
    });
    expect(doc.services.stream?.image).toBe("apache/kafka:3.8.0");
  });
});

describe("minimal spec", () => {
  it("publishes the one port and writes only the project name to .env when nothing needs a password", () => {
    const result = renderDocker(minimalSpec());
    expect(result.files.map((f) => f.path)).toEqual([".env", "compose.yaml"]);
    expect(Object.keys(envFile(result))).toEqual(["COMPOSE_PROJECT_NAME"]);
    expect(compose(result).services.web?.ports).toEqual(["127.0.0.1:3000:3000"]);
  });

  it("moves a second service off a host port already taken", () => {
    const spec = validateSpec({
      name: "two",
      services: [
        { name: "a", image: "a:1", port: 8080 },
        { name: "b", image: "b:1", port: 8080 },
      ],
    });
    const doc = compose(renderDocker(spec));
    expect(doc.services.b?.ports).toEqual(["127.0.0.1:8081:8080"]);
  });

  it("publishes on the spec's hostPort, and moves the others past it", () => {
    const spec = validateSpec({
      name: "two",
      services: [
        { name: "a", image: "a:1", port: 8080 },
        { name: "b", image: "b:1", port: 3000, hostPort: 8080 },
      ],
    });
    const doc = compose(renderDocker(spec));
    expect(doc.services.b?.ports).toEqual(["127.0.0.1:8080:3000"]);
    expect(doc.services.a?.ports).toEqual(["127.0.0.1:8081:8080"]);
  });
});

describe("determinism", () => {
  it("gives the same bytes whatever the order of env keys in the spec", () => {
    const make = (env: Record<string, string>) =>
      validateSpec({ name: "x", services: [{ name: "web", image: "w:1", port: 80, env }] });
    expect(renderDocker(make({ B: "2", A: "1" })).files).toEqual(
      renderDocker(make({ A: "1", B: "2" })).files,
    );
  });
});

describe("monitoring.prometheus on docker", () => {
  it("adds a Prometheus service that mounts the rendered scrape configuration and rules, on the app's network", () => {
    const result = renderDocker(withPrometheus());
    const doc = compose(result);
    const prometheus = doc.services["codeploy-prometheus"];
    expect(prometheus?.volumes).toEqual([
      "./prometheus.yml:/etc/prometheus/prometheus.yml:ro",
      "./prometheus-rules.yml:/etc/prometheus/prometheus-rules.yml:ro",
      "codeploy-prometheus-data:/prometheus",
    ]);
    expect(prometheus?.networks).toEqual(doc.services.web?.networks);
    expect(prometheus?.ports).toEqual(["127.0.0.1:9090:9090"]);
    expect(Object.keys(doc.volumes as object)).toContain("codeploy-prometheus-data");
    expect(compose(renderDocker(richSpec())).services["codeploy-prometheus"]).toBeUndefined();
  });
});
