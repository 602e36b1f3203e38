/**
 * A typed wrapper over the Terraform (or OpenTofu) CLI for one module folder:
 * init, workspace, plan -out, show -json, apply of a saved plan, state list.
 * Runs without a shell through the command runner; progress comes from
 * Terraform's `-json` lines; failures become TerraformErrors (errors.ts).
 */
import { CommandError, type CommandRunner, runCommand } from "../../core/command-runner.js";
import type { TerraformBinary } from "./binary.js";
import { classifyFailure, TerraformError } from "./errors.js";
import { type ChangeCounts, type Diagnostic, parseEventLine, type TerraformEvent } from "./events.js";
import { type PlanDiff, parsePlanJson, parseStateJson, type StateSnapshot } from "./plan-diff.js";
import { type Redactor, redactArgs } from "./redact.js";

export interface TerraformCliOptions {
  readonly binary: TerraformBinary;
  /** The module's folder: Terraform runs there. */
  readonly dir: string;
  /** The complete environment (binary.ts terraformEnv). */
  readonly env: Readonly<Record<string, string>>;
  /** @default runCommand */
  readonly runner?: CommandRunner;
  /** @default no redaction */
  readonly redact?: Redactor;
  /** How long to wait for a held state lock. @default "0s" */
  readonly lockTimeout?: string;
  /** Each command line run, redacted, for logs. */
  readonly onCommand?: (line: string) => void;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: TerraformEvent) => void;
}

export interface PlanOptions extends CallOptions {
  /** Where to save the plan (`-out`). */
  readonly out: string;
  readonly destroy?: boolean;
  /** `-target` addresses. */
  readonly targets?: readonly string[];
  /** `-var name=value`. */
  readonly vars?: Readonly<Record<string, string>>;
  /** `-refresh-only`: what changed outside Terraform, relative to the state. */
  readonly refreshOnly?: boolean;
  /** False: `-lock=false`, for read-only plans that must not even take the state lock. @default true */
  readonly lock?: boolean;
}

export interface PlanOutcome {
  /** From `-detailed-exitcode`: exit 2 means the plan changes something. */
  readonly changes: boolean;
  readonly summary?: ChangeCounts;
}

interface RunOptions extends CallOptions {
  readonly json?: boolean;
  readonly okExitCodes?: readonly number[];
}

export class TerraformCli {
  private readonly runner: CommandRunner;
  private readonly redact: Redactor;

  constructor(private readonly options: TerraformCliOptions) {
    this.runner = options.runner ?? runCommand;
    this.redact = options.redact ?? ((s) => s);
  }

  get dir(): string {
    return this.options.dir;
  }

  async version(call: CallOptions = {}): Promise<string> {
    const { stdout } = await this.run("version", ["-json"], call);
    const parsed: unknown = JSON.parse(stdout);
    const version =
      typeof parsed === "object" && parsed !== null && "terraform_version" in parsed
        ? String(parsed.terraform_version)
        : "";
    return version;
  }

  async init(backendConfig: Readonly<Record<string, string>>, call: CallOptions = {}): Promise<void> {
    const config = Object.entries(backendConfig).map(([k, v]) => `-backend-config=${k}=${v}`);
    await this.run("init", ["-json", "-no-color", "-input=false", ...this.lock(), ...config], {
      ...call,
      json: true,
    });
  }

  /** Selects the workspace, creating it the first time. */
  async selectWorkspace(name: string, call: CallOptions = {}): Promise<void> {
    await this.run("workspace", ["select", "-or-create=true", "-no-color", name], call);
  }

  async plan(options: PlanOptions): Promise<PlanOutcome> {
    const args = [
      "-json",
      "-no-color",
      "-input=false",
      "-detailed-exitcode",
      ...(options.lock === false ? ["-lock=false"] : this.lock()),
      `-out=${options.out}`,
      ...(options.destroy ? ["-destroy"] : []),
      ...(options.refreshOnly ? ["-refresh-only"] : []),
      ...(options.targets ?? []).map((t) => `-target=${t}`),
      ...Object.entries(options.vars ?? {}).flatMap(([k, v]) => ["-var", `${k}=${v}`]),
    ];
    let summary: ChangeCounts | undefined;
    const onEvent = (e: TerraformEvent) => {
      if (e.type === "change_summary") summary = e.changes;
      options.onEvent?.(e);
    };
    const { exitCode } = await this.run("plan", args, {
      ...options,
      onEvent,
      json: true,
      okExitCodes: [0, 2],
    });
    return { changes: exitCode === 2, ...(summary ? { summary } : {}) };
  }

  async showPlan(planFile: string, call: CallOptions = {}): Promise<PlanDiff> {
    const { stdout } = await this.run("show", ["-json", "-no-color", planFile], call);
    return parsePlanJson(JSON.parse(stdout));
  }

  /** A saved plan as `terraform show -json` prints it, unparsed (drift reads its resource_drift). */
  async showPlanJson(planFile: string, call: CallOptions = {}): Promise<unknown> {
    const { stdout } = await this.run("show", ["-json", "-no-color", planFile], call);
    return JSON.parse(stdout);
  }

  /** The current state of the selected workspace. */
  async showState(call: CallOptions = {}): Promise<StateSnapshot> {
    const { stdout } = await this.run("show", ["-json", "-no-color"], call);
    return parseStateJson(JSON.parse(stdout));
  }

  /** Applies exactly the saved plan (Terraform refuses a plan that went stale). */
  async apply(planFile: string, call: CallOptions = {}): Promise<ChangeCounts | undefined> {
    let summary: ChangeCounts | undefined;
    const onEvent = (e: TerraformEvent) => {
      if (e.type === "change_summary") summary = e.changes;
      call.onEvent?.(e);
    };
    await this.run("apply", ["-json", "-no-color", "-input=false", ...this.lock(), planFile], {
      ...call,
      onEvent,
      json: true,
    });
    return summary;
  }

  async stateList(call: CallOptions = {}): Promise<string[]> {
    const { stdout } = await this.run("state", ["list", "-no-color"], call);
    return stdout
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
  }

  private lock(): string[] {
    return [`-lock-timeout=${this.options.lockTimeout ?? "0s"}`];
  }

  private async run(command: string, args: readonly string[], options: RunOptions) {
    const diagnostics: Diagnostic[] = [];
    const full = [command, ...args];
    this.options.onCommand?.(this.redact([this.options.binary.flavor, ...redactArgs(full)].join(" ")));
    const onLine = (line: string, stream: "stdout" | "stderr") => {
      if (!options.json || stream !== "stdout") return;
      const event = parseEventLine(this.redact(line));
      if (!event) return;
      if (event.type === "diagnostic") diagnostics.push(event.diagnostic);
      options.onEvent?.(event);
    };
    try {
      return await this.runner(this.options.binary.path, full, {
        cwd: this.options.dir,
        env: this.options.env,
        onLine,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.okExitCodes ? { okExitCodes: options.okExitCodes } : {}),
      });
    } catch (error) {
      throw this.failure(command, error, diagnostics);
    }
  }

  private failure(command: string, error: unknown, diagnostics: Diagnostic[]): TerraformError {
    if (!(error instanceof CommandError)) {
      return new TerraformError("TF_FAILED", `terraform ${command} failed: ${String(error)}`);
    }
    if (error.code === "COMMAND_NOT_FOUND") {
      return new TerraformError("TF_NOT_FOUND", `${this.options.binary.path} was not found`, {
        hint: "install Terraform or OpenTofu, or set providers.terraform.binary in codeploy.yaml",
      });
    }
    if (error.code === "COMMAND_ABORTED") {
      return new TerraformError(
        "TF_ABORTED",
        `terraform ${command} was interrupted (cancelled or past its deadline)`,
        {
          hint: "Terraform was asked to stop cleanly; if it left the state locked, `terraform force-unlock` frees it",
        },
      );
    }
    return classifyFailure({
      command,
      dir: this.options.dir,
      diagnostics,
      stderr: this.redact(error.stderr),
      exitCode: error.exitCode,
    });
  }
}
