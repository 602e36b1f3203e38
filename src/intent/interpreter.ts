/**
 * The interpreter seam: every interpreter (the offline rules here, an LLM one
 * later) answers the same shape, and a fallback chain keeps the rules as the
 * answer of last resort.
 */
import type { Action, DeploymentSpec } from "../spec/schema.js";

/** Tokens and cost of the model calls behind one answer (absent when no model was asked). */
export interface InterpretUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Absent when the model is not in the price table. */
  readonly costUsd?: number;
  /** "<provider>/<model>". */
  readonly model: string;
  /** Calls made: 1 + repair rounds. */
  readonly calls: number;
}

export interface InterpretResult {
  readonly action: Action;
  /** Always passes deploymentSpecSchema. */
  readonly spec: DeploymentSpec;
  /** Every default applied, in words ("no environment named: using dev"). */
  readonly assumptions: string[];
  /** What could not be decided; [] when the request is complete. */
  readonly questions: string[];
  /** For a rollback: the revision the words name ("to revision 3"); absent means the previous one. */
  readonly rollback?: RollbackTarget;
  /** "rules", or "llm:<provider>/<model>". */
  readonly interpreter: string;
  /** Set when a model was asked, even when its answer was not used. */
  readonly usage?: InterpretUsage;
}

export interface RollbackTarget {
  readonly revision?: number;
}

export interface InterpretOptions {
  /** The current spec: the text then amends it. */
  readonly base?: DeploymentSpec;
}

export interface Interpreter {
  readonly name: string;
  interpret(text: string, options?: InterpretOptions): Promise<InterpretResult>;
}

/**
 * Tries `primary`; when it fails (network, parse, refusal) answers with
 * `fallback` and says so in the assumptions. Usage errors (empty text) are
 * not retried: the fallback would refuse them the same way.
 */
export function withFallback(primary: Interpreter, fallback: Interpreter): Interpreter {
  return {
    name: `${primary.name}>${fallback.name}`,
    async interpret(text, options) {
      try {
        return await primary.interpret(text, options);
      } catch (cause) {
        if (cause instanceof Error && "code" in cause && cause.code === "USAGE") throw cause;
        const result = await fallback.interpret(text, options);
        const why = cause instanceof Error ? cause.message : String(cause);
        return {
          ...result,
          assumptions: [
            `${primary.name} failed (${why}): answered by ${fallback.name}`,
            ...result.assumptions,
          ],
        };
      }
    },
  };
}
