/** Commands about a spec: interpret, validate, schema, render, plan. */
import type { Command } from "commander";
import { Option } from "commander";
import { type CommandContext, providerOption, targetOption } from "../context.js";
import type { PlanFlags } from "./plan.js";

export function registerSpecCommands(program: Command, ctx: CommandContext): void {
  const { io, setExit, configOf, remoteOf, run } = ctx;
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
        const { interpretVia } = await import("./interpret.js");
        return run({}, (service) => interpretVia(io, service, words.join(" "), opts));
      }
      const { interpretCommand } = await import("./interpret.js");
      setExit(await interpretCommand(io, words.join(" "), { ...opts, config: configOf() }));
    });

  program
    .command("validate")
    .description("check a spec file (YAML or JSON) against the DeploymentSpec schema")
    .argument("<file>", "spec file, or - for standard input")
    .option("--json", "print {valid, issues} as JSON")
    .action(async (file: string, opts: { json?: boolean }) => {
      const { validateCommand } = await import("./validate.js");
      setExit(await validateCommand(io, file, opts));
    });

  program
    .command("schema")
    .description("print the JSON Schema of the DeploymentSpec")
    .action(async () => {
      const { schemaCommand } = await import("./schema.js");
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
        const { renderCommand } = await import("./render.js");
        setExit(await renderCommand(io, input.join(" "), { ...opts, config: configOf() }));
      },
    );

  program
    .command("plan")
    .description("show what a deployment would do: the step graph, a cost estimate and policy findings")
    .argument("<input...>", "a spec file, or a request in words")
    .addOption(targetOption())
    .option("--json", "print {steps, cost, findings} as JSON")
    .option("--accept-risk", "exit 0 even when policy reports errors (the findings are still shown)")
    .option("--advise", "also ask the Circle of Experts (codeploy.yaml experts) to review the plan")
    .option("--base <file>", "the words amend this spec (YAML or JSON)")
    .addOption(providerOption())
    .action(async (input: string[], opts: PlanFlags) => {
      const { planCommand } = await import("./plan.js");
      const config = configOf();
      await run({}, (service) =>
        planCommand(io, service, input.join(" "), { ...opts, ...(config ? { config } : {}) }),
      );
    });
}
