/**
 * `codeploy experts list|ask|history|show|export`: the Circle of Experts, on
 * the service (this machine's codeploy.yaml, or a server's with --server).
 * Registered at start-up; the experts and LLM modules load only when a
 * command runs.
 */
import type { Command } from "commander";
import { InvalidArgumentError, Option } from "commander";
import type { CommandContext } from "../context.js";
import type { AskFlags } from "./experts-run.js";

const limitOption = () =>
  new Option("-n, --limit <n>", "how many (default 50)").argParser((v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a whole number >= 1");
    return n;
  });

const run = () => import("./experts-run.js");

export function registerExpertsCommands(program: Command, { io, run: withService }: CommandContext): void {
  const experts = program
    .command("experts")
    .description("the Circle of Experts: ask several LLMs at once and get their consensus");

  experts
    .command("list")
    .description("each configured expert, whether it is usable and, if not, why (missing key, unreachable)")
    .option("--json", "print as JSON")
    .option("--no-probe", "do not contact the servers (only check keys and settings)")
    .action(async (opts: { json?: boolean; probe?: boolean }) => {
      const { expertsListCommand } = await run();
      await withService({}, (service) => expertsListCommand(io, service, opts));
    });

  experts
    .command("ask")
    .description("ask every expert in parallel; prints the consensus, dissent, each answer and the cost")
    .argument("<question...>", "the question")
    .option("--experts <names>", "comma-separated experts to ask (default: every usable one)")
    .option(
      "--deadline <duration>",
      "wait at most this long for answers: 30s, 2m (default: experts.deadlineSeconds)",
    )
    .option("--budget <usd>", "most the consultation may cost in USD (default: experts.budgetUsd)")
    .option("--review", "add an anonymised peer ranking of the answers (Borda count)")
    .option("--no-cache", "ask again even when the same question was answered before")
    .option("--json", "print {question, answers, consensus, cost, cached} as JSON")
    .addHelpText(
      "after",
      '\nExamples:\n  codeploy experts ask "postgres or mysql for a small shop?"\n  codeploy experts ask --experts claude,local --deadline 20s --json "how to back up redis?"',
    )
    .action(async (words: string[], opts: AskFlags) => {
      const { expertsAskCommand } = await run();
      await withService({}, (service) => expertsAskCommand(io, service, words.join(" "), opts));
    });

  experts
    .command("history")
    .description("past consultations, newest first")
    .addOption(limitOption())
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean; limit?: number }) => {
      const { expertsHistoryCommand } = await run();
      await withService({}, (service) => expertsHistoryCommand(io, service, opts));
    });

  experts
    .command("show")
    .description("one consultation as Markdown (or JSON)")
    .argument("<id>", "the consultation id, or its first characters")
    .option("--json", "print as JSON")
    .action(async (id: string, opts: { json?: boolean }) => {
      const { expertsShowCommand } = await run();
      await withService({}, (service) => expertsShowCommand(io, service, id, opts));
    });

  experts
    .command("export")
    .description("write a consultation as Markdown to a folder or to a Google Drive folder")
    .argument("<id>", "the consultation id, or its first characters")
    .option("-o, --out <dir>", "local folder")
    .option(
      "--drive <folderId>",
      "Google Drive folder (service account key in GOOGLE_APPLICATION_CREDENTIALS)",
    )
    .action(async (id: string, opts: { out?: string; drive?: string }) => {
      const { expertsExportCommand } = await run();
      await withService({}, (service) => expertsExportCommand(io, service, id, opts));
    });
}
