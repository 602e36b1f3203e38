/**
 * One question to the model with bounded repair rounds: structured output
 * from the spec's own zod schema, and on schema or reference errors the
 * errors go back to the model until it complies or the rounds run out.
 */
import { CodeError } from "../../core/errors.js";
import {
  addUsage,
  type ChatMessage,
  estimateTokens,
  type LlmClient,
  LlmError,
  type Usage,
  ZERO_USAGE,
} from "../../llm/index.js";
import { type DeploymentSpec, deploymentSpecInput } from "../../spec/schema.js";
import { checkSpec } from "../../spec/validate.js";
import { repairMessage, requestMessage, systemPrompt } from "./prompt.js";

export interface AskOptions {
  readonly base?: DeploymentSpec;
  /** Repair rounds after the first answer. @default 2 */
  readonly maxRepairs?: number;
  /** Deadline of all rounds together. @default 20000 */
  readonly deadlineMs?: number;
  readonly maxOutputTokens?: number;
  readonly signal?: AbortSignal;
  /** @default Date.now */
  readonly now?: () => number;
}

export interface AskAnswer {
  readonly spec: DeploymentSpec;
  readonly usage: Usage;
  /** Model calls made (1 + repair rounds used). */
  readonly calls: number;
}

/** The model never produced a valid spec within its rounds. */
export class LlmSpecError extends CodeError {
  readonly usage: Usage;
  readonly calls: number;
  constructor(message: string, usage: Usage, calls: number) {
    super("LLM_INVALID_SPEC", message, { hint: "the rules interpreter answers instead" });
    this.usage = usage;
    this.calls = calls;
  }
}

interface Round {
  readonly spec?: DeploymentSpec;
  readonly text: string;
  readonly issues: readonly string[];
  readonly usage: Usage;
}

async function oneRound(
  client: LlmClient,
  messages: readonly ChatMessage[],
  options: AskOptions,
  timeoutMs: number,
): Promise<Round> {
  try {
    const answer = await client.generateObject({
      schema: deploymentSpecInput,
      schemaName: "deployment_spec",
      system: systemPrompt(options.base),
      messages,
      maxOutputTokens: options.maxOutputTokens ?? 2048,
      temperature: 0,
      timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const checked = checkSpec(answer.object);
    if (checked.ok) return { spec: checked.spec, text: answer.text, issues: [], usage: answer.usage };
    const issues = checked.issues.map((i) => `${i.path || "(root)"}: ${i.message}`);
    return { text: answer.text, issues, usage: answer.usage };
  } catch (cause) {
    if (!(cause instanceof LlmError) || cause.kind !== "invalid-response") throw cause;
    const details = (cause.details ?? {}) as { text?: unknown; issues?: unknown };
    const text = typeof details.text === "string" ? details.text : "";
    const issues = Array.isArray(details.issues) ? details.issues.map(String) : [cause.message];
    // The rejected answer's usage is lost with the error: count its output roughly.
    return { text, issues, usage: { ...ZERO_USAGE, outputTokens: estimateTokens(text) } };
  }
}

export async function askForSpec(
  client: LlmClient,
  text: string,
  options: AskOptions = {},
): Promise<AskAnswer> {
  const now = options.now ?? Date.now;
  const deadline = now() + (options.deadlineMs ?? 20_000);
  const maxRepairs = options.maxRepairs ?? 2;
  const messages: ChatMessage[] = [{ role: "user", content: requestMessage(text) }];
  let usage = ZERO_USAGE;
  let last: readonly string[] = [];
  for (let call = 1; call <= maxRepairs + 1; call++) {
    const left = deadline - now();
    if (left <= 0) throw new LlmError("timeout", "the model's deadline passed during repair rounds");
    const round = await oneRound(client, messages, options, left);
    usage = addUsage(usage, round.usage);
    if (round.spec) return { spec: round.spec, usage, calls: call };
    last = round.issues;
    messages.push(
      { role: "assistant", content: round.text || "{}" },
      { role: "user", content: repairMessage(round.issues) },
    );
  }
  throw new LlmSpecError(
    `the model's spec is still invalid after ${maxRepairs} repair round(s): ${last.slice(0, 3).join("; ")}`,
    usage,
    maxRepairs + 1,
  );
}
