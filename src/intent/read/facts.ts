/**
 * Facts read for sure from the words: the seam for a later cross-check of an
 * LLM interpreter's answer against what the text plainly says (replicas,
 * ports, versions, environment, region, engines, domains, schedules...).
 */
import type { Cloud, Target } from "../../spec/schema.js";
import type { ActionCue } from "./actions.js";
import { read } from "./read.js";

export interface IntentFacts {
  readonly action: ActionCue;
  readonly environment?: string;
  readonly target?: Target;
  readonly cloud?: Exclude<Cloud, "local">;
  readonly region?: string;
  readonly replicas: readonly number[];
  readonly ports: readonly number[];
  readonly versions: readonly { readonly engine: string; readonly version: string }[];
  readonly engines: readonly string[];
  readonly domains: readonly string[];
  readonly schedules: readonly string[];
  readonly images: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly budgetUsd?: number;
  readonly appName?: string;
}

/** What the text says for sure, with no defaults filled in. */
export function readFacts(text: string): IntentFacts {
  const r = read(text);
  const replicas: number[] = [];
  const ports: number[] = [];
  const domains: string[] = [];
  const schedules: string[] = [];
  const env: Record<string, string> = {};
  for (const p of r.props) {
    const v = p.value;
    if (v.kind === "replicas" && v.relative === undefined) replicas.push(v.value);
    else if (v.kind === "port") ports.push(v.value);
    else if (v.kind === "domain") domains.push(v.host);
    else if (v.kind === "schedule" && !v.weak) schedules.push(v.cron);
    else if (v.kind === "env") env[v.key] = v.value;
  }
  const versions: { engine: string; version: string }[] = [];
  const engines = new Set<string>();
  const images: string[] = [];
  for (const m of r.mentions) {
    if (m.type === "data" && m.engine) {
      engines.add(m.engine);
      if (m.version) versions.push({ engine: m.engine, version: m.version });
    }
    if (m.type === "service" && m.image) images.push(m.image);
  }
  const target = r.platform.target === "weak-docker" ? undefined : r.platform.target;
  return {
    action: r.action.cue,
    replicas,
    ports,
    versions,
    engines: [...engines],
    domains,
    schedules,
    images,
    env,
    ...(r.env ? { environment: r.env.name } : {}),
    ...(target ? { target } : {}),
    ...(r.platform.cloud ? { cloud: r.platform.cloud } : {}),
    ...(r.platform.region ? { region: r.platform.region } : {}),
    ...(r.budget ? { budgetUsd: r.budget.monthlyUsd } : {}),
    ...(r.appName ? { appName: r.appName.name } : {}),
  };
}
