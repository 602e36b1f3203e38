/**
 * The catalogue of well-known apps: what each official image expects to run
 * as it was built. Its port and health path (the interpreter fills them in
 * when the words give none), the data services it can use, and the names of
 * the variables its image reads them from. The renderers hand a catalogue
 * app its dependencies under those names, mapped from the same parts as the
 * connection contract (render/connections.ts), on every target: WordPress
 * gets `WORDPRESS_DB_HOST`... beside `DATABASE_URL`.
 *
 * Every entry names the page it was taken from (`source`); the entries
 * themselves are in catalogue-data.ts.
 */
import { CATALOGUE_DATA } from "./catalogue-data.js";
import { imageRepository } from "./images.js";
import type { Service } from "./schema.js";

/** Database engines a catalogue app may use (the spec's engine names). */
export type CatalogueEngine = "postgres" | "mysql" | "mariadb" | "mongodb";

/** The part of a dependency a variable carries (the connection contract's parts). */
export type CataloguePart = "url" | "host" | "port" | "user" | "password" | "name";

/** Where a variable's value comes from. */
export type AppVarSource =
  /** A part of the app's first database or cache dependency. */
  | { readonly part: CataloguePart }
  /** A constant (`DB_TYPE=postgresdb`). */
  | { readonly value: string }
  /** A constant that depends on the database's engine (`KC_DB=postgres` / `mysql`); absent: not set. */
  | { readonly byEngine: Partial<Readonly<Record<CatalogueEngine, string>>> }
  /** The service's own public address: `https://blog.example.com` (or the bare domain); absent without a domain. */
  | { readonly service: "publicUrl" | "domain" }
  /**
   * Whether the database takes TLS connections: on the clouds' managed SQL
   * (Cloud SQL and Azure's flexible servers accept nothing else), not in the
   * containers on docker and kubernetes.
   */
  | { readonly tls: { readonly on: string; readonly off: string } };

export interface AppVar {
  readonly name: string;
  readonly from: AppVarSource;
  /** Set only when the database runs one of these engines (Nextcloud: MYSQL_HOST vs POSTGRES_HOST). */
  readonly engines?: readonly CatalogueEngine[];
}

export interface AppDependency {
  /** The engines its image can use, the one it prefers first. */
  readonly engines: readonly CatalogueEngine[];
  /** The image will not start (or not work) without one. */
  readonly required: boolean;
  readonly vars: readonly AppVar[];
}

export interface CatalogueApp {
  /** The app's name in words and the service name it gets ("uptime-kuma"). */
  readonly key: string;
  /** The image repository ("wordpress", "gitea/gitea", "ghcr.io/umami-software/umami"). */
  readonly image: string;
  /** The port the image listens on. */
  readonly port: number;
  /** An HTTP path that answers 2xx/3xx when the app is up. */
  readonly healthPath: string;
  readonly database?: AppDependency;
  /** A redis (or valkey) cache it reads. */
  readonly cache?: AppDependency;
  /** Variables set from the service itself (its public URL), whatever it depends on. */
  readonly self?: readonly AppVar[];
  /**
   * The arguments its image must be started with (its CMD), where the image
   * has no usable default: Keycloak's `start-dev` outside production, and
   * `start` behind the target's TLS-terminating proxy in production.
   */
  readonly start?: {
    readonly production: readonly string[];
    readonly other: readonly string[];
    /** Added in production when the service has no domain (no hostname to check requests against). */
    readonly withoutDomain?: readonly string[];
  };
  /** What else the image needs that only the user can give (secrets, other stores), in words. */
  readonly needs?: string;
  /** The page the port, path and variable names were taken from. */
  readonly source: string;
}

export const CATALOGUE: readonly CatalogueApp[] = CATALOGUE_DATA;

const byImage = new Map(CATALOGUE.map((a) => [a.image, a]));
const byKey = new Map(CATALOGUE.map((a) => [a.key, a]));

export function catalogueApp(key: string): CatalogueApp | undefined {
  return byKey.get(key);
}

/** The catalogue app an image reference runs (`wordpress:6.6`, `docker.io/gitea/gitea:1.22`). */
export function catalogueAppOfImage(image: string | undefined): CatalogueApp | undefined {
  return image === undefined ? undefined : byImage.get(imageRepository(image));
}

/** The catalogue app a service runs, by its image. */
export function catalogueAppOf(s: Pick<Service, "image">): CatalogueApp | undefined {
  return catalogueAppOfImage(s.image);
}

/** `https://blog.example.com` for a service with a domain (http without TLS), undefined without one. */
export function publicUrlOf(s: Pick<Service, "domain" | "tls">): string | undefined {
  return s.domain === undefined ? undefined : `${s.tls ? "https" : "http"}://${s.domain}`;
}
