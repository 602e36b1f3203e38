/**
 * The LLM interpreter: the rules answer first; the model is asked (hybrid:
 * only when the rules leave questions) for a spec in the contract's own
 * schema, its answer is repaired, cross-checked against the words, and
 * validated. Whatever fails, the rules' answer stands: no request fails
 * because a model did.
 */
import {
  costOf,
  type LlmClient,
  LlmError,
  type ModelPrice,
  redactSecrets,
  type Usage,
} from "../../llm/index.js";
import { checkSpec } from "../../spec/validate.js";
import type { Interpreter, InterpretOptions, InterpretResult, InterpretUsage } from "../interpreter.js";
import { readFacts } from "../read/facts.js";
import { interpretRules } from "../rules-interpreter.js";
import { type AskOptions, askForSpec, LlmSpecError } from "./ask.js";
import { crossCheck } from "./cross-check.js";
import { holdToWords, sureWords } from "./sure-words.js";

/** rules: never ask; hybrid: ask when the rules leave questions; llm: always ask. */
export type InterpretMode = "rules" | "hybrid" | "llm";

export interface LlmInterpreterOptions extends Omit<AskOptions, "base" | "signal"> {
  readonly client: LlmClient;
  /** For the cost of each call; undefined leaves costUsd out. */
  readonly price?: ModelPrice;
  /** @default "hybrid" */
  readonly mode?: Exclude<InterpretMode, "rules">;
}

export function llmInterpreterName(client: LlmClient): string {
  return `llm:${client.ref.provider}/${client.ref.model}`;
}

function usageOf(
  usage: Usage,
  calls: number,
  client: LlmClient,
  price: ModelPrice | undefined,
): InterpretUsage {
  const cost = costOf(usage, price);
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    model: `${client.ref.provider}/${client.ref.model}`,
    calls,
    ...(cost !== undefined ? { costUsd: cost } : {}),
  };
}

/** Why the model's answer was not used, in words a user can act on (no keys). */
export function failureReason(cause: unknown, deadlineMs: number): string {
  if (cause instanceof LlmError) {
    if (cause.kind === "timeout")
      return `too slow: no valid answer within ${Math.round(deadlineMs / 1000)} s`;
    if (cause.kind === "network") return `unreachable: ${redactSecrets(cause.message)}`;
    if (cause.kind === "http") return `the server answered HTTP ${cause.status ?? "?"}`;
    if (cause.kind === "aborted") return "cancelled";
  }
  const why = cause instanceof Error ? cause.message : String(cause);
  return redactSecrets(why).slice(0, 240);
}

function fallback(
  rules: InterpretResult,
  name: string,
  reason: string,
  usage?: InterpretUsage,
): InterpretResult {
  return {
    ...rules,
    assumptions: [`${name} not used (${reason}): answered by the rules interpreter`, ...rules.assumptions],
    ...(usage && usage.calls > 0 ? { usage } : {}),
  };
}

export function createLlmInterpreter(options: LlmInterpreterOptions): Interpreter {
  const { client, price, mode = "hybrid", ...ask } = options;
  const name = llmInterpreterName(client);
  const deadlineMs = ask.deadlineMs ?? 20_000;
  return {
    name,
    async interpret(text: string, opts: InterpretOptions = {}): Promise<InterpretResult> {
      const rules = interpretRules(text, opts);
      // Simple requests cost nothing: the rules were sure of everything.
      if (mode === "hybrid" && rules.questions.length === 0) return rules;
      let answer: Awaited<ReturnType<typeof askForSpec>>;
      try {
        answer = await askForSpec(client, text, { ...ask, ...(opts.base ? { base: opts.base } : {}) });
      } catch (cause) {
        const spent =
          cause instanceof LlmSpecError ? usageOf(cause.usage, cause.calls, client, price) : undefined;
        return fallback(rules, name, failureReason(cause, deadlineMs), spent);
      }
      const usage = usageOf(answer.usage, answer.calls, client, price);
      const checked = crossCheck(answer.spec, rules.spec, readFacts(text));
      const held = holdToWords(checked.spec, sureWords(text, { amending: opts.base !== undefined }));
      const valid = checkSpec(held.spec);
      if (!valid.ok) {
        const first = valid.issues[0];
        return fallback(
          rules,
          name,
          `its spec broke after the cross-check: ${first?.path} ${first?.message}`,
          usage,
        );
      }
      return {
        action: rules.action,
        spec: valid.spec,
        ...(rules.rollback ? { rollback: rules.rollback } : {}),
        assumptions: [...checked.assumptions, ...held.notes],
        questions: checked.questions,
        interpreter: name,
        usage,
      };
    },
  };
}
