/**
 * One app + environment's Terraform setup: its folder under
 * CODEPLOY_HOME/terraform, the Terraform workspace `<app>-<env>`, the state
 * backend, the binary and its environment. Commands on one folder run one at
 * a time (`exclusive`), since the engine runs steps in parallel and Terraform
 * allows one operation per state.
 */
import { chmod, mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { CommandRunner } from "../../core/command-runner.js";
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
  /** Terraform workspace name. @default `<app>-<environment>` */
  readonly workspace?: string;
  /** @default runCommand */
  readonly runner?: CommandRunner;
  /** @default found from settings.binary or PATH */
  readonly binary?: TerraformBinary;
}

/** The file CODE adds to a module that declares no backend. */
export const BACKEND_FILE = "codeploy_backend.tf";

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
    const name = `${slug(options.app)}-${slug(options.environment)}`;
    const base = join(options.home, "terraform");
    this.workDir = options.purpose === "wrap" ? join(base, "wrap", name) : join(base, name);
    this.dataDir = join(this.workDir, "data");
    this.planDir = join(this.workDir, "plans");
    this.workspace = options.workspace ?? name;
    // Wrapped modules and rendered ones never share a pg schema, even for the same app name.
    this.backend = resolveBackend({
      settings: options.settings,
      ...(options.env.DATABASE_URL ? { databaseUrl: options.env.DATABASE_URL } : {}),
      workDir: this.workDir,
      app: options.purpose === "wrap" ? `wrap_${options.app}` : options.app,
      environment: options.environment,
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

  /** Creates the work folder, readable by its owner only: saved plans and local state hold variable values and resource attributes. */
  async ensureWorkDir(): Promise<void> {
    await mkdir(this.workDir, { recursive: true, mode: 0o700 });
    await chmod(this.workDir, 0o700);
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
