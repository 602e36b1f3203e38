/**
 * Terraform's machine-readable UI (`-json`): one JSON object per line. Parsed
 * into a few typed events that CODE shows as progress; every other line is
 * kept as `message` so nothing Terraform says is lost.
 */

export interface SourceRange {
  readonly filename: string;
  readonly line: number;
  readonly column: number;
}

export interface Diagnostic {
  readonly severity: "error" | "warning";
  readonly summary: string;
  readonly detail: string;
  /** The resource address the diagnostic is about, when Terraform names one. */
  readonly address?: string;
  readonly range?: SourceRange;
}

export interface ChangeCounts {
  readonly add: number;
  readonly change: number;
  readonly remove: number;
  readonly operation: string;
}

export type TerraformEvent =
  | { readonly type: "version"; readonly version: string }
  | {
      readonly type: "planned_change";
      readonly address: string;
      readonly action: string;
      readonly reason?: string;
    }
  | { readonly type: "change_summary"; readonly changes: ChangeCounts; readonly message: string }
  | { readonly type: "apply_start"; readonly address: string; readonly action: string }
  | { readonly type: "apply_progress"; readonly address: string; readonly elapsedSeconds: number }
  | { readonly type: "apply_complete"; readonly address: string; readonly action: string }
  | { readonly type: "apply_errored"; readonly address: string; readonly action: string }
  | { readonly type: "provision_progress"; readonly address: string; readonly output: string }
  | { readonly type: "diagnostic"; readonly diagnostic: Diagnostic }
  | { readonly type: "outputs"; readonly outputs: Readonly<Record<string, unknown>> }
  /** Any other JSON line (refresh_start, init_output, log...) or plain text. */
  | { readonly type: "message"; readonly kind: string; readonly message: string };

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const text = (value: unknown): string => (typeof value === "string" ? value : "");
const num = (value: unknown): number => (typeof value === "number" ? value : 0);

function field(value: unknown, ...path: string[]): unknown {
  let at = value;
  for (const key of path) at = isRecord(at) ? at[key] : undefined;
  return at;
}

function parseRange(value: unknown): SourceRange | undefined {
  if (!isRecord(value) || typeof value.filename !== "string") return undefined;
  return {
    filename: value.filename,
    line: num(field(value, "start", "line")),
    column: num(field(value, "start", "column")),
  };
}

export function parseDiagnostic(value: unknown): Diagnostic | undefined {
  if (!isRecord(value)) return undefined;
  const range = parseRange(value.range);
  const address = text(value.address);
  return {
    severity: value.severity === "warning" ? "warning" : "error",
    summary: text(value.summary),
    detail: text(value.detail),
    ...(address ? { address } : {}),
    ...(range ? { range } : {}),
  };
}

function hookEvent(type: string, json: Json): TerraformEvent | undefined {
  const address = text(field(json, "hook", "resource", "addr"));
  const action = text(field(json, "hook", "action"));
  switch (type) {
    case "apply_start":
    case "apply_complete":
    case "apply_errored":
      return { type, address, action };
    case "apply_progress":
      return { type, address, elapsedSeconds: num(field(json, "hook", "elapsed_seconds")) };
    case "provision_progress":
      return { type, address, output: text(field(json, "hook", "output")) };
    default:
      return undefined;
  }
}

function jsonEvent(json: Json): TerraformEvent {
  const type = text(json.type);
  const message = text(json["@message"]);
  const hooked = hookEvent(type, json);
  if (hooked) return hooked;
  switch (type) {
    case "version":
      return { type, version: text(json.terraform) || text(json.tofu) };
    case "planned_change": {
      const reason = text(field(json, "change", "reason"));
      return {
        type,
        address: text(field(json, "change", "resource", "addr")),
        action: text(field(json, "change", "action")),
        ...(reason ? { reason } : {}),
      };
    }
    case "change_summary": {
      const c = json.changes;
      const changes = { add: num(field(c, "add")), change: num(field(c, "change")) };
      const operation = text(field(c, "operation"));
      return { type, changes: { ...changes, remove: num(field(c, "remove")), operation }, message };
    }
    case "diagnostic": {
      const diagnostic = parseDiagnostic(json.diagnostic);
      if (diagnostic) return { type, diagnostic };
      break;
    }
    case "outputs":
      return { type, outputs: isRecord(json.outputs) ? json.outputs : {} };
  }
  return { type: "message", kind: type || "log", message };
}

// Built from the escape character's code: biome forbids control characters in regex literals.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/** Colour codes leak into a few messages even with -no-color. */
export const stripAnsi = (s: string): string => s.replace(ANSI, "");

/** One line of `terraform ... -json` output; plain text lines (some commands mix them in) become messages. */
export function parseEventLine(line: string): TerraformEvent | undefined {
  const trimmed = line.trim();
  if (trimmed.length === 0) return undefined;
  if (trimmed.startsWith("{")) {
    try {
      const value: unknown = JSON.parse(trimmed);
      if (isRecord(value)) return jsonEvent(value);
    } catch {
      // not JSON after all: keep it as text
    }
  }
  return { type: "message", kind: "text", message: stripAnsi(trimmed) };
}

export function parseEventLines(output: string): TerraformEvent[] {
  return output.split("\n").flatMap((line) => parseEventLine(line) ?? []);
}

/** A line for people, or undefined for events too chatty to show (progress ticks, refreshes). */
export function describeTerraformEvent(event: TerraformEvent): string | undefined {
  switch (event.type) {
    case "planned_change":
      return `plan: ${event.address} will be ${pastTense(event.action)}${event.reason ? ` (${event.reason.replaceAll("_", " ")})` : ""}`;
    case "change_summary":
      return event.message;
    case "apply_start":
      return `${event.address}: ${event.action} started`;
    case "apply_complete":
      return `${event.address}: ${event.action} complete`;
    case "apply_errored":
      return `${event.address}: ${event.action} failed`;
    case "provision_progress":
      return `${event.address}: ${event.output}`;
    case "diagnostic":
      return `${event.diagnostic.severity}: ${event.diagnostic.summary}${event.diagnostic.address ? ` (${event.diagnostic.address})` : ""}`;
    default:
      return undefined;
  }
}

function pastTense(action: string): string {
  const words: Record<string, string> = {
    create: "created",
    update: "updated",
    delete: "destroyed",
    replace: "replaced",
    read: "read",
    move: "moved",
    remove: "removed",
    import: "imported",
    forget: "forgotten",
  };
  return words[action] ?? action;
}
