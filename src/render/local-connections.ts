/**
 * The connection contract (connections.ts) on docker and kubernetes: what a
 * service's dependencies offer there. Passwords stay references (compose
 * `${VAR}` from .env, Kubernetes secretKeyRef): the renderers resolve them.
 */
import type { DeploymentSpec, Service } from "../spec/schema.js";
import { contractVars, engineFamily, type Offer } from "./connections.js";
import {
  DATA_USER,
  type DataComponent,
  dataComponentNamed,
  isBucket,
  objectStoreName,
  serviceNamed,
} from "./data-services.js";

/** What a connection variable holds on docker and kubernetes; passwords stay references. */
export type ConnectionValue =
  | { readonly type: "url"; readonly component: string }
  | { readonly type: "password"; readonly component: string }
  | { readonly type: "store-user" }
  | { readonly type: "store-password" }
  | { readonly type: "literal"; readonly value: string };

export interface ConnectionVar {
  readonly name: string;
  readonly value: ConnectionValue;
}

/** The database inside each engine is named after the app (`my-shop` -> `my_shop`). */
export function localDatabaseName(spec: DeploymentSpec): string {
  return spec.name.replace(/-/g, "_");
}

/** ElasticMQ's queue URLs: a fixed account id, the queue's name. */
const ELASTICMQ_ACCOUNT = "000000000000";
const LOCAL_REGION = "us-east-1";

function literal(value: string | number): ConnectionValue {
  return { type: "literal", value: String(value) };
}

function dataOffer(spec: DeploymentSpec, c: DataComponent): Offer<ConnectionValue> | undefined {
  const p = c.profile;
  const family = engineFamily(c.engine);
  if (!family) return undefined;
  const url: ConnectionValue = { type: "url", component: c.name };
  const password: ConnectionValue | undefined =
    p.credentials === "none" ? undefined : { type: "password", component: c.name };
  const endpoint = { host: literal(c.name), port: literal(p.port) };
  switch (family) {
    case "database":
      return {
        family,
        engine: c.engine,
        parts: {
          url,
          ...endpoint,
          user: literal(DATA_USER),
          password,
          name: literal(localDatabaseName(spec)),
        },
      };
    case "redis":
      return { family, parts: { url, ...endpoint, password } };
    case "amqp":
    case "nats":
      return { family, parts: { url, ...endpoint, user: literal(DATA_USER), password } };
    case "sqs":
      return {
        family,
        parts: {
          endpoint: url,
          queueUrl: literal(`http://${c.name}:${p.port}/${ELASTICMQ_ACCOUNT}/${c.name}`),
          region: literal(LOCAL_REGION),
        },
      };
    default:
      return { family, parts: { url, ...endpoint } };
  }
}

/**
 * The variables that tell a service where its dependencies are, on docker and
 * kubernetes: the connection contract (connections.ts) with the local values.
 * Buckets live in the MinIO store, reached with its keys and path-style URLs.
 */
export function connectionVars(spec: DeploymentSpec, service: Service): ConnectionVar[] {
  const offer = (dep: string): Offer<ConnectionValue> | undefined => {
    const c = dataComponentNamed(spec, dep);
    if (c) return dataOffer(spec, c);
    if (isBucket(spec, dep))
      return {
        family: "bucket",
        parts: {
          bucket: literal(dep),
          endpoint: { type: "url", component: objectStoreName(spec) },
          region: literal(LOCAL_REGION),
          accessKeyId: { type: "store-user" },
          secretAccessKey: { type: "store-password" },
          forcePathStyle: literal("true"),
        },
      };
    const other = serviceNamed(spec, dep);
    if (other?.port !== undefined)
      return { family: "service", parts: { url: literal(`http://${dep}:${other.port}`) } };
    return undefined;
  };
  return contractVars(service, offer, literal).map((v) => ({ name: v.name, value: v.value }));
}
