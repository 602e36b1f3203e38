/**
 * Where Terraform keeps the state of an app + environment. Local by default,
 * under CODEPLOY_HOME/terraform/<app>-<env>/state; Terraform's built-in `pg`
 * backend on CODE's own Postgres when DATABASE_URL is set (one schema per app
 * + environment); s3, gcs or azurerm when configured. Connection strings go
 * through the environment (PG_CONN_STR), never through the argument list, so
 * they show up neither in `ps` nor in Terraform's saved backend settings.
 */
import { join } from "node:path";
import { pgSchemaName } from "../../spec/naming.js";
import type { BackendType, TerraformSettings } from "./settings.js";

export interface BackendInput {
  readonly settings: TerraformSettings;
  /** CODE's state database, when it is Postgres. */
  readonly databaseUrl?: string;
  /** The app + environment's folder: CODEPLOY_HOME/terraform/<app>-<env>. */
  readonly workDir: string;
  readonly app: string;
  readonly environment: string;
  /** The pg schema. @default pgSchemaName of app + environment (spec/naming.ts) */
  readonly schema?: string;
}

export interface ResolvedBackend {
  readonly type: BackendType;
  /** The backend block to add to a module that declares none. */
  readonly block: string;
  /** `-backend-config` pairs. */
  readonly config: Readonly<Record<string, string>>;
  /** Environment for Terraform (connection strings). */
  readonly env: Readonly<Record<string, string>>;
  /** Values to hide from logs and errors. */
  readonly secrets: readonly string[];
  /** For people: `pg (schema codeploy_shop_dev)`, `local (/home/.../state)`. */
  readonly description: string;
}

/** `codeploy_shop_staging_<hash>`: a Postgres identifier (at most 63 bytes), injective over the pair. */
export function schemaName(app: string, environment: string): string {
  return pgSchemaName({ app, environment });
}

/**
 * A connection string for Terraform's pg backend (Go's lib/pq). lib/pq ignores
 * a `host=/socket/dir` query parameter in URLs and defaults to sslmode=require
 * where node-postgres defaults to no TLS; the keyword form below keeps the
 * same server and the same TLS choice as CODE's own connection.
 */
export function pqConnString(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url; // already in keyword form (`host=... dbname=...`)
  }
  const params = new Map(parsed.searchParams);
  const pairs: [string, string][] = [];
  const host = params.get("host") ?? decodeURIComponent(parsed.hostname);
  if (host) pairs.push(["host", host]);
  if (parsed.port) pairs.push(["port", parsed.port]);
  if (parsed.username) pairs.push(["user", decodeURIComponent(parsed.username)]);
  if (parsed.password) pairs.push(["password", decodeURIComponent(parsed.password)]);
  const db = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (db) pairs.push(["dbname", db]);
  params.delete("host");
  pairs.push(["sslmode", params.get("sslmode") ?? "disable"]);
  params.delete("sslmode");
  for (const [k, v] of params) pairs.push([k, v]);
  return pairs.map(([k, v]) => `${k}=${quote(v)}`).join(" ");
}

function quote(value: string): string {
  return /^[^\s'\\]+$/.test(value) && value.length > 0
    ? value
    : `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

function passwordOf(url: string): string[] {
  try {
    const p = new URL(url).password;
    return p ? [decodeURIComponent(p)] : [];
  } catch {
    const m = /password=('(?:[^'\\]|\\.)*'|\S+)/.exec(url);
    return m?.[1] ? [m[1].replace(/^'|'$/g, "")] : [];
  }
}

const stringify = (config: Readonly<Record<string, string | number | boolean>>) =>
  Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)]));

/** Default key or prefix per cloud backend: one state object per workspace under it. */
const CLOUD_DEFAULTS: Readonly<Record<"s3" | "gcs" | "azurerm", Record<string, string>>> = {
  s3: { key: "codeploy/terraform.tfstate", workspace_key_prefix: "codeploy" },
  gcs: { prefix: "codeploy" },
  azurerm: { key: "codeploy.terraform.tfstate" },
};

export function resolveBackend(input: BackendInput): ResolvedBackend {
  const configured = input.settings.backend;
  const type: BackendType = configured?.type ?? (input.databaseUrl ? "pg" : "local");
  const extra = stringify(configured?.config ?? {});
  const block = `terraform {\n  backend "${type}" {}\n}\n`;
  if (type === "local") {
    const dir = join(input.workDir, "state");
    return {
      type,
      block,
      config: { workspace_dir: dir, path: join(dir, "default.tfstate"), ...extra },
      env: {},
      secrets: [],
      description: `local (${dir})`,
    };
  }
  if (type === "pg") {
    const url = extra.conn_str ?? input.databaseUrl;
    const { conn_str: _ignored, ...rest } = extra;
    const schema = rest.schema_name ?? input.schema ?? schemaName(input.app, input.environment);
    return {
      type,
      block,
      config: { schema_name: schema, ...rest },
      // Without a URL the backend reads PG_CONN_STR from the user's environment itself.
      env: url ? { PG_CONN_STR: pqConnString(url) } : {},
      secrets: url ? [url, pqConnString(url), ...passwordOf(url)] : [],
      description: `pg (schema ${schema})`,
    };
  }
  const config = { ...CLOUD_DEFAULTS[type], ...extra };
  const where = config.bucket ?? config.storage_account_name ?? "";
  return { type, block, config, env: {}, secrets: [], description: `${type}${where ? ` (${where})` : ""}` };
}

/** True when the module's own files declare a backend or a `cloud` block: CODE then leaves state where the module says. */
export function declaresBackend(
  files: readonly { readonly path: string; readonly content: string }[],
): boolean {
  return files.some(
    (f) =>
      /\.tf$/.test(f.path) &&
      /^\s*terraform\s*\{[\s\S]*?^\s*(backend\s+"[^"]+"|cloud)\s*\{/m.test(stripComments(f.content)),
  );
}

function stripComments(hcl: string): string {
  return hcl.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|\s)(#|\/\/).*$/gm, "$1");
}
