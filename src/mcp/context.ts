/**
 * What every tool, resource and prompt of one MCP server shares: the
 * service of the caller, the plan memory and how a confirmed change runs.
 */
import type { Change, CodeService, DeploymentView, RunHooks } from "../service/types.js";
import type { PlanMemory } from "./memory.js";

/** A call to a tool that changes what runs, with its outcome: the server writes it to the audit log. */
export interface ChangeCall {
  readonly tool: "apply" | "rollback" | "destroy";
  readonly outcome: "ok" | "refused" | "failed";
  readonly app?: string;
  readonly environment?: string;
  readonly code?: string;
  readonly deployment?: string;
}

export interface McpOptions {
  readonly service: CodeService;
  /** Whose plans the memory keeps (the principal on a server, the person on stdio). */
  readonly actor: string;
  readonly memory: PlanMemory;
  /** No tool that changes what runs is listed (`codeploy mcp --read-only`, server.mcp.readOnly). */
  readonly readOnly?: boolean;
  readonly version: string;
  /** Runs a confirmed change; a server queues it with its other deployments. @default change.run(hooks) */
  readonly run?: (change: Change, hooks: RunHooks) => Promise<DeploymentView>;
  readonly onChange?: (call: ChangeCall) => void | Promise<void>;
  /** Errors that are not refusals (bugs, a store that went away): for the log, never for the caller. */
  readonly onError?: (error: unknown) => void;
}
