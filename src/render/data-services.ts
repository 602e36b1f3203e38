/**
 * One table of the data services that the docker and kubernetes renderers run
 * from official images (and that the docker provider reuses): image, default
 * version, ports, data path, environment, health check and connection URL per
 * engine. Plus the rules both renderers share: which data components a spec
 * has, and the values of the connection contract (connections.ts) for them.
 */
import { createHash } from "node:crypto";
import { CodeError } from "../core/errors.js";
import type { CacheEngine, DatabaseEngine, DeploymentSpec, QueueEngine, Service } from "../spec/schema.js";
import type { CredentialSource } from "./types.js";

export type DataKind = "database" | "cache" | "queue" | "object-store";
/** Spec engines, plus MinIO as the local object store behind the spec's buckets. */
export type DataEngine = DatabaseEngine | CacheEngine | QueueEngine | "minio";

/** How the renderer refers to one deployed instance; `password` may be a reference (`${X}`, `$(X)`). */
export interface DataAccess {
  /** DNS name of the instance: the component name. */
  readonly host: string;
  readonly user: string;
  readonly password: string;
  readonly rootPassword: string;
  readonly database: string;
  /** `${app}/${env}`: seeds values that must differ between environments but are not secret. */
  readonly scope: string;
}

export type ReadyProbe =
  | { readonly type: "exec" }
  | { readonly type: "tcp" }
  | { readonly type: "http"; readonly path: string; readonly port: number };

export interface DataServiceProfile {
  readonly kind: DataKind;
  readonly repository: string;
  /** Used when the spec names no version. */
  readonly defaultVersion: string;
  /** Image tag for a version (most images: the version itself). */
  readonly tag: (version: string) => string;
  readonly port: number;
  /** Port name in Kubernetes (at most 15 characters). */
  readonly portName: string;
  readonly extraPorts: readonly { readonly name: string; readonly port: number }[];
  /** Where the data lives; undefined for in-memory engines (no volume). */
  readonly volumePath: string | undefined;
  /** The image's own non-root user, so Kubernetes can run it without root and drop every capability. */
  readonly uid: number;
  /** `none`: the engine takes no password (memcached, kafka and elasticmq in this setup). */
  readonly credentials: "none" | "password" | "password+root";
  /** Server environment; the names in `secretEnv` carry credentials. */
  readonly serverEnv: (a: DataAccess) => Record<string, string>;
  readonly secretEnv: readonly string[];
  /** The variable of `serverEnv` holding the password, for references in `args`. */
  readonly passwordEnv?: string;
  /** Container command (replaces the image CMD, keeps its entrypoint). */
  readonly args?: (a: DataAccess) => string[];
  /** Exec form, run inside the container (compose healthcheck, Kubernetes exec probe). */
  readonly healthcheck: readonly string[] | undefined;
  /** Kubernetes readiness probe: exec of `healthcheck`, a TCP connect, or an HTTP GET. */
  readonly probe: ReadyProbe;
  readonly url: (a: DataAccess) => string;
  /** Kubernetes requests and limits: [request, limit]. */
  readonly cpu: readonly [string, string];
  readonly memory: readonly [string, string];
}

type Defaulted = "tag" | "extraPorts" | "cpu" | "memory";
type ProfileInput = Omit<DataServiceProfile, Defaulted> & Partial<Pick<DataServiceProfile, Defaulted>>;

/** Fills what most engines share: the version as tag, one port, a small footprint. */
function define(p: ProfileInput): DataServiceProfile {
  return { tag: (v) => v, extraPorts: [], cpu: ["250m", "1"], memory: ["256Mi", "1Gi"], ...p };
}

const sh = (script: string) => ["sh", "-c", script];

/** Kubernetes requests and limits of an app service whose spec gives none; compose uses the limits. */
export const DEFAULT_APP_RESOURCES = {
  requests: { cpu: "100m", memory: "128Mi" },
  limits: { cpu: "500m", memory: "512Mi" },
} as const;

function redisLike(repository: string, binary: string, cli: string, passwordEnv: string): DataServiceProfile {
  return define({
    kind: "cache",
    repository,
    defaultVersion: "8",
    port: 6379,
    portName: "redis",
    volumePath: "/data",
    uid: 999,
    credentials: "password",
    serverEnv: (a) => ({ [passwordEnv]: a.password }),
    secretEnv: [passwordEnv],
    passwordEnv,
    args: (a) => [binary, "--requirepass", a.password, "--appendonly", "yes"],
    healthcheck: sh(`${cli} -a "$${passwordEnv}" --no-auth-warning ping | grep -q PONG`),
    probe: { type: "exec" },
    url: (a) => `redis://:${a.password}@${a.host}:6379`,
  });
}

function mysqlLike(engine: "mysql" | "mariadb"): DataServiceProfile {
  const p = engine === "mysql" ? "MYSQL" : "MARIADB";
  return define({
    kind: "database",
    repository: engine,
    // mysql 8.4 and mariadb 11.4 are the current long-term-support lines.
    defaultVersion: engine === "mysql" ? "8.4" : "11.4",
    port: 3306,
    portName: "mysql",
    volumePath: "/var/lib/mysql",
    uid: 999,
    credentials: "password+root",
    serverEnv: (a) => ({
      [`${p}_DATABASE`]: a.database,
      [`${p}_PASSWORD`]: a.password,
      [`${p}_ROOT_PASSWORD`]: a.rootPassword,
      [`${p}_USER`]: a.user,
    }),
    secretEnv: [`${p}_PASSWORD`, `${p}_ROOT_PASSWORD`],
    passwordEnv: `${p}_PASSWORD`,
    healthcheck:
      engine === "mysql"
        ? ["mysqladmin", "ping", "-h", "127.0.0.1", "--silent"]
        : ["healthcheck.sh", "--connect", "--innodb_initialized"],
    probe: { type: "exec" },
    url: (a) => `mysql://${a.user}:${a.password}@${a.host}:3306/${a.database}`,
  });
}

/** Kafka wants a cluster id of 16 bytes in base64url; derived from scope and name, so it is stable. */
export function kafkaClusterId(scope: string, host: string): string {
  return createHash("sha256").update(`${scope}/${host}`).digest().subarray(0, 16).toString("base64url");
}

/** Default versions are the current major lines (2026-11); pin a full tag in the spec for production. */
export const DATA_SERVICES: Readonly<Record<DataEngine, DataServiceProfile>> = {
  postgres: define({
    kind: "database",
    repository: "postgres",
    defaultVersion: "18",
    port: 5432,
    portName: "postgres",
    volumePath: "/var/lib/postgresql/data",
    uid: 999,
    credentials: "password",
    // PGDATA one level below the mount: works with postgres 18's new layout and with PVCs holding lost+found.
    serverEnv: (a) => ({
      PGDATA: "/var/lib/postgresql/data/pgdata",
      POSTGRES_DB: a.database,
      POSTGRES_PASSWORD: a.password,
      POSTGRES_USER: a.user,
    }),
    secretEnv: ["POSTGRES_PASSWORD"],
    passwordEnv: "POSTGRES_PASSWORD",
    healthcheck: sh('pg_isready -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"'),
    probe: { type: "exec" },
    // Container Postgres speaks no TLS; clients whose default is to require it (lib/pq: Mattermost, Go apps) must be told.
    url: (a) => `postgres://${a.user}:${a.password}@${a.host}:5432/${a.database}?sslmode=disable`,
  }),
  mysql: mysqlLike("mysql"),
  mariadb: mysqlLike("mariadb"),
  mongodb: define({
    kind: "database",
    repository: "mongo",
    defaultVersion: "8.0",
    port: 27017,
    portName: "mongodb",
    volumePath: "/data/db",
    uid: 999,
    credentials: "password",
    serverEnv: (a) => ({
      MONGO_INITDB_DATABASE: a.database,
      MONGO_INITDB_ROOT_PASSWORD: a.password,
      MONGO_INITDB_ROOT_USERNAME: a.user,
    }),
    secretEnv: ["MONGO_INITDB_ROOT_PASSWORD"],
    passwordEnv: "MONGO_INITDB_ROOT_PASSWORD",
    healthcheck: ["mongosh", "--quiet", "--eval", "db.adminCommand('ping')"],
    probe: { type: "exec" },
    // The user is created in the admin database by the image's init step.
    url: (a) => `mongodb://${a.user}:${a.password}@${a.host}:27017/${a.database}?authSource=admin`,
  }),
  redis: redisLike("redis", "redis-server", "redis-cli", "REDIS_PASSWORD"),
  valkey: redisLike("valkey/valkey", "valkey-server", "valkey-cli", "VALKEY_PASSWORD"),
  memcached: define({
    kind: "cache",
    repository: "memcached",
    defaultVersion: "1.6",
    port: 11211,
    portName: "memcached",
    volumePath: undefined,
    uid: 11211,
    // memcached has no password without SASL; the network (compose network, NetworkPolicy) guards it.
    credentials: "none",
    serverEnv: () => ({}),
    secretEnv: [],
    healthcheck: ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/11211"],
    probe: { type: "tcp" },
    url: (a) => `memcached://${a.host}:11211`,
    cpu: ["100m", "500m"],
    memory: ["96Mi", "256Mi"],
  }),
  rabbitmq: define({
    kind: "queue",
    repository: "rabbitmq",
    defaultVersion: "4",
    port: 5672,
    portName: "amqp",
    volumePath: "/var/lib/rabbitmq",
    uid: 999,
    credentials: "password",
    serverEnv: (a) => ({ RABBITMQ_DEFAULT_PASS: a.password, RABBITMQ_DEFAULT_USER: a.user }),
    secretEnv: ["RABBITMQ_DEFAULT_PASS"],
    passwordEnv: "RABBITMQ_DEFAULT_PASS",
    healthcheck: ["rabbitmq-diagnostics", "-q", "ping"],
    probe: { type: "exec" },
    url: (a) => `amqp://${a.user}:${a.password}@${a.host}:5672`,
  }),
  nats: define({
    kind: "queue",
    repository: "nats",
    defaultVersion: "2",
    // The alpine variant has a shell and wget for the health check; the default image is scratch.
    tag: (v) => `${v}-alpine`,
    port: 4222,
    portName: "nats",
    extraPorts: [{ name: "monitor", port: 8222 }],
    volumePath: "/data",
    uid: 1000,
    credentials: "password",
    serverEnv: (a) => ({ NATS_PASSWORD: a.password }),
    secretEnv: ["NATS_PASSWORD"],
    passwordEnv: "NATS_PASSWORD",
    args: (a) => [
      "nats-server",
      "--jetstream",
      "--store_dir",
      "/data",
      "--http_port",
      "8222",
      "--user",
      a.user,
      "--pass",
      a.password,
    ],
    healthcheck: ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8222/healthz"],
    probe: { type: "http", path: "/healthz", port: 8222 },
    url: (a) => `nats://${a.user}:${a.password}@${a.host}:4222`,
  }),
  kafka: define({
    kind: "queue",
    repository: "apache/kafka",
    defaultVersion: "4.0.0",
    // apache/kafka publishes full versions only: "3.8" becomes "3.8.0".
    tag: (v) => (/^\d+\.\d+$/.test(v) ? `${v}.0` : v),
    port: 9092,
    portName: "kafka",
    volumePath: "/var/lib/kafka/data",
    uid: 1000,
    // One KRaft node (broker and controller), PLAINTEXT listener: no password; the network guards it.
    credentials: "none",
    serverEnv: (a) => ({
      CLUSTER_ID: kafkaClusterId(a.scope, a.host),
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${a.host}:9092`,
      KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
      KAFKA_CONTROLLER_QUORUM_VOTERS: "1@localhost:9093",
      KAFKA_HEAP_OPTS: "-Xms512m -Xmx512m",
      KAFKA_LISTENERS: "PLAINTEXT://:9092,CONTROLLER://localhost:9093",
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
      KAFKA_LOG_DIRS: "/var/lib/kafka/data",
      KAFKA_NODE_ID: "1",
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
      KAFKA_PROCESS_ROLES: "broker,controller",
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
    }),
    secretEnv: [],
    healthcheck: ["/opt/kafka/bin/kafka-broker-api-versions.sh", "--bootstrap-server", "localhost:9092"],
    // The check above starts a JVM: fine every 10 s in compose, too heavy as a Kubernetes probe.
    probe: { type: "tcp" },
    url: (a) => `${a.host}:9092`,
    cpu: ["250m", "1"],
    memory: ["768Mi", "1Gi"],
  }),
  sqs: define({
    kind: "queue",
    // SQS is an AWS service: ElasticMQ speaks its API, in memory, for local and in-cluster use.
    repository: "softwaremill/elasticmq-native",
    defaultVersion: "1.6.14",
    port: 9324,
    portName: "sqs",
    volumePath: undefined,
    uid: 1000,
    credentials: "none",
    serverEnv: () => ({}),
    secretEnv: [],
    healthcheck: undefined,
    probe: { type: "tcp" },
    url: (a) => `http://${a.host}:9324`,
  }),
  minio: define({
    kind: "object-store",
    // MinIO stopped publishing images in 2025 and Docker Hub's minio/minio is gone: quay.io keeps the last one.
    repository: "quay.io/minio/minio",
    defaultVersion: "RELEASE.2025-09-07T16-13-09Z",
    port: 9000,
    portName: "s3",
    extraPorts: [{ name: "console", port: 9001 }],
    volumePath: "/data",
    uid: 1000,
    credentials: "password",
    serverEnv: (a) => ({ MINIO_ROOT_PASSWORD: a.password, MINIO_ROOT_USER: a.user }),
    secretEnv: ["MINIO_ROOT_PASSWORD", "MINIO_ROOT_USER"],
    passwordEnv: "MINIO_ROOT_PASSWORD",
    // --certs-dir under /tmp: the default lives in $HOME, which a non-root user may not own.
    args: () => ["server", "/data", "--console-address", ":9001", "--certs-dir", "/tmp/certs"],
    healthcheck: ["mc", "ready", "local"],
    probe: { type: "http", path: "/minio/health/ready", port: 9000 },
    url: (a) => `http://${a.host}:9000`,
  }),
};

/** The MinIO client image that creates the buckets. */
export const MINIO_CLIENT_IMAGE = "quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z";
/** Database user name in every engine; the database is named after the app. */
export const DATA_USER = "app";

export interface DataComponent {
  readonly name: string;
  readonly engine: DataEngine;
  readonly profile: DataServiceProfile;
  readonly image: string;
  /** Volume size in GiB: storageGb for databases, fixed sizes for the others. */
  readonly storageGb: number;
  /** What the spec asked for that these renderers cannot provide (shown as notes). */
  readonly notes: readonly string[];
}

const STORAGE_GB: Readonly<Record<DataKind, number>> = {
  database: 10,
  cache: 1,
  queue: 5,
  "object-store": 10,
};

function component(
  name: string,
  engine: DataEngine,
  chosen: { readonly version?: string | undefined; readonly image?: string | undefined },
  extra: Partial<DataComponent>,
) {
  const profile = DATA_SERVICES[engine];
  // A spec version of "sqs" names the AWS API, not an ElasticMQ release.
  const v = engine === "sqs" ? profile.defaultVersion : (chosen.version ?? profile.defaultVersion);
  return {
    name,
    engine,
    profile,
    image: chosen.image ?? `${profile.repository}:${profile.tag(v)}`,
    storageGb: STORAGE_GB[profile.kind],
    notes: [],
    ...extra,
  } satisfies DataComponent;
}

/**
 * Values derived from a whole spec, computed once per spec object: renderers ask
 * for them once per service, and rebuilding them each time made planning
 * quadratic in the number of services (issue 15). Specs are immutable
 * (readonly, validated), so a WeakMap keyed by the spec keeps these functions pure.
 */
interface SpecIndex {
  readonly storeName: string;
  readonly components: readonly DataComponent[];
  readonly data: ReadonlyMap<string, DataComponent>;
  readonly services: ReadonlyMap<string, Service>;
  readonly bucketNames: ReadonlySet<string>;
}

const indexes = new WeakMap<DeploymentSpec, SpecIndex>();

function specIndex(spec: DeploymentSpec): SpecIndex {
  const known = indexes.get(spec);
  if (known) return known;
  const storeName = freeStoreName(spec);
  const components = buildDataComponents(spec, storeName);
  const index: SpecIndex = {
    storeName,
    components,
    data: new Map(components.map((c) => [c.name, c])),
    services: new Map(spec.services.map((s) => [s.name, s])),
    bucketNames: new Set(spec.buckets.map((b) => b.name)),
  };
  indexes.set(spec, index);
  return index;
}

function freeStoreName(spec: DeploymentSpec): string {
  const taken = new Set(
    [spec.services, spec.databases, spec.caches, spec.queues, spec.buckets].flat().map((c) => c.name),
  );
  let name = "minio";
  while (taken.has(name) || taken.has(`${name}-buckets`)) name = `${name}-store`;
  return name;
}

/** Name of the MinIO component: "minio", unless the spec already uses that name. */
export function objectStoreName(spec: DeploymentSpec): string {
  return specIndex(spec).storeName;
}

/** The spec's service of that name, found in constant time. */
export function serviceNamed(spec: DeploymentSpec, name: string): Service | undefined {
  return specIndex(spec).services.get(name);
}

/** Whether the spec has a bucket of that name, in constant time. */
export function isBucket(spec: DeploymentSpec, name: string): boolean {
  return specIndex(spec).bucketNames.has(name);
}

/** The data component of that name (database, cache, queue or the object store), in constant time. */
export function dataComponentNamed(spec: DeploymentSpec, name: string): DataComponent | undefined {
  return specIndex(spec).data.get(name);
}

/** Every data component to run, in spec order: databases, caches, queues, then MinIO when there are buckets. */
export function dataComponents(spec: DeploymentSpec): DataComponent[] {
  return [...specIndex(spec).components];
}

function buildDataComponents(spec: DeploymentSpec, storeName: string): DataComponent[] {
  const out: DataComponent[] = [];
  for (const d of spec.databases) {
    const notes = [];
    if (d.highAvailability)
      notes.push("highAvailability: one replica here; failover needs an operator or a managed database");
    if (d.backups) notes.push("backups: not scheduled by this renderer; back up the volume");
    out.push(component(d.name, d.engine, d, { storageGb: d.storageGb, notes }));
  }
  for (const c of spec.caches) out.push(component(c.name, c.engine, c, {}));
  for (const q of spec.queues) out.push(component(q.name, q.engine, q, {}));
  if (spec.buckets.length > 0) out.push(component(storeName, "minio", {}, {}));
  return out;
}

/** `orders-db` -> `ORDERS_DB`. */
export function envName(name: string): string {
  return name.toUpperCase().replace(/-/g, "_");
}

/** A password from the credential source; refused unless URL-safe, since it goes into connection URLs. */
export function checkedPassword(source: CredentialSource, component: string, purpose: string): string {
  const value = source.password(component, purpose);
  if (!/^[A-Za-z0-9._~-]{16,}$/.test(value)) {
    throw new CodeError(
      "RENDER_CREDENTIALS",
      `the credential source gave an unusable password for ${component} (${purpose}): it needs at least 16 URL-safe characters`,
      { hint: "return letters, digits and - _ . ~ only: passwords go into connection URLs unescaped" },
    );
  }
  return value;
}
