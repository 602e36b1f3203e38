/**
 * The tools that reach outside CODE (openWorldHint): the Circle of Experts
 * (several models asked at once, recorded, budgeted by the service) and a
 * tutorial video turned into a document. Compact by default: the synthesis
 * and one line per member; chapter titles, steps and commands.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { CodeService } from "../service/types.js";
import type { McpOptions } from "./context.js";
import { guarded, ok } from "./result.js";
import { detail } from "./schemas.js";

type Consultation = Awaited<ReturnType<CodeService["experts"]["ask"]>>;
type VideoAnswer = Awaited<ReturnType<CodeService["video"]>>;

const open = { readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: true };

export function consultationAnswer(c: Consultation, level: "summary" | "full") {
  return {
    id: c.id,
    summary: c.consensus.summary,
    recommendations: c.consensus.recommendations.slice(0, level === "full" ? undefined : 10),
    confidence: c.consensus.confidence,
    experts: c.answers.map(
      (a) => `${a.expert} (${a.model}): ${a.status}${a.error ? ` ${a.error.slice(0, 200)}` : ""}`,
    ),
    totalUsd: c.cost.totalUsd,
    cached: c.cached,
    ...(level === "full"
      ? {
          points: c.consensus.points,
          dissent: c.consensus.dissent,
          answers: c.answers.map((a) => ({ expert: a.expert, status: a.status, text: a.text })),
          ...(c.review ? { review: c.review } : {}),
        }
      : {}),
  };
}

export function videoAnswer(answer: VideoAnswer, level: "summary" | "full") {
  const d = answer.document;
  return {
    title: d.title,
    durationSeconds: d.durationSeconds,
    language: d.language,
    summary: d.summary,
    chapters: d.chapters.map((c) => c.title).slice(0, 50),
    steps: d.steps.slice(0, level === "full" ? undefined : 30).map((s) => `${s.n}. ${s.text.slice(0, 300)}`),
    commands: d.commands.slice(0, level === "full" ? undefined : 20).map((c) => c.code.slice(0, 500)),
    ...(level === "full" ? { markdown: answer.markdown } : {}),
  };
}

export function registerOpenTools(server: McpServer, options: McpOptions): void {
  const { service } = options;
  server.registerTool(
    "experts_ask",
    {
      title: "Ask the Circle of Experts",
      description: "Ask several models one question; returns their synthesis, recommendations and cost.",
      inputSchema: z.strictObject({
        question: z.string().min(1).max(20_000),
        experts: z
          .array(z.string().min(1).max(63))
          .max(20)
          .optional()
          .describe("members to ask (default all)"),
        budgetUsd: z.number().positive().optional().describe("may only lower the configured budget"),
        deadlineSeconds: z.number().int().positive().optional(),
        review: z.boolean().optional().describe("add a peer ranking"),
        detail,
      }),
      outputSchema: z.looseObject({ id: z.string(), summary: z.string(), totalUsd: z.number() }),
      annotations: open,
    },
    (args, ctx) =>
      guarded(async () => {
        const consultation = await service.experts.ask(
          {
            question: args.question,
            ...(args.experts ? { experts: args.experts } : {}),
            ...(args.budgetUsd !== undefined ? { budgetUsd: args.budgetUsd } : {}),
            ...(args.deadlineSeconds !== undefined ? { deadlineSeconds: args.deadlineSeconds } : {}),
            ...(args.review ? { review: true } : {}),
          },
          ctx.mcpReq.signal,
        );
        return ok(consultationAnswer(consultation, args.detail ?? "summary"));
      }, options.onError),
  );

  server.registerTool(
    "video_to_doc",
    {
      title: "Tutorial video to a document",
      description:
        "Turn a tutorial video (URL, or a file where CODE runs) into chapters, steps and commands.",
      inputSchema: z.strictObject({
        input: z.string().min(1).max(2000).describe("http(s) URL, or a file path on this machine"),
        language: z.string().min(2).max(8).optional(),
        detail,
      }),
      outputSchema: z.looseObject({ title: z.string(), steps: z.array(z.string()) }),
      annotations: open,
    },
    (args, ctx) =>
      guarded(async () => {
        const answer = await service.video(
          { input: args.input, ...(args.language ? { language: args.language } : {}) },
          { signal: ctx.mcpReq.signal },
        );
        return ok(videoAnswer(answer, args.detail ?? "summary"));
      }, options.onError),
  );
}
