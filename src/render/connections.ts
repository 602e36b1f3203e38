/**
 * The connection contract: which environment variables a service gets for
 * each thing it depends on, the same on every target (docker, kubernetes,
 * ECS, Cloud Run, Container Apps). A renderer says what it offers for a
 * dependency (its family and a value per part, in the renderer's own terms:
 * a compose string, a Kubernetes secret reference, an ECS `valueFrom`...);
 * this module names the variables. One image then runs on every target.
 *
 * Naming: one dependency of a family gets the family's names (DATABASE_URL,
 * DATABASE_HOST...). Several get those names for the first one, and
 * `<NAME>_DATABASE_URL`... for each. Other services are always
 * `<NAME>_URL`. A variable the spec sets itself wins.
 */
import { type AppDependency, type AppVar, catalogueAppOf, publicUrlOf } from "../spec/catalogue.js";
import type { Service } from "../spec/schema.js";

export type Family =
  | "database"
  | "redis"
  | "memcached"
  | "amqp"
  | "nats"
  | "kafka"
  | "sqs"
  | "pubsub"
  | "servicebus"
  | "bucket"
  | "service";

export type Part =
  | "url"
  | "host"
  | "port"
  | "user"
  | "password"
  | "name"
  | "queueUrl"
  | "topic"
  | "subscription"
  | "connectionString"
  | "queue"
  | "bucket"
  | "endpoint"
  | "region"
  | "accessKeyId"
  | "secretAccessKey"
  | "forcePathStyle";

export interface ContractEntry {
  readonly part: Part;
  /** Variable name for the first (or only) dependency of the family. */
  readonly name: string;
  /** Holds a credential: from the cloud's secret store on the clouds, from a Secret on kubernetes. */
  readonly secret: boolean;
}

const e = (part: Part, name: string, secret = false): ContractEntry => ({ part, name, secret });

/** The contract: per family, the variables in the order they are listed (the README's table). */
export const CONTRACT: Readonly<Record<Family, readonly ContractEntry[]>> = {
  database: [
    e("url", "DATABASE_URL", true),
    e("host", "DATABASE_HOST"),
    e("port", "DATABASE_PORT"),
    e("user", "DATABASE_USER"),
    e("password", "DATABASE_PASSWORD", true),
    e("name", "DATABASE_NAME"),
  ],
  redis: [
    e("url", "REDIS_URL", true),
    e("host", "REDIS_HOST"),
    e("port", "REDIS_PORT"),
    e("password", "REDIS_PASSWORD", true),
  ],
  memcached: [e("url", "MEMCACHED_URL"), e("host", "MEMCACHED_HOST"), e("port", "MEMCACHED_PORT")],
  amqp: [
    e("url", "AMQP_URL", true),
    e("host", "AMQP_HOST"),
    e("port", "AMQP_PORT"),
    e("user", "AMQP_USER"),
    e("password", "AMQP_PASSWORD", true),
  ],
  nats: [
    e("url", "NATS_URL", true),
    e("host", "NATS_HOST"),
    e("port", "NATS_PORT"),
    e("user", "NATS_USER"),
    e("password", "NATS_PASSWORD", true),
  ],
  kafka: [e("url", "KAFKA_BROKERS")],
  sqs: [e("endpoint", "SQS_ENDPOINT"), e("queueUrl", "SQS_QUEUE_URL"), e("region", "AWS_REGION")],
  pubsub: [e("topic", "PUBSUB_TOPIC"), e("subscription", "PUBSUB_SUBSCRIPTION")],
  servicebus: [e("connectionString", "SERVICEBUS_CONNECTION_STRING", true), e("queue", "SERVICEBUS_QUEUE")],
  bucket: [
    e("bucket", "S3_BUCKET"),
    e("endpoint", "S3_ENDPOINT"),
    e("region", "AWS_REGION"),
    e("accessKeyId", "AWS_ACCESS_KEY_ID", true),
    e("secretAccessKey", "AWS_SECRET_ACCESS_KEY", true),
    e("forcePathStyle", "S3_FORCE_PATH_STYLE"),
  ],
  service: [e("url", "URL")],
};

/**
 * Parts shared by every dependency of a family on one target (the object
 * store's endpoint and keys): one variable, never a per-dependency copy.
 */
const SHARED_PARTS: ReadonlySet<Part> = new Set([
  "region",
  "accessKeyId",
  "secretAccessKey",
  "forcePathStyle",
]);

/** What a renderer provides for one dependency: its family and the value of each part it has. */
export interface Offer<V> {
  readonly family: Family;
  readonly parts: Partial<Readonly<Record<Part, V>>>;
  /** The spec's engine of a database (a catalogue app's variables may depend on it). */
  readonly engine?: string;
  /** The database takes TLS connections (the clouds' managed SQL); absent: plain TCP. */
  readonly tls?: boolean;
}

export interface ContractVar<V> {
  readonly name: string;
  /** The spec component it points at. */
  readonly dependency: string;
  /** Undefined for a catalogue app's constant (`KC_DB=postgres`) or its own public URL. */
  readonly part?: Part;
  readonly secret: boolean;
  readonly value: V;
}

/** `orders-db` -> `ORDERS_DB`. */
export function envPrefix(name: string): string {
  const snake = name.toUpperCase().replace(/-/g, "_");
  return /^[0-9]/.test(snake) ? `C_${snake}` : snake;
}

/**
 * The variables `service` gets, from what the renderer offers for each of its
 * dependencies (undefined: nothing to connect to, such as a cron job), then,
 * for a catalogue app (spec/catalogue.ts), the same parts under the names its
 * image reads. `literal` turns a constant into the renderer's value.
 */
export function contractVars<V>(
  service: Service,
  offer: (dependency: string) => Offer<V> | undefined,
  literal: (text: string) => V,
): ContractVar<V>[] {
  const offers = service.dependsOn.map((dep) => [dep, offer(dep)] as const);
  const counts = new Map<Family, number>();
  for (const [, o] of offers) if (o) counts.set(o.family, (counts.get(o.family) ?? 0) + 1);
  const out: ContractVar<V>[] = [];
  const taken = new Set(Object.keys(service.env));
  const add = (name: string, dependency: string, entry: ContractEntry, value: V) => {
    if (taken.has(name)) return;
    taken.add(name);
    out.push({ name, dependency, part: entry.part, secret: entry.secret, value });
  };
  for (const [dep, o] of offers) {
    if (!o) continue;
    for (const entry of CONTRACT[o.family]) {
      const value = o.parts[entry.part];
      if (value === undefined) continue;
      if (o.family === "service") {
        add(`${envPrefix(dep)}_${entry.name}`, dep, entry, value);
        continue;
      }
      add(entry.name, dep, entry, value);
      if ((counts.get(o.family) ?? 0) > 1 && !SHARED_PARTS.has(entry.part))
        add(`${envPrefix(dep)}_${entry.name}`, dep, entry, value);
    }
  }
  for (const v of catalogueVars(service, offers, literal)) {
    if (taken.has(v.name)) continue;
    taken.add(v.name);
    out.push(v);
  }
  return out;
}

/**
 * A catalogue app's own variable names, from its first database and first
 * cache (the dependencies that also hold the contract's unprefixed names).
 * A part keeps the contract's secrecy: a password stays a reference.
 */
function catalogueVars<V>(
  service: Service,
  offers: readonly (readonly [string, Offer<V> | undefined])[],
  literal: (text: string) => V,
): ContractVar<V>[] {
  const app = catalogueAppOf(service);
  if (!app) return [];
  const out: ContractVar<V>[] = [];
  const first = (family: Family) => offers.find(([, o]) => o?.family === family);
  const use = (dep: AppDependency | undefined, family: Family) => {
    const found = first(family);
    if (!dep || !found) return;
    const [name, o] = found;
    if (!o) return;
    for (const v of dep.vars) {
      if (v.engines && !v.engines.some((e) => e === o.engine)) continue;
      const got = appValue(v, o, literal);
      if (got) out.push({ name: v.name, dependency: name, ...got });
    }
  };
  use(app.database, "database");
  use(app.cache, "redis");
  const url = publicUrlOf(service);
  for (const v of app.self ?? []) {
    if (!("service" in v.from) || service.domain === undefined || url === undefined) continue;
    const text = v.from.service === "domain" ? service.domain : url;
    out.push({ name: v.name, dependency: service.name, secret: false, value: literal(text) });
  }
  return out;
}

function appValue<V>(
  v: AppVar,
  o: Offer<V>,
  literal: (text: string) => V,
): Omit<ContractVar<V>, "name" | "dependency"> | undefined {
  const from = v.from;
  if ("part" in from) {
    const value = o.parts[from.part];
    if (value === undefined) return undefined;
    const entry = CONTRACT[o.family].find((e) => e.part === from.part);
    return { part: from.part, secret: entry?.secret ?? false, value };
  }
  if ("value" in from) return { secret: false, value: literal(from.value) };
  if ("byEngine" in from) {
    const text = Object.entries(from.byEngine).find(([engine]) => engine === o.engine)?.[1];
    return text === undefined ? undefined : { secret: false, value: literal(text) };
  }
  if ("tls" in from) return { secret: false, value: literal(o.tls ? from.tls.on : from.tls.off) };
  return undefined;
}

/** The family of a spec engine where it runs as itself (docker, kubernetes, and the clouds that offer it). */
export function engineFamily(engine: string): Family | undefined {
  switch (engine) {
    case "postgres":
    case "mysql":
    case "mariadb":
    case "mongodb":
      return "database";
    case "redis":
    case "valkey":
      return "redis";
    case "memcached":
      return "memcached";
    case "rabbitmq":
      return "amqp";
    case "nats":
      return "nats";
    case "kafka":
      return "kafka";
    case "sqs":
      return "sqs";
    default:
      return undefined;
  }
}
