/**
 * `codeploy`: parse, call a service, print. Command modules are imported
 * lazily so `codeploy interpret` does not pay for renderers or providers.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { UsageError } from "../core/errors.js";
import { PROVIDER_NAMES } from "../providers/names.js";
import type { CodeService } from "../service/types.js";
import { TARGETS } from "../spec/targets.js";
import type { ApplyFlags } from "./commands/apply.js";
import type { ChangeFlags } from "./commands/change.js";
import { registerExpertsCommands } from "./commands/experts.js";
import type { WithService } from "./commands/keys.js";
import { registerLogsCommands } from "./commands/logs.js";
import type { PlanFlags } from "./commands/plan.js";
import { registerPolicyCommands } from "./commands/policy-register.js";
import { registerServeCommands } from "./commands/serve.js";
import { registerTerraformCommands } from "./commands/terraform-register.js";
import { registerVideoCommands } from "./commands/video.js";
import { EXIT_OK, EXIT_USAGE, exitCodeOf, formatError } from "./exit.js";
import { type CliIo, processIo } from "./io.js";
import type { LocalFlags } from "./service.js";

/** The flags of commands that change what runs, for the provider they use. */
type DeployTargetFlags = Pick<LocalFlags, "kubeconfig" | "context" | "namespace">;

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

const TARGET_OPTION = () => new Option("-t, --target <target>", "deployment target").choices(TARGETS);

/** A command that changes what runs: confirmation, JSON events, lock waiting, provider choice. */
function deployCommand(program: Command, name: string): Command {
  return program
    .command(name)
    .option("-y, --yes", "do not ask for confirmation (needed without a terminal)")
    .option("--json", "print one engine event per line as JSON")
    .option("--wait", "wait for another change of the same app and environment to finish instead of failing")
    .addOption(PROVIDER_OPTION())
    .option(
      "--kubeconfig <file>",
      "kubeconfig for the kubernetes provider (default: $KUBECONFIG, ~/.kube/config)",
    )
    .option("--context <name>", "kubeconfig context to use")
    .option("--namespace <ns>", "namespace to deploy into (default: <app>-<env>)");
}

const PROVIDER_OPTION = () =>
  new Option("--provider <name>", "provider to deploy with (default: the spec's target)").choices(
    PROVIDER_NAMES,
  );

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command("codeploy")
    .description(
      "CODE, the Claude-Optimized Deployment Engine: say what you want deployed, review the plan, deploy it.",
    )
    .version(packageVersion(), "-V, --version", "print the version")
    .option("-c, --config <file>", "configuration file (default: ./codeploy.yaml, or $CODEPLOY_CONFIG)")
    .option("--server <url>", "use a `codeploy serve` API instead of running locally (or $CODEPLOY_SERVER)")
    .option("--token <token>", "API key or JWT for --server (or $CODEPLOY_TOKEN)")
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

  const configOf = () => program.opts<{ config?: string }>().config;
  /** The server named by --server or CODEPLOY_SERVER; undefined runs locally. */
  const remoteOf = async () => {
    const opts = program.opts<{ server?: string; token?: string }>();
    if (!(opts.server ?? io.env.CODEPLOY_SERVER)) return undefined;
    return (await import("./service.js")).remoteTarget(io, opts);
  };
  /** Runs a command with its service: the local one, or the server's over HTTP. */
  const withServiceOf =
    (flags: LocalFlags = {}): WithService =>
    async (fn) => {
      const { withService } = await import("./service.js");
      const config = configOf();
      return withService(io, await remoteOf(), { ...flags, ...(config ? { config } : {}) }, fn);
    };
  const run = (flags: LocalFlags, command: (service: CodeService) => Promise<number>) =>
    withServiceOf(flags)(command).then(setExit);

  program
    .command("interpret")
    .description(
      "turn a request in words into a deployment spec (rules interpreter; a model too when configured)",
    )
    .argument("<text...>", 'the request, such as "deploy the shop with postgres 16 to staging"')
    .option("-b, --base <file>", "current spec (YAML or JSON) that the words amend")
    .option("--json", "print the result as JSON (action, spec, assumptions, questions, interpreter)")
    .option(
      "--llm [member]",
      "ask a model (an experts member by name; default: interpret.llm or llm.default), checked against the words; the rules answer if it fails",
    )
    .addHelpText(
      "after",
      '\nExamples:\n  codeploy interpret "deploy nginx with 3 replicas in production"\n  codeploy interpret "add a redis cache" --base shop.yaml --json\n  codeploy interpret "a shop with a search engine" --llm claude',
    )
    .action(async (words: string[], opts: { base?: string; json?: boolean; llm?: string | boolean }) => {
      if (await remoteOf()) {
        const { interpretVia } = await import("./commands/interpret.js");
        return run({}, (service) => interpretVia(io, service, words.join(" "), opts));
      }
      const { interpretCommand } = await import("./commands/interpret.js");
      setExit(await interpretCommand(io, words.join(" "), { ...opts, config: configOf() }));
    });

  program
    .command("validate")
    .description("check a spec file (YAML or JSON) against the DeploymentSpec schema")
    .argument("<file>", "spec file, or - for standard input")
    .option("--json", "print {valid, issues} as JSON")
    .action(async (file: string, opts: { json?: boolean }) => {
      const { validateCommand } = await import("./commands/validate.js");
      setExit(await validateCommand(io, file, opts));
    });

  program
    .command("schema")
    .description("print the JSON Schema of the DeploymentSpec")
    .action(async () => {
      const { schemaCommand } = await import("./commands/schema.js");
      setExit(await schemaCommand(io));
    });

  program
    .command("render")
    .description(
      "write the deployment artifacts (compose, Kubernetes manifests, a Helm chart or Terraform) for a spec",
    )
    .argument("<input...>", "a spec file, or a request in words")
    .addOption(
      new Option(
        "-t, --target <target>",
        "deployment target, or helm (a chart of the kubernetes objects)",
      ).choices(["docker", "kubernetes", "terraform", "helm"]),
    )
    .requiredOption("-o, --out <dir>", "folder to write the artifacts to")
    .option("--json", "print the list of written files as JSON")
    .option("--force", "write into a non-empty folder that codeploy render did not write")
    .action(
      async (input: string[], opts: { target?: string; out: string; json?: boolean; force?: boolean }) => {
        const { renderCommand } = await import("./commands/render.js");
        setExit(await renderCommand(io, input.join(" "), { ...opts, config: configOf() }));
      },
    );

  program
    .command("plan")
    .description("show what a deployment would do: the step graph, a cost estimate and policy findings")
    .argument("<input...>", "a spec file, or a request in words")
    .addOption(TARGET_OPTION())
    .option("--json", "print {steps, cost, findings} as JSON")
    .option("--accept-risk", "exit 0 even when policy reports errors (the findings are still shown)")
    .option("--advise", "also ask the Circle of Experts (codeploy.yaml experts) to review the plan")
    .option("--base <file>", "the words amend this spec (YAML or JSON)")
    .addOption(PROVIDER_OPTION())
    .action(async (input: string[], opts: PlanFlags) => {
      const { planCommand } = await import("./commands/plan.js");
      const config = configOf();
      await run({}, (service) =>
        planCommand(io, service, input.join(" "), { ...opts, ...(config ? { config } : {}) }),
      );
    });

  const intOption = (flag: string, description: string) =>
    new Option(flag, description).argParser((v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a whole number >= 1");
      return n;
    });

  deployCommand(program, "apply")
    .description("show the plan, ask for confirmation, then deploy (rolls back on failure)")
    .argument("<input...>", "a spec file, or a request in words")
    .addOption(TARGET_OPTION())
    .option("--accept-risk", "apply even when policy reports errors")
    .option(
      "--adopt",
      "take over existing objects (network, volume, namespace, Terraform folder) that carry another owner's labels or none; refused otherwise",
    )
    .option(
      "--accept-assumptions",
      "apply words even when they leave questions open (the assumptions are shown)",
    )
    .option("--base <file>", "the words amend this spec (YAML or JSON)")
    .addOption(
      new Option("--on-failure <mode>", "what to do when a step fails")
        .choices(["rollback", "stop"])
        .default("rollback"),
    )
    .addOption(intOption("-p, --parallelism <n>", "steps run at once (default 8)"))
    .addOption(intOption("--step-timeout <seconds>", "deadline of each step attempt (default 300)"))
    .action(async (input: string[], opts: ApplyFlags & DeployTargetFlags) => {
      const { applyCommand } = await import("./commands/apply.js");
      await run(opts, (service) => applyCommand(io, service, input.join(" "), opts));
    });

  program
    .command("status")
    .description(
      "what runs where: current revision, last deployment (running, interrupted, failed...), locks",
    )
    .argument("[app]", "one app (default: all)")
    .option("-e, --env <env>", "one environment")
    .option("--json", "print as JSON")
    .action(async (app: string | undefined, opts: { env?: string; json?: boolean }) => {
      const { statusCommand } = await import("./commands/state.js");
      await run({}, (service) => statusCommand(io, service, app, opts));
    });

  program
    .command("history")
    .description("deployments of an app, newest first")
    .argument("<app>", "the app")
    .option("-e, --env <env>", "one environment")
    .addOption(intOption("-n, --limit <n>", "how many (default 50)"))
    .option("--json", "print deployments and revisions as JSON")
    .action(async (app: string, opts: { env?: string; json?: boolean; limit?: number }) => {
      const { historyCommand } = await import("./commands/state.js");
      await run({}, (service) => historyCommand(io, service, app, opts));
    });

  deployCommand(program, "rollback")
    .description("restore an earlier revision (default: the one before what runs now)")
    .argument("<app>", "the app")
    .requiredOption("-e, --env <env>", "the environment")
    .addOption(intOption("--to <revision>", "revision number to restore (see `codeploy history`)"))
    .action(async (app: string, opts: ChangeFlags & DeployTargetFlags & { to?: number }) => {
      const { rollbackCommand } = await import("./commands/change.js");
      await run(opts, (service) => rollbackCommand(io, service, app, opts));
    });

  deployCommand(program, "destroy")
    .description("remove everything an app runs in an environment (asks you to type the app name)")
    .argument("<app>", "the app")
    .requiredOption("-e, --env <env>", "the environment")
    .option("--purge-data", "also remove the data volumes (docker); they are kept by default")
    .action(async (app: string, opts: ChangeFlags & DeployTargetFlags) => {
      const { destroyCommand } = await import("./commands/change.js");
      await run(opts, (service) => destroyCommand(io, service, app, opts));
    });

  program
    .command("unlock")
    .description("free the apply lock of an app and environment whose holder died (refused while it runs)")
    .argument("<app>", "the app")
    .requiredOption("-e, --env <env>", "the environment")
    .option("--force", "free it even though its holder still runs (its run stops with lock-lost)")
    .action(async (app: string, opts: { env: string; force?: boolean }) => {
      const { unlockCommand } = await import("./commands/state.js");
      await run({}, (service) => unlockCommand(io, service, app, opts));
    });

  const audit = program
    .command("audit")
    .description("the keyed (HMAC) chain of audit records of every command");
  audit
    .command("verify")
    .description(
      "check the chain and its anchor; exits 1 when a record was changed, removed or the log replaced",
    )
    .option("--head <seq:mac>", "also check against a head stored elsewhere (from `codeploy audit head`)")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean; head?: string }) => {
      const { auditVerifyCommand } = await import("./commands/state.js");
      await run({}, (service) => auditVerifyCommand(io, service, opts));
    });
  audit
    .command("head")
    .description("print the last record's seq and MAC, to keep elsewhere for `audit verify --head`")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }) => {
      const { auditHeadCommand } = await import("./commands/state.js");
      await run({}, (service) => auditHeadCommand(io, service, opts));
    });
  audit
    .command("list")
    .description("the newest audit records")
    .addOption(intOption("-n, --limit <n>", "how many (default 50)"))
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean; limit?: number }) => {
      const { auditListCommand } = await import("./commands/state.js");
      await run({}, (service) => auditListCommand(io, service, opts));
    });

  // These read or change what runs on this machine: through a server they would act on the wrong one.
  program.hook("preAction", async (_program, action) => {
    const top = topCommand(action);
    if (!LOCAL_ONLY.has(top.name()) || (await remoteOf()) === undefined) return;
    throw new UsageError(`codeploy ${top.name()} runs on this machine only, not through a server`, {
      hint: "drop --server (or unset CODEPLOY_SERVER) to run it here",
    });
  });

  registerTerraformCommands(program, io, setExit, configOf);
  registerLogsCommands(program, io, setExit);
  registerServeCommands(program, io, setExit, configOf, withServiceOf());
  registerVideoCommands(program, io, setExit, configOf);
  registerExpertsCommands(program, io, setExit, configOf);
  registerPolicyCommands(program, io, setExit, configOf);

  return program;
}

/** Commands with no server counterpart that act on this machine's state, engine or workspaces. */
const LOCAL_ONLY: ReadonlySet<string> = new Set(["terraform", "logs"]);

/** The command under the program that `action` belongs to (`terraform` for `terraform plan`). */
function topCommand(action: Command): Command {
  let command = action;
  while (command.parent?.parent) command = command.parent;
  return command;
}

export { quietOnClosedStdout } from "./io.js";

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander; they are successes to us.
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return EXIT_OK;
      if (error.code === "commander.help") return EXIT_OK;
      return EXIT_USAGE;
    }
    io.stderr(`${formatError(error, Boolean(io.env.CODEPLOY_DEBUG))}\n`);
    return exitCodeOf(error);
  }
}
