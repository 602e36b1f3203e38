/**
 * Removing a setting rather than a part, with a base spec: "remove the
 * domain", "drop tls", "remove autoscaling", "remove the budget", "unset
 * LOG_LEVEL". The rest of the spec is kept.
 */
import type { DeploymentSpecInput } from "../../spec/schema.js";
import type { Entities } from "../build/entities.js";
import type { Mention } from "../mentions/mention-types.js";
import type { Ctx } from "../tokens/context.js";
import { table } from "../tokens/phrases.js";

type Field =
  | "domain"
  | "tls"
  | "healthCheck"
  | "autoscale"
  | "budget"
  | "monitoring"
  | "backups"
  | "port"
  | "resources";

const FIELDS = table<Field>("unset.FIELDS", {
  "domain|custom domain|hostname": "domain",
  "tls|https|ssl|certificate|cert": "tls",
  "health check|healthcheck|probe|health endpoint": "healthCheck",
  "autoscale|autoscaling|auto scaling|hpa": "autoscale",
  "budget|spending limit|cost limit": "budget",
  "monitoring|metrics|observability": "monitoring",
  backup: "backups",
  port: "port",
  "resource|resource limit|limit|cpu limit|memory limit": "resources",
});

export interface Unset {
  readonly fields: readonly Field[];
  readonly envKeys: readonly string[];
  /** Services named in the words ("remove the domain of the web"); all when none. */
  readonly services: readonly string[];
}

/** The settings a removal verb names in [start, end), if any. */
export function readUnsets(
  ctx: Ctx,
  e: Entities,
  mentions: readonly Mention[],
  start: number,
  end: number,
): Unset | undefined {
  const fields: Field[] = [];
  const envKeys: string[] = [];
  for (let i = start; i < end; i++) {
    const hit = FIELDS.at(ctx.tokens, i);
    if (hit) {
      fields.push(hit.value);
      i = hit.end - 1;
      continue;
    }
    const t = ctx.t(i);
    if (t?.kind === "word" && /^[A-Z][A-Z0-9_]*_[A-Z0-9_]+$|^[A-Z]{3,}$/.test(t.text)) envKeys.push(t.text);
  }
  if (fields.length === 0 && envKeys.length === 0) return undefined;
  const services = mentions
    .filter((m) => m.start >= start && m.start < end && m.type === "service")
    .map((m) => e.byMention.get(m)?.name)
    .filter((n): n is string => n !== undefined);
  return { fields, envKeys, services };
}

export function applyUnsets(ctx: Ctx, input: DeploymentSpecInput, u: Unset): void {
  const services = (input.services ?? []).filter(
    (s) => u.services.length === 0 || u.services.includes(s.name),
  );
  for (const field of u.fields) {
    if (field === "budget") delete input.budget;
    else if (field === "monitoring") input.monitoring = { enabled: false };
    else if (field === "backups") for (const d of input.databases ?? []) d.backups = false;
    else if (field === "tls") for (const s of services) s.tls = false;
    else for (const s of services) delete s[field];
    ctx.assume(`removed ${field}${u.services.length ? ` of ${u.services.join(", ")}` : ""}`);
  }
  for (const key of u.envKeys) {
    for (const s of services) if (s.env) delete s.env[key];
    ctx.assume(`removed the variable ${key}`);
  }
}
