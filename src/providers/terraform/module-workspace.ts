/**
 * One app + environment's Terraform setup: its folder under
 * CODEPLOY_HOME/terraform, the Terraform workspace, the state backend, the
 * binary and its environment. Names come from spec/naming.ts (injective:
 * `my`/`shop-production` and `my-shop`/`production` never share a folder,
 * workspace or schema); a wrapped module's are keyed by its real path too.
 * Commands on one folder run one at a time (`exclusive`), since the engine
 * runs steps in parallel and Terraform allows one operation per state.
 *
 * Ownership: the folder holds `owner.json` naming the app, environment (and
 * module path); a folder naming someone else, or an unlabelled one, is
 * refused with OWNERSHIP_CONFLICT unless the person adopts it. A folder of an
 * earlier version (`<app>-<env>`, unlabelled) is moved to the new name when
 * that old name can only have come from this pair (neither part has a `-`),
 * or on adopt.
 */
import { existsSync } from "node:fs";
import { chmod, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { CommandRunner } from "../../core/command-runner.js";
import { type FoundOwner, OwnershipConflictError } from "../../engine/provider.js";
import {
  pgSchemaName,
  terraformWorkspaceName,
  wrappedModuleName,
  wrappedSchemaName,
} from "../../spec/naming.js";
import { type ResolvedBackend, resolveBackend } from "./backend.js";
import { type Env, findTerraform, type TerraformBinary, terraformEnv } from "./binary.js";
import { createRedactor, type Redactor, secretValues } from "./redact.js";
import type { TerraformSettings } from "./settings.js";
import { type CallOptions, TerraformCli } from "./terraform-cli.js";

export type WorkspacePurpose = "deploy" | "wrap";

export interface ModuleWorkspaceOptions {
  /** CODEPLOY_HOME. */
  readonly home: string;
  readonly app: string;
  readonly environment: string;
  /** `deploy`: modules rendered from a spec; `wrap`: modules of `codeploy terraform`. Kept apart. */
  readonly purpose: WorkspacePurpose;
  /** The user's environment (credentials, PATH, DATABASE_URL). */
  readonly env: Env;
  readonly settings: TerraformSettings;
  /** Terraform workspace name. @default derived from app + environment (and `key`) by spec/naming.ts */
  readonly workspace?: string;
  /** `wrap`: the module's real absolute path; its folder, workspace and schema are keyed by it. */
  readonly key?: string;
  /** Take over a folder another owner (or none) labelled. @default false */
  readonly adopt?: boolean;
  readonly log?: (message: string) => void;
  /** @default runCommand */
  readonly runner?: CommandRunner;
  /** @default found from settings.binary or PATH */
  readonly binary?: TerraformBinary;
}

/** The file CODE adds to a module that declares no backend. */
export const BACKEND_FILE = "codeploy_backend.tf";

/** Who a work folder belongs to: `{app, environment, key?}`. */
const OWNER_FILE = "owner.json";

/** The owner recorded in `dir`; `absent` when there is no folder, undefined when the folder has no (readable) owner. */
async function readOwner(dir: string): Promise<(FoundOwner & { key?: string }) | undefined | "absent"> {
  if (!existsSync(dir)) return "absent";
  try {
    const parsed: unknown = JSON.parse(await readFile(join(dir, OWNER_FILE), "utf8"));
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const field = (k: string) => {
      const v: unknown = Reflect.get(parsed, k);
      return typeof v === "string" ? v : undefined;
    };
    const key = field("key");
    return { app: field("app"), environment: field("environment"), ...(key !== undefined ? { key } : {}) };
  } catch {
    return undefined;
  }
}

const queues = new Map<string, Promise<unknown>>();

/** Names safe in paths and workspace names: `shop-staging`. */
export function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, "-").replace(/^[.-]+/, "") || "module";
}

export class ModuleWorkspace {
  readonly workDir: string;
  readonly dataDir: string;
  readonly planDir: string;
  readonly workspace: string;
  readonly backend: ResolvedBackend;
  readonly redact: Redactor;
  private resolvedBinary: TerraformBinary | undefined;

  constructor(readonly options: ModuleWorkspaceOptions) {
    const id = { app: options.app, environment: options.environment };
    const wrap = options.purpose === "wrap";
    const key = options.key ?? "";
    const name = wrap ? wrappedModuleName(key, id) : terraformWorkspaceName(id);
    const base = join(options.home, "terraform");
    this.workDir = wrap ? join(base, "wrap", name) : join(base, name);
    this.dataDir = join(this.workDir, "data");
    this.planDir = join(this.workDir, "plans");
    this.workspace = options.workspace ?? name;
    // Wrapped modules and rendered ones never share a pg schema, even for the same app name.
    this.backend = resolveBackend({
      settings: options.settings,
      ...(options.env.DATABASE_URL ? { databaseUrl: options.env.DATABASE_URL } : {}),
      workDir: this.workDir,
      app: options.app,
      environment: options.environment,
      schema: wrap ? wrappedSchemaName(key, id) : pgSchemaName(id),
    });
    this.redact = createRedactor([...secretValues(options.env), ...this.backend.secrets]);
    this.resolvedBinary = options.binary;
  }

  get binary(): TerraformBinary {
    this.resolvedBinary ??= findTerraform(this.options.env, this.options.settings.binary);
    return this.resolvedBinary;
  }

  /** A CLI for the module in `moduleDir`, in this workspace's environment. */
  cli(moduleDir: string, onCommand?: (line: string) => void): TerraformCli {
    const { settings } = this.options;
    return new TerraformCli({
      binary: this.binary,
      dir: moduleDir,
      env: terraformEnv(this.options.env, {
        dataDir: this.dataDir,
        ...(settings.cliConfigFile ? { cliConfigFile: settings.cliConfigFile } : {}),
        extra: this.backend.env,
      }),
      redact: this.redact,
      ...(settings.lockTimeout ? { lockTimeout: settings.lockTimeout } : {}),
      ...(this.options.runner ? { runner: this.options.runner } : {}),
      ...(onCommand ? { onCommand } : {}),
    });
  }

  /** Runs `fn` when every earlier command on this folder (in this process) has finished. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const previous = queues.get(this.workDir) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    queues.set(this.workDir, settled);
    void settled.then(() => {
      if (queues.get(this.workDir) === settled) queues.delete(this.workDir);
    });
    return next;
  }

  /**
   * Creates the work folder, readable by its owner only: saved plans and local
   * state hold variable values and resource attributes. Checks its owner first
   * (see the file comment) and records it.
   */
  async ensureWorkDir(): Promise<void> {
    await this.claim();
    await mkdir(this.workDir, { recursive: true, mode: 0o700 });
    await chmod(this.workDir, 0o700);
    await writeFile(join(this.workDir, OWNER_FILE), `${JSON.stringify(this.owner())}\n`, { mode: 0o600 });
  }

  private owner(): FoundOwner & { key?: string } {
    const { app, environment, key } = this.options;
    return { app, environment, ...(key !== undefined ? { key } : {}) };
  }

  private async claim(): Promise<void> {
    const wanted = this.owner();
    const found = await readOwner(this.workDir);
    const what = `Terraform folder ${this.workDir}`;
    const adopt = this.options.adopt === true;
    if (found === "absent") {
      await this.migrateLegacy(adopt);
      return;
    }
    const same =
      found !== undefined &&
      found.app === wanted.app &&
      found.environment === wanted.environment &&
      found.key === wanted.key;
    if (same) return;
    if (!adopt)
      throw new OwnershipConflictError(what, found, {
        app: wanted.app ?? "",
        environment: wanted.environment ?? "",
      });
    this.options.log?.(`${what}: adopted on request`);
  }

  /** Moves the folder an earlier version used (`<app>-<env>`) to the injective name, with its state. */
  private async migrateLegacy(adopt: boolean): Promise<void> {
    const { app, environment, home, purpose } = this.options;
    const legacyName = `${slug(app)}-${slug(environment)}`;
    const base = join(home, "terraform");
    const legacy = purpose === "wrap" ? join(base, "wrap", legacyName) : join(base, legacyName);
    // Folders of earlier versions carry no owner file; one that has one is a current folder, not ours to move.
    if (legacy === this.workDir || !existsSync(legacy) || (await readOwner(legacy)) !== undefined) return;
    const unambiguous = !app.includes("-") && !environment.includes("-") && purpose === "deploy";
    if (!unambiguous && !adopt) {
      throw new OwnershipConflictError(`Terraform folder ${legacy} (made by an earlier version)`, undefined, {
        app,
        environment,
      });
    }
    await mkdir(dirname(this.workDir), { recursive: true });
    await rename(legacy, this.workDir);
    // Local state lives under state/<workspace>; the workspace got the new name too.
    const oldState = join(this.workDir, "state", legacyName);
    const newState = join(this.workDir, "state", this.workspace);
    if (existsSync(oldState) && !existsSync(newState)) await rename(oldState, newState);
    // Terraform's record of the old backend settings: init writes the new one.
    await rm(join(this.dataDir, "terraform.tfstate"), { force: true });
    this.options.log?.(`moved ${legacy} (an earlier version's folder) to ${this.workDir}`);
  }

  /**
   * init (with CODE's backend settings unless the module brings its own
   * backend) and selects the app + environment's workspace.
   */
  async prepare(cli: TerraformCli, ownBackend: boolean, call: CallOptions = {}): Promise<void> {
    await this.ensureWorkDir();
    await mkdir(this.dataDir, { recursive: true });
    await cli.init(ownBackend ? this.configuredBackendOnly() : this.backend.config, call);
    await cli.selectWorkspace(this.workspace, call);
  }

  /** With a module's own backend, only settings from codeploy.yaml are passed on (never CODE's defaults). */
  private configuredBackendOnly(): Readonly<Record<string, string>> {
    const config = this.options.settings.backend?.config ?? {};
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)]));
  }
}

/**
 * Makes `dir` hold exactly `files` among Terraform sources (*.tf, *.tf.json,
 * *.tfvars, *.tfvars.json): stale ones from an earlier render are removed, so a component
 * dropped from the spec is dropped from the module too.
 */
export async function syncModuleFiles(
  dir: string,
  files: readonly { readonly path: string; readonly content: string }[],
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const wanted = new Set(files.map((f) => f.path));
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (
      entry.isFile() &&
      /\.(tf|tf\.json|tfvars|tfvars\.json)$/.test(entry.name) &&
      !wanted.has(entry.name)
    ) {
      await rm(join(dir, entry.name), { force: true });
    }
  }
  for (const f of files) {
    const path = join(dir, ...f.path.split("/"));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, f.content);
    // Variable files may hold secret values: readable by the owner only.
    if (/\.tfvars(\.json)?$/.test(f.path)) await chmod(path, 0o600);
  }
}
