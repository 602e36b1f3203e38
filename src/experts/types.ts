/** The Circle of Experts' vocabulary: members, answers, consensus, the consultation record. */
import type { LlmClient, ModelPrice, Usage } from "../llm/index.js";

export interface ExpertMember {
  readonly name: string;
  readonly client: LlmClient;
  /** undefined: the model is not in the price table and has no override ("unpriced"). */
  readonly price: ModelPrice | undefined;
}

export type AnswerStatus = "ok" | "failed" | "timeout";

export interface ExpertAnswer {
  readonly expert: string;
  readonly model: string;
  readonly status: AnswerStatus;
  readonly text: string;
  /** Key points the expert gave with its answer (structured output). */
  readonly points: readonly string[];
  /** The real cause of a failure: HTTP status and message, or the timeout. */
  readonly error: string | undefined;
  readonly latencyMs: number;
  readonly usage: Usage;
  /** undefined when unpriced; 0 for a cache hit. */
  readonly costUsd: number | undefined;
  /** The most this answer could cost, estimated before sending (prompt + every allowed output token). */
  readonly estimateUsd: number | undefined;
  readonly cached: boolean;
}

export interface ConsensusPoint {
  readonly text: string;
  readonly support: readonly string[];
  /** Supporters / experts that answered. */
  readonly share: number;
}

export interface Consensus {
  readonly summary: string;
  readonly recommendations: readonly string[];
  readonly points: readonly ConsensusPoint[];
  readonly dissent: readonly ConsensusPoint[];
  /** 0..1, from how much the answers agree (and how many answered), never from wording. */
  readonly confidence: number;
  /** `chair:<name>` when a chair wrote the summary, `deterministic` otherwise, `none` without answers. */
  readonly method: string;
  /** Why chairs were passed over (failures, budget). */
  readonly notes: readonly string[];
}

export interface PeerReview {
  readonly method: "borda";
  readonly scores: readonly { expert: string; points: number }[];
  readonly rankings: readonly { reviewer: string; order: readonly string[] }[];
  readonly skipped?: string;
}

export type Stage = "answers" | "review" | "synthesis";

export interface ConsultationCost {
  readonly totalUsd: number;
  readonly byStage: Readonly<Record<Stage, number>>;
  /** Members whose cost is unknown: not counted in the totals. */
  readonly unpriced: readonly string[];
  readonly estimateUsd: number;
  readonly budgetUsd: number | undefined;
}

export interface Consultation {
  readonly id: string;
  readonly createdAt: string;
  readonly question: string;
  readonly answers: readonly ExpertAnswer[];
  readonly consensus: Consensus;
  readonly review?: PeerReview;
  readonly cost: ConsultationCost;
  /** Every answer came from the response cache. */
  readonly cached: boolean;
}

/** Exact-match response cache: the key covers the model, its endpoint and the whole request. */
export interface ResponseCache {
  get(key: string): Promise<CachedResponse | undefined>;
  set(key: string, value: CachedResponse): Promise<void>;
}

export interface CachedResponse {
  readonly text: string;
  readonly object?: unknown;
  readonly usage: Usage;
  readonly model: string;
}
