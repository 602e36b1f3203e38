/**
 * What one applied revision becomes in the repository, as pure functions:
 * the files under `apps/<app>/<env>/` and the commit message. Files the
 * renderer marks sensitive, and any file holding a value that was redacted
 * from the spec or a secret's value, are left out and only listed in
 * `withheld.json`: a Git history cannot be un-pushed.
 */
import { stringify } from "yaml";
import type { ArtifactFile, RenderResult } from "../render/types.js";

export interface RevisionRecord {
  readonly app: string;
  readonly environment: string;
  readonly revision: number;
  readonly action: "apply" | "rollback";
  readonly deployment: string;
  readonly actor: string;
  /** The request's words (already redacted by the store). */
  readonly request?: string | undefined;
  /** The spec as the store keeps it (redacted). */
  readonly spec: unknown;
  readonly artifacts: RenderResult;
  /** Step actions of the plan that ran: create, update, delete, noop. */
  readonly steps: readonly { readonly action: string }[];
  /** Monthly estimate of the spec, when known. */
  readonly monthlyUsd?: number | undefined;
  /** Values that must never be committed (redacted spec values, secret values). */
  readonly withheld?: readonly string[];
}

/** The folder of an app + environment in the repository. Spec names are kebab-case: no `..`, no `/`. */
export function recordFolder(app: string, environment: string): string {
  return `apps/${app}/${environment}`;
}

/** A rendered file that may be shown (committed, diffed in the dashboard), or why it is withheld. */
export type PublishedFile =
  | { readonly path: string; readonly content: string; readonly withheld?: undefined }
  | { readonly path: string; readonly withheld: string; readonly content?: undefined };

/**
 * The one rule for showing rendered artifacts outside the machine that deploys them (the Git
 * commit, the dashboard's diffs): a file the renderer marks sensitive, or one holding any of
 * `withheld` (values redacted from the spec, secret values), is withheld whole, with the reason.
 */
export function publishable(
  files: readonly ArtifactFile[],
  withheld: readonly string[] = [],
): PublishedFile[] {
  const values = withheld.filter((v) => v.length > 0);
  return files.map((f) => {
    if (f.sensitive) return { path: f.path, withheld: "sensitive: holds passwords or secret values" };
    if (values.some((v) => f.content.includes(v)))
      return { path: f.path, withheld: "holds a value redacted from the spec" };
    return { path: f.path, content: f.content };
  });
}

/** Relative path (under the folder) -> content. */
export function recordFiles(record: RevisionRecord): Map<string, string> {
  const files = new Map<string, string>();
  const withheld: { path: string; reason: string }[] = [];
  for (const f of publishable(record.artifacts.files, record.withheld)) {
    const path = `artifacts/${f.path}`;
    if (f.withheld !== undefined) withheld.push({ path, reason: f.withheld });
    else files.set(path, f.content);
  }
  files.set("spec.yaml", stringify(record.spec, { sortMapEntries: false }));
  files.set(
    "withheld.json",
    `${JSON.stringify({ revision: record.revision, target: record.artifacts.target, files: withheld }, null, 2)}\n`,
  );
  return files;
}

export function commitMessage(record: RevisionRecord): string {
  const count = (action: string) => record.steps.filter((s) => s.action === action).length;
  const plan = `${count("create")} to create, ${count("update")} to update, ${count("delete")} to delete`;
  const cost =
    record.monthlyUsd === undefined ? "unknown" : `$${record.monthlyUsd.toFixed(2)}/month (estimate)`;
  return [
    `${record.app}/${record.environment}: ${record.action} revision ${record.revision}`,
    "",
    `Request: ${oneLine(record.request ?? "(a spec document)")}`,
    `Actor: ${oneLine(record.actor)}`,
    `Plan: ${plan}`,
    `Cost: ${cost}`,
    `Deployment: ${record.deployment}`,
    `Revision: ${record.revision}`,
    "",
  ].join("\n");
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * The values a redaction took out of `original` (walking it beside `redacted`):
 * whole strings that were replaced, and the parts a mask replaced inside one.
 */
export function redactedValues(original: unknown, redacted: unknown, mask = "[redacted]"): string[] {
  if (typeof original === "string" || typeof original === "number") {
    const text = String(original);
    if (typeof redacted !== "string" || redacted === text) return [];
    if (!redacted.includes(mask)) return [text];
    const pattern = redacted
      .split(mask)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join("([\\s\\S]+?)");
    const match = new RegExp(`^${pattern}$`).exec(text);
    return match ? match.slice(1).filter((v): v is string => v !== undefined) : [text];
  }
  if (Array.isArray(original))
    return original.flatMap((v, i) =>
      redactedValues(v, Array.isArray(redacted) ? redacted[i] : undefined, mask),
    );
  if (original === null || typeof original !== "object") return [];
  const other =
    typeof redacted === "object" && redacted !== null ? (redacted as Record<string, unknown>) : {};
  return Object.entries(original).flatMap(([k, v]) => redactedValues(v, other[k], mask));
}
