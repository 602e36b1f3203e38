/** The `codeploy experts` commands: list, ask, history, show, export, on the service (local or a server's). */
import { resolve } from "node:path";
import { UsageError } from "../../core/errors.js";
import type { AdvisedPlan } from "../../experts/advise.js";
import { consultationMarkdown } from "../../experts/markdown.js";
import type { ConsultationExport } from "../../experts/stores.js";
import type { ExpertsAskRequest } from "../../service/experts.js";
import type { CodeService } from "../../service/types.js";
import { EXIT_OK, EXIT_REFUSED } from "../exit.js";
import { type CliIo, printJson } from "../io.js";
import { withInterrupts } from "../signals.js";
import { consultationJson, printConsultation } from "./experts-print.js";

export interface AskFlags {
  readonly experts?: string;
  readonly deadline?: string;
  readonly budget?: string;
  readonly review?: boolean;
  /** commander's --no-cache sets this to false. */
  readonly cache?: boolean;
  readonly json?: boolean;
}

/** "30s", "2m", "500ms" or plain seconds -> milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m)
    throw new UsageError(`not a duration: ${text}`, { hint: "write 30s, 2m, 500ms or a number of seconds" });
  const n = Number(m[1]);
  const ms = m[2] === "ms" ? n : m[2] === "m" ? n * 60_000 : n * 1000;
  if (ms <= 0) throw new UsageError(`the deadline must be positive: ${text}`);
  return ms;
}

function parseBudget(text: string): number {
  const n = Number(text.replace(/^\$/, ""));
  if (!Number.isFinite(n) || n < 0)
    throw new UsageError(`not a budget in USD: ${text}`, { hint: "for example --budget 0.5" });
  return n;
}

/** The flags as a request; bad values are usage errors before anything is asked. */
export function askRequest(question: string, flags: AskFlags): ExpertsAskRequest {
  if (!question.trim())
    throw new UsageError("the question is empty", {
      hint: 'codeploy experts ask "how should I back up postgres?"',
    });
  const experts = flags.experts
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    question,
    ...(experts?.length ? { experts } : {}),
    ...(flags.deadline ? { deadlineSeconds: parseDuration(flags.deadline) / 1000 } : {}),
    ...(flags.budget !== undefined ? { budgetUsd: parseBudget(flags.budget) } : {}),
    ...(flags.review ? { review: true } : {}),
    ...(flags.cache === false ? { cache: false } : {}),
  };
}

export async function expertsListCommand(
  io: CliIo,
  service: CodeService,
  flags: { json?: boolean; probe?: boolean },
): Promise<number> {
  const { members, chair } = await service.experts.members({ probe: flags.probe !== false });
  if (flags.json) {
    printJson(io, { members, chair });
    return EXIT_OK;
  }
  if (members.length === 0) {
    io.stdout("no experts configured: add experts.members to codeploy.yaml\n");
    return EXIT_OK;
  }
  const width = Math.max(...members.map((s) => s.name.length));
  for (const s of members) {
    const state = s.usable ? "usable" : `not usable: ${s.reason}`;
    io.stdout(
      `${s.name.padEnd(width)}  ${s.provider}/${s.model}${s.priced ? "" : " (unpriced)"}  ${state}\n`,
    );
  }
  if (chair.length) io.stdout(`chair: ${chair.join(" -> ")}\n`);
  return EXIT_OK;
}

export async function expertsAskCommand(
  io: CliIo,
  service: CodeService,
  question: string,
  flags: AskFlags,
): Promise<number> {
  const request = askRequest(question, flags);
  const consultation = await withInterrupts(io, (signal) => service.experts.ask(request, signal));
  if (flags.json) printJson(io, consultationJson(consultation));
  else printConsultation(io, consultation);
  const answered = consultation.answers.some((a) => a.status === "ok");
  if (!answered) io.stderr("error: no expert answered (see the causes above)\n");
  return answered ? EXIT_OK : EXIT_REFUSED;
}

export async function expertsHistoryCommand(
  io: CliIo,
  service: CodeService,
  flags: { json?: boolean; limit?: number },
): Promise<number> {
  const list = await service.experts.history(flags.limit !== undefined ? { limit: flags.limit } : {});
  if (flags.json) {
    printJson(io, { consultations: list });
    return EXIT_OK;
  }
  if (list.length === 0) io.stdout('no consultations yet: `codeploy experts ask "..."`\n');
  for (const c of list)
    io.stdout(
      `${c.id.slice(0, 8)}  ${c.createdAt.slice(0, 19)}  $${c.totalUsd.toFixed(4)}  ${c.question.split("\n")[0]?.slice(0, 80)}\n`,
    );
  return EXIT_OK;
}

export async function expertsShowCommand(
  io: CliIo,
  service: CodeService,
  id: string,
  flags: { json?: boolean },
): Promise<number> {
  const c = await service.experts.show(id);
  if (flags.json) printJson(io, consultationJson(c));
  else io.stdout(consultationMarkdown(c));
  return EXIT_OK;
}

/** Writes where this process runs: a folder here, or Google Drive with this machine's credentials. */
export async function expertsExportCommand(
  io: CliIo,
  service: CodeService,
  id: string,
  flags: { out?: string; drive?: string },
): Promise<number> {
  if (!flags.out === !flags.drive)
    throw new UsageError("name one destination: --out DIR or --drive FOLDER_ID");
  const c = await service.experts.show(id);
  let target: ConsultationExport;
  if (flags.out) {
    const { folderExport } = await import("../../experts/stores.js");
    target = folderExport(resolve(io.cwd, flags.out));
  } else {
    const { driveExportFromEnv } = await import("../../experts/drive-store.js");
    target = await driveExportFromEnv(io.env, flags.drive ?? "");
  }
  io.stdout(`${await target.write(c)}\n`);
  return EXIT_OK;
}

/**
 * `plan --advise`: asks the circle about a reviewed plan (recorded like any
 * consultation) and prints the advice after the plan, or returns it for
 * `--json` as the `advice` field.
 */
export async function adviseFromCli(io: CliIo, service: CodeService, review: AdvisedPlan, json: boolean) {
  const { advicePrompt } = await import("../../experts/advise.js");
  const consultation = await withInterrupts(io, (signal) =>
    service.experts.ask({ question: advicePrompt(review) }, signal),
  );
  if (!json) {
    io.stdout("\nAdvice from the Circle of Experts:\n");
    printConsultation(io, consultation);
  }
  return consultationJson(consultation);
}
