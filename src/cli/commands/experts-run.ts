/** The `codeploy experts` commands: list, ask, history, show, export. */
import type { CodeployConfig } from "../../core/config.js";
import { UsageError } from "../../core/errors.js";
import type { AdvisedPlan } from "../../experts/advise.js";
import { askCircle } from "../../experts/circle.js";
import { consultationMarkdown } from "../../experts/markdown.js";
import { memberStatuses, selectMembers } from "../../experts/members.js";
import { type ConsultationExport, folderExport, storeCache } from "../../experts/stores.js";
import type { Consultation } from "../../experts/types.js";
import { EXIT_OK, EXIT_REFUSED } from "../exit.js";
import { type CliIo, printJson } from "../io.js";
import { openStore } from "../session.js";
import { loadCliConfig } from "../settings.js";
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

export async function expertsListCommand(
  io: CliIo,
  flags: { json?: boolean; probe?: boolean; config?: string },
): Promise<number> {
  const config = await loadCliConfig(io, flags.config);
  const statuses = await memberStatuses(config.experts, io.env, { probe: flags.probe !== false });
  if (flags.json) {
    printJson(io, {
      members: statuses.map((s) => ({ ...s, baseUrl: s.baseUrl ?? null, reason: s.reason ?? null })),
      chair: config.experts.chair,
    });
    return EXIT_OK;
  }
  if (statuses.length === 0) {
    io.stdout("no experts configured: add experts.members to codeploy.yaml\n");
    return EXIT_OK;
  }
  const width = Math.max(...statuses.map((s) => s.name.length));
  for (const s of statuses) {
    const state = s.usable ? "usable" : `not usable: ${s.reason}`;
    io.stdout(
      `${s.name.padEnd(width)}  ${s.provider}/${s.model}${s.priced ? "" : " (unpriced)"}  ${state}\n`,
    );
  }
  if (config.experts.chair.length) io.stdout(`chair: ${config.experts.chair.join(" -> ")}\n`);
  return EXIT_OK;
}

export interface CircleRun {
  readonly config: CodeployConfig;
  readonly question: string;
  readonly flags: AskFlags;
  readonly signal: AbortSignal;
}

/** Asks the circle with the config's settings and the flags, recording the consultation in the store. */
export async function runConsultation(io: CliIo, run: CircleRun): Promise<Consultation> {
  const { config, flags } = run;
  const names = flags.experts
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const members = selectMembers(config.experts, io.env, names, { maxRetries: config.llm.maxRetries });
  const store = await openStore(io, config);
  try {
    const budgetUsd = flags.budget !== undefined ? parseBudget(flags.budget) : config.experts.budgetUsd;
    const consultation = await askCircle(run.question, {
      members,
      chair: config.experts.chair,
      deadlineMs: flags.deadline ? parseDuration(flags.deadline) : config.experts.deadlineSeconds * 1000,
      ...(budgetUsd !== undefined ? { budgetUsd } : {}),
      maxOutputTokens: config.experts.maxOutputTokens,
      review: flags.review === true,
      ...(flags.cache === false ? {} : { cache: storeCache(store.consultations) }),
      signal: run.signal,
    });
    await store.consultations.save({
      id: consultation.id,
      createdAt: consultation.createdAt,
      question: consultation.question,
      totalUsd: consultation.cost.totalUsd,
      record: consultation,
    });
    return consultation;
  } finally {
    await store.close();
  }
}

export async function expertsAskCommand(
  io: CliIo,
  question: string,
  flags: AskFlags & { config?: string },
): Promise<number> {
  if (!question.trim())
    throw new UsageError("the question is empty", {
      hint: 'codeploy experts ask "how should I back up postgres?"',
    });
  const config = await loadCliConfig(io, flags.config);
  const consultation = await withInterrupts(io, (signal) =>
    runConsultation(io, { config, question, flags, signal }),
  );
  if (flags.json) printJson(io, consultationJson(consultation));
  else printConsultation(io, consultation);
  const answered = consultation.answers.some((a) => a.status === "ok");
  if (!answered) io.stderr("error: no expert answered (see the causes above)\n");
  return answered ? EXIT_OK : EXIT_REFUSED;
}

export async function expertsHistoryCommand(
  io: CliIo,
  flags: { json?: boolean; limit?: number; config?: string },
): Promise<number> {
  const config = await loadCliConfig(io, flags.config);
  const store = await openStore(io, config);
  try {
    const list = await store.consultations.list({ limit: flags.limit ?? 50 });
    if (flags.json) {
      printJson(io, { consultations: list.map(({ record: _r, ...rest }) => rest) });
      return EXIT_OK;
    }
    if (list.length === 0) io.stdout('no consultations yet: `codeploy experts ask "..."`\n');
    for (const c of list)
      io.stdout(
        `${c.id.slice(0, 8)}  ${c.createdAt.slice(0, 19)}  $${c.totalUsd.toFixed(4)}  ${c.question.split("\n")[0]?.slice(0, 80)}\n`,
      );
    return EXIT_OK;
  } finally {
    await store.close();
  }
}

async function loadConsultation(io: CliIo, id: string, configFile?: string): Promise<Consultation> {
  const config = await loadCliConfig(io, configFile);
  const store = await openStore(io, config);
  try {
    // The record was written by askCircle in this shape; the store keeps it as JSON.
    return (await store.consultations.get(id)).record as Consultation;
  } finally {
    await store.close();
  }
}

export async function expertsShowCommand(
  io: CliIo,
  id: string,
  flags: { json?: boolean; config?: string },
): Promise<number> {
  const c = await loadConsultation(io, id, flags.config);
  if (flags.json) printJson(io, consultationJson(c));
  else io.stdout(consultationMarkdown(c));
  return EXIT_OK;
}

export async function expertsExportCommand(
  io: CliIo,
  id: string,
  flags: { out?: string; drive?: string; config?: string },
): Promise<number> {
  if (!flags.out === !flags.drive)
    throw new UsageError("name one destination: --out DIR or --drive FOLDER_ID");
  const c = await loadConsultation(io, id, flags.config);
  let target: ConsultationExport;
  if (flags.out) {
    const { resolve } = await import("node:path");
    target = folderExport(resolve(io.cwd, flags.out));
  } else {
    const { driveExportFromEnv } = await import("../../experts/drive-store.js");
    target = await driveExportFromEnv(io.env, flags.drive ?? "");
  }
  io.stdout(`${await target.write(c)}\n`);
  return EXIT_OK;
}

/**
 * `plan --advise`: asks the circle about a reviewed plan with the config's
 * settings (recorded like any consultation) and prints the advice after the
 * plan, or returns it for `--json` as the `advice` field.
 */
export async function adviseFromCli(io: CliIo, config: CodeployConfig, review: AdvisedPlan, json: boolean) {
  const { advicePrompt } = await import("../../experts/advise.js");
  const consultation = await withInterrupts(io, (signal) =>
    runConsultation(io, { config, question: advicePrompt(review), flags: {}, signal }),
  );
  if (!json) {
    io.stdout("\nAdvice from the Circle of Experts:\n");
    printConsultation(io, consultation);
  }
  return consultationJson(consultation);
}
