/**
 * The connection contract (render/connections.ts) on the clouds. A cloud's
 * data renderers register, per component, what a dependant gets: plain values
 * (host, port, names) and credentials (passwords, URLs that hold one), plus
 * the access grants the cloud needs (an IAM statement, a role binding). The
 * compute renderers then put plain values in the environment and credentials
 * in the cloud's secret store, readable by exactly the services that use them.
 */
import type { Service } from "../../spec/schema.js";
import { contractVars, type Offer, type Part } from "../connections.js";
import { envValue, ident } from "./common.js";
import type { HclValue } from "./hcl.js";

/** A credential: `id` names it in the secret store (`postgres.url`), `value` is the expression that computes it. */
export interface CloudSecret {
  readonly id: string;
  readonly label: string;
  readonly value: HclValue;
}

export type CloudValue =
  | { readonly kind: "plain"; readonly value: HclValue }
  | { readonly kind: "secret"; readonly secret: CloudSecret };

export interface Connection<Access> {
  readonly offer: Offer<CloudValue>;
  /** What a service that uses the component must be allowed to do (IAM, role bindings). */
  readonly access: readonly Access[];
}

export function plain(value: HclValue): CloudValue {
  return { kind: "plain", value };
}

/** A credential of `component` (the part names it: `orders-db.password`, label `orders_db_password`). */
export function secret(component: string, part: Part, value: HclValue): CloudValue {
  const key = part.toLowerCase();
  return {
    kind: "secret",
    secret: { id: `${component}-${key}`, label: `${ident(component)}_${key}`, value },
  };
}

export interface CloudEnv<Access> {
  /** The spec's own variables, then the contract's plain values. */
  readonly plain: readonly (readonly [string, HclValue])[];
  /** Variable name -> credential, each read from the secret store. */
  readonly secrets: readonly (readonly [string, CloudSecret])[];
  /** Every credential the service reads, once each (for the grants). */
  readonly readSecrets: readonly CloudSecret[];
  readonly access: readonly Access[];
}

/** A service's environment on a cloud: its own variables (they win), then the contract. */
export function cloudEnv<Access>(
  service: Service,
  connections: ReadonlyMap<string, Connection<Access>>,
): CloudEnv<Access> {
  const own: [string, HclValue][] = Object.entries(service.env).map(([k, v]) => [k, envValue(v)]);
  const vars = contractVars(
    service,
    (dep) => connections.get(dep)?.offer,
    (text) => plain(text),
  );
  const secrets: [string, CloudSecret][] = [];
  const read = new Map<string, CloudSecret>();
  for (const v of vars) {
    if (v.value.kind === "plain") {
      own.push([v.name, v.value.value]);
      continue;
    }
    secrets.push([v.name, v.value.secret]);
    read.set(v.value.secret.id, v.value.secret);
  }
  const access = service.dependsOn.flatMap((dep) => connections.get(dep)?.access ?? []);
  return { plain: own, secrets, readSecrets: [...read.values()], access };
}

/** Every credential any service reads, once each, in a stable order (one secret-store entry each). */
export function usedSecrets<Access>(
  services: readonly Service[],
  connections: ReadonlyMap<string, Connection<Access>>,
): CloudSecret[] {
  const all = new Map<string, CloudSecret>();
  for (const s of services) for (const c of cloudEnv(s, connections).readSecrets) all.set(c.id, c);
  return [...all.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * What a database signed in to with a password offers its dependants: the URL
 * and the password as credentials, the host, port, user and name plain.
 */
export function passwordDatabase<Access>(
  component: string,
  engine: string,
  parts: {
    readonly url: HclValue;
    readonly host: HclValue;
    readonly port: HclValue;
    readonly user: HclValue;
    readonly password: HclValue;
    readonly name: HclValue;
  },
): Connection<Access> {
  return {
    offer: {
      family: "database",
      engine,
      // RDS, Cloud SQL (ENCRYPTED_ONLY) and Azure's flexible servers all take TLS; the last two nothing else.
      tls: true,
      parts: {
        url: secret(component, "url", parts.url),
        host: plain(parts.host),
        port: plain(parts.port),
        user: plain(parts.user),
        password: secret(component, "password", parts.password),
        name: plain(parts.name),
      },
    },
    access: [],
  };
}
