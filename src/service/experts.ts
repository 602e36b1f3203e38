/**
 * The Circle of Experts on the service layer: the members and whether they
 * can be asked, a consultation (recorded in the store, answers cached), the
 * history and one consultation. The CLI, the API, the MCP server and the
 * dashboard all ask through here.
 */
import type { ExpertsConfig } from "../core/config.js";
import { CodeError } from "../core/errors.js";
import type { Consultation, ExpertMember, MemberStatus } from "../experts/index.js";
import type { LlmClientOptions } from "../llm/index.js";
import { costOf } from "../llm/prices.js";
import type { ConsultationStore } from "../state/consultations.js";
import { lowerOnly } from "./limits.js";
import type { Caller } from "./types.js";

export interface ExpertsAskRequest {
  readonly question: string;
  /** Ask only these members (each must be usable). @default every usable member */
  readonly experts?: readonly string[];
  readonly deadlineSeconds?: number;
  readonly budgetUsd?: number;
  /** Add an anonymised peer ranking (Borda count). */
  readonly review?: boolean;
  /** false: ask again even when the same question was answered before. @default true */
  readonly cache?: boolean;
}

export type MemberView = Omit<MemberStatus, "baseUrl" | "reason"> & {
  readonly baseUrl: string | null;
  readonly reason: string | null;
};

export interface ExpertsMembers {
  readonly members: MemberView[];
  /** Who writes the synthesis, in order. */
  readonly chair: string[];
}

export interface ConsultationSummary {
  readonly id: string;
  readonly createdAt: string;
  readonly question: string;
  readonly totalUsd: number;
}

export interface ExpertsService {
  /** `probe: false` checks keys and settings only, without contacting the servers. */
  members(options?: { probe?: boolean }): Promise<ExpertsMembers>;
  ask(request: ExpertsAskRequest, signal?: AbortSignal): Promise<Consultation>;
  /** Newest first. @default limit 50 */
  history(options?: { limit?: number }): Promise<ConsultationSummary[]>;
  /** An id or its first characters. */
  show(id: string): Promise<Consultation>;
}

export interface LocalExpertsDeps {
  readonly config: ExpertsConfig;
  /** Where apiKeyEnv values are read. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clientOptions?: LlmClientOptions;
  /**
   * true (a server): a request's budget and deadline may only lower the configured ones.
   * false (the CLI): the person at the terminal owns codeploy.yaml; the deadline is a default.
   * The budget is a ceiling everywhere once configured.
   */
  readonly ceilings: boolean;
  /** Told of every model call (answers, review, chair) at the member's price: the server's /metrics. */
  readonly onUsage?: (usage: ModelUsage) => void;
}

export interface ModelUsage {
  readonly provider: string;
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** 0 when the model is unpriced. */
  readonly costUsd: number;
}

const DEFAULT_HISTORY = 50;

/** The experts service on this process; the store keeps consultations and the response cache. */
export function localExperts(
  deps: LocalExpertsDeps | undefined,
  consultations: () => ConsultationStore,
  caller: Caller,
): ExpertsService {
  const configured = (): LocalExpertsDeps => {
    if (deps) return deps;
    throw new CodeError("CONFIG", "the Circle of Experts is not available here", {
      hint: "configure experts.members in codeploy.yaml where the service runs",
    });
  };
  return {
    async members(options = {}) {
      caller.authorize("interpret");
      const d = configured();
      const { memberStatuses } = await import("../experts/members.js");
      const statuses = await memberStatuses(d.config, d.env, { probe: options.probe !== false });
      return {
        members: statuses.map((s) => ({ ...s, baseUrl: s.baseUrl ?? null, reason: s.reason ?? null })),
        chair: [...d.config.chair],
      };
    },

    async ask(request, signal) {
      caller.authorize("interpret");
      const d = configured();
      if (!request.question.trim())
        throw new CodeError("USAGE", "the question is empty", {
          hint: 'ask something, e.g. "how should I back up postgres?"',
        });
      // Checked before any member is called: a request may spend less than configured, never more.
      const budgetUsd = lowerOnly("budgetUsd", request.budgetUsd, d.config.budgetUsd, "experts.budgetUsd");
      const deadlineSeconds = d.ceilings
        ? (lowerOnly(
            "deadlineSeconds",
            request.deadlineSeconds,
            d.config.deadlineSeconds,
            "experts.deadlineSeconds",
          ) ?? d.config.deadlineSeconds)
        : (request.deadlineSeconds ?? d.config.deadlineSeconds);
      const [{ askCircle }, { selectMembers }, { storeCache }] = await Promise.all([
        import("../experts/circle.js"),
        import("../experts/members.js"),
        import("../experts/stores.js"),
      ]);
      let members: ExpertMember[] = [];
      const onUsage = d.onUsage;
      members = selectMembers(d.config, d.env, request.experts, {
        ...d.clientOptions,
        ...(onUsage
          ? {
              onUsage: (ref, usage) =>
                onUsage({
                  provider: ref.provider,
                  model: ref.model,
                  inputTokens: usage.inputTokens,
                  outputTokens: usage.outputTokens,
                  costUsd: costOf(usage, members.find((m) => m.client.ref === ref)?.price) ?? 0,
                }),
            }
          : {}),
      });
      const store = consultations();
      const consultation = await askCircle(request.question, {
        members,
        chair: d.config.chair,
        deadlineMs: deadlineSeconds * 1000,
        ...(budgetUsd !== undefined ? { budgetUsd } : {}),
        maxOutputTokens: d.config.maxOutputTokens,
        review: request.review === true,
        ...(request.cache === false ? {} : { cache: storeCache(store) }),
        ...(signal ? { signal } : {}),
      });
      await store.save({
        id: consultation.id,
        createdAt: consultation.createdAt,
        question: consultation.question,
        totalUsd: consultation.cost.totalUsd,
        record: consultation,
      });
      return consultation;
    },

    async history(options = {}) {
      caller.authorize("interpret");
      const list = await consultations().list({ limit: options.limit ?? DEFAULT_HISTORY });
      return list.map(({ record: _record, ...summary }) => summary);
    },

    async show(id) {
      caller.authorize("interpret");
      // The record was written by askCircle in this shape; the store keeps it as JSON.
      return (await consultations().get(id)).record as Consultation;
    },
  };
}
