/**
 * Every name CODE derives from an app, an environment and a component, in one
 * place (render/ and providers/ both import it from spec/).
 *
 * Joining with `-` alone is ambiguous: `my` + `shop-production` and
 * `my-shop` + `production` both read `my-shop-production`, and a deployer of
 * one pair could reach the other's namespace, network, volumes or state. So
 * every derived name is `<readable>-<hash>`, where `<hash>` is taken from the
 * sha256 of the exact tuple (length-prefixed, so no separator can be forged):
 *
 * - When `<readable>` (the parts joined with `-`) fits the platform limit, the
 *   hash has 8 hex digits. Two tuples can then only meet if they spell the same
 *   readable text (another split of the same dashes: a handful of fixed
 *   candidates, none of which a caller can vary) and their hashes agree.
 * - When it does not fit, the readable part is shortened and the hash grows to
 *   16 hex digits (64 bits), so searching for a second tuple with the same
 *   shortened prefix and hash is out of reach. Never plain truncation.
 *
 * Names are pure functions of the tuple: the same tuple always gives the same
 * name, so a re-run finds what an earlier one created.
 */
import { createHash } from "node:crypto";

export interface Identity {
  readonly app: string;
  readonly environment: string;
}

/** A DNS-1123 label: Kubernetes namespaces, Docker names used as DNS aliases. */
export const DNS_LABEL_MAX = 63;
/** Postgres identifiers: 63 bytes (NAMEDATALEN - 1). */
export const PG_IDENTIFIER_MAX = 63;

const SHORT_HASH = 8;
const LONG_HASH = 16;

export interface DeriveOptions {
  /** Fixed text before the name, such as `codeploy-`. @default "" */
  readonly prefix?: string;
  /** The longest the whole name may be. @default 63 */
  readonly max?: number;
  /** Separator between parts and before the hash. @default "-" */
  readonly separator?: string;
  /** The parts shown in the readable part, when not all of them read well (a path). @default parts */
  readonly label?: readonly string[];
}

/** sha256 of the tuple with each part length-prefixed: ("a-b","c") and ("a","b-c") never hash alike by construction. */
export function tupleDigest(parts: readonly string[]): string {
  const hash = createHash("sha256");
  for (const p of parts) hash.update(`${Buffer.byteLength(p)}:${p};`);
  return hash.digest("hex");
}

/**
 * `<prefix><parts joined>-<hash>`, at most `max` characters. Parts are
 * expected to be kebab-case (the spec enforces it); any other character is
 * replaced by the separator in the readable part only, the hash still covers
 * the exact text.
 */
export function deriveName(parts: readonly string[], options: DeriveOptions = {}): string {
  const prefix = options.prefix ?? "";
  const max = options.max ?? DNS_LABEL_MAX;
  const sep = options.separator ?? "-";
  const digest = tupleDigest(parts);
  const readable = (options.label ?? parts)
    .join(sep)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, sep);
  const whole = `${prefix}${readable}${sep}${digest.slice(0, SHORT_HASH)}`;
  if (whole.length <= max) return whole;
  const room = max - prefix.length - sep.length - LONG_HASH;
  if (room < 1) throw new RangeError(`no room for a name within ${max} characters after "${prefix}"`);
  // Cut, then drop separators left at the cut: the name stays a valid DNS label.
  const short = readable.slice(0, room).replace(/[^a-z0-9]+$/, "");
  return `${prefix}${short}${short ? sep : ""}${digest.slice(0, LONG_HASH)}`;
}

/** The Kubernetes namespace of an app + environment (a DNS label). */
export function namespaceName(id: Identity): string {
  return deriveName([id.app, id.environment]);
}

/** The value of `app.kubernetes.io/instance`: one per app + environment, also in a shared namespace. */
export function instanceName(id: Identity): string {
  return namespaceName(id);
}

/** Helm release names: at most 53 characters (Helm keeps room for its own suffixes in the objects it names). */
export const HELM_RELEASE_MAX = 53;

/** The Helm release of an app + environment in `providers.kubernetes.mode: helm`. */
export function appReleaseName(id: Identity): string {
  return deriveName([id.app, id.environment], { max: HELM_RELEASE_MAX });
}

/**
 * The Helm release of a service that names a chart (`services[].chart`); the
 * tuple has three parts, so it never meets an app release's name.
 */
export function chartReleaseName(id: Identity, service: string): string {
  return deriveName([id.app, id.environment, service], { max: HELM_RELEASE_MAX });
}

/** The Docker network of an app + environment; also the Compose project name. */
export function networkName(id: Identity): string {
  return deriveName([id.app, id.environment], { prefix: "codeploy-" });
}

/** The Compose project of an app + environment (`docker compose -p`). */
export function composeProjectName(id: Identity): string {
  return deriveName([id.app, id.environment]);
}

/** A component's Docker volume. */
export function volumeName(id: Identity, component: string): string {
  return deriveName([id.app, id.environment, component], { prefix: "codeploy-" });
}

/**
 * A named volume of a spec service (`services[].volumes[]`): a four-part
 * tuple, so it never meets a data component's three-part one; the volume also
 * carries labels naming its owner, checked before it is reused.
 */
export function serviceVolumeName(id: Identity, service: string, volume: string): string {
  return deriveName([id.app, id.environment, service, volume], { prefix: "codeploy-" });
}

/**
 * Room left for `-<replica>` (at most 5 digits) and the `-<8 hex>` a
 * replacement carries while the container it replaces still runs.
 */
const CONTAINER_BASE_MAX = DNS_LABEL_MAX - 6 - 9;

/** `codeploy-<app>-<env>-<component>-<hash>-<n>`: the settled name of replica n. */
export function containerName(id: Identity, component: string, replica: number): string {
  return `${deriveName([id.app, id.environment, component], { prefix: "codeploy-", max: CONTAINER_BASE_MAX })}-${replica}`;
}

/** The Terraform workspace and the folder under CODEPLOY_HOME/terraform of an app + environment. */
export function terraformWorkspaceName(id: Identity): string {
  return deriveName([id.app, id.environment]);
}

/** The Postgres schema holding an app + environment's Terraform state (pg backend). */
export function pgSchemaName(id: Identity, purpose: "deploy" | "wrap" = "deploy"): string {
  const parts = purpose === "wrap" ? ["wrap", id.app, id.environment] : [id.app, id.environment];
  return deriveName(parts, { prefix: "codeploy_", separator: "_", max: PG_IDENTIFIER_MAX });
}

/**
 * The default app name of a module wrapped by `codeploy terraform DIR`: its
 * folder's name in kebab-case and a hash of its real absolute path, so
 * `envs/prod/network` and `envs/staging/network` are two apps with two records.
 */
export function moduleAppName(realPath: string): string {
  const folder =
    (realPath.split(/[\\/]/).filter(Boolean).at(-1) ?? "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "module";
  return `${folder.slice(0, 54).replace(/-+$/, "")}-${tupleDigest([realPath]).slice(0, SHORT_HASH)}`;
}

/** Folder and workspace of a wrapped module: readable as `<app>-<env>`, hashed over its real path too. */
export function wrappedModuleName(realPath: string, id: Identity): string {
  return deriveName(["wrap", realPath, id.app, id.environment], { label: [id.app, id.environment] });
}

/** The pg schema of a wrapped module's state. */
export function wrappedSchemaName(realPath: string, id: Identity): string {
  return deriveName(["wrap", realPath, id.app, id.environment], {
    label: ["wrap", id.app, id.environment],
    prefix: "codeploy_",
    separator: "_",
    max: PG_IDENTIFIER_MAX,
  });
}
