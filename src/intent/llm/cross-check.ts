/**
 * The words win: every fact the rules read for sure (replicas, ports,
 * versions, environment, region, engines, domains, schedules...) must hold in
 * the model's spec. The rules' spec says where each fact belongs; the model's
 * components are paired with the rules' ones, a disagreement is set back to
 * the words (an assumption), and a component nothing in the words supports is
 * dropped and asked about (a question), never silently kept.
 */
import type { DeploymentSpec, Service } from "../../spec/schema.js";
import type { IntentFacts } from "../read/facts.js";

export interface CrossChecked {
  /** Not yet validated: the caller checks it. */
  readonly spec: DeploymentSpec;
  readonly assumptions: string[];
  readonly questions: string[];
}

type Named = { readonly name: string };

/** Pairs items of `mine` with `theirs`: same name, then the `same` test, then leftovers in order when `inOrder`. */
function pair<T extends Named>(
  mine: readonly T[],
  theirs: readonly T[],
  same: (a: T, b: T) => boolean,
  inOrder: boolean,
) {
  const paired = new Map<number, T>();
  const used = new Set<number>();
  const passes: ((a: T, b: T) => boolean)[] = [(a, b) => a.name === b.name, same];
  if (inOrder) passes.push(() => true);
  for (const test of passes) {
    mine.forEach((m, i) => {
      if (paired.has(i)) return;
      const j = theirs.findIndex((t, k) => !used.has(k) && test(m, t));
      if (j < 0) return;
      used.add(j);
      paired.set(i, theirs[j] as T);
    });
  }
  const unpaired = theirs.filter((_, k) => !used.has(k));
  return { paired, unpaired };
}

function fixService(m: Service, r: Service, facts: IntentFacts, notes: string[]): Service {
  const out = { ...m };
  const fix = <K extends "replicas" | "port" | "domain" | "schedule" | "image">(key: K, sure: boolean) => {
    if (!sure || r[key] === undefined || out[key] === r[key]) return;
    notes.push(
      `the model set ${key} of service "${m.name}" to ${String(out[key])}; the words say ${String(r[key])}`,
    );
    out[key] = r[key];
  };
  fix("replicas", facts.replicas.includes(r.replicas));
  fix("port", r.port !== undefined && facts.ports.includes(r.port));
  fix("domain", r.domain !== undefined && facts.domains.includes(r.domain));
  fix("schedule", r.schedule !== undefined && facts.schedules.includes(r.schedule));
  fix("image", r.image !== undefined && facts.images.includes(r.image));
  if (out.domain !== undefined && !out.public && out.kind === "web") out.public = true;
  return out;
}

function fixTop(spec: DeploymentSpec, rules: DeploymentSpec, facts: IntentFacts, notes: string[]): void {
  const set = <K extends "environment" | "target" | "cloud" | "region" | "name">(key: K, sure: boolean) => {
    if (!sure || spec[key] === rules[key]) return;
    notes.push(`the model set ${key} to ${String(spec[key])}; the words say ${String(rules[key])}`);
    spec[key] = rules[key];
  };
  set("environment", facts.environment !== undefined);
  set("target", facts.target !== undefined);
  set("cloud", facts.cloud !== undefined || facts.region !== undefined);
  set("region", facts.region !== undefined);
  set("name", facts.appName !== undefined);
  if (facts.budgetUsd !== undefined && spec.budget?.monthlyUsd !== facts.budgetUsd) {
    notes.push(
      `the model set the budget to ${spec.budget?.monthlyUsd ?? "none"}; the words say ${facts.budgetUsd}`,
    );
    spec.budget = { monthlyUsd: facts.budgetUsd };
  }
}

type DataGroup = "databases" | "caches" | "queues";
const DATA_GROUPS: readonly DataGroup[] = ["databases", "caches", "queues"];

function fixData(
  spec: DeploymentSpec,
  rules: DeploymentSpec,
  facts: IntentFacts,
  c: CrossChecked,
  dropped: Set<string>,
): void {
  for (const group of DATA_GROUPS) {
    const mine: readonly { name: string; engine: string; version?: string | undefined }[] = spec[group];
    const theirs: readonly { name: string; engine: string; version?: string | undefined }[] = rules[group];
    const { paired, unpaired } = pair(mine, theirs, (a, b) => a.engine === b.engine, false);
    const kept = mine.flatMap((m, i) => {
      const r = paired.get(i);
      if (r && r.engine === m.engine) {
        const sure = facts.versions.some((v) => v.engine === r.engine && v.version === r.version);
        if (!sure || m.version === r.version) return [m];
        c.assumptions.push(
          `the model set ${m.engine} version ${m.version ?? "none"}; the words say ${r.version}`,
        );
        return [{ ...m, version: r.version }];
      }
      if (r) unpaired.push(r);
      dropped.add(m.name);
      c.questions.push(
        `the model added ${group.slice(0, -1)} "${m.name}" (${m.engine}) that the words do not ask for: should it be added?`,
      );
      return [];
    });
    for (const r of unpaired) {
      if (!facts.engines.includes(r.engine)) continue;
      c.assumptions.push(`the model left out ${r.engine} "${r.name}" that the words ask for: added`);
      kept.push(r);
    }
    Object.assign(spec, { [group]: kept });
  }
}

function fixServices(
  spec: DeploymentSpec,
  rules: DeploymentSpec,
  facts: IntentFacts,
  c: CrossChecked,
  dropped: Set<string>,
): void {
  const { paired, unpaired } = pair(
    spec.services,
    rules.services,
    (a, b) => a.image !== undefined && a.image === b.image,
    true,
  );
  const kept = spec.services.flatMap((m, i) => {
    const r = paired.get(i);
    if (r) return [fixService(m, r, facts, c.assumptions)];
    dropped.add(m.name);
    c.questions.push(
      `the model added service "${m.name}" that the words do not ask for: should it be added?`,
    );
    return [];
  });
  for (const r of unpaired) {
    if (r.image === undefined || !facts.images.includes(r.image)) continue;
    c.assumptions.push(`the model left out service "${r.name}" (${r.image}) that the words ask for: added`);
    kept.push(r);
  }
  spec.services = kept;
}

function fixBuckets(
  spec: DeploymentSpec,
  rules: DeploymentSpec,
  c: CrossChecked,
  dropped: Set<string>,
): void {
  const { paired } = pair(spec.buckets, rules.buckets, () => false, true);
  spec.buckets = spec.buckets.filter((b, i) => {
    if (paired.has(i)) return true;
    dropped.add(b.name);
    c.questions.push(`the model added bucket "${b.name}" that the words do not ask for: should it be added?`);
    return false;
  });
}

export function crossCheck(model: DeploymentSpec, rules: DeploymentSpec, facts: IntentFacts): CrossChecked {
  const spec = structuredClone(model);
  const c: CrossChecked = { spec, assumptions: [], questions: [] };
  const dropped = new Set<string>();
  fixTop(spec, rules, facts, c.assumptions);
  fixServices(spec, rules, facts, c, dropped);
  fixData(spec, rules, facts, c, dropped);
  fixBuckets(spec, rules, c, dropped);
  // Links to dropped parts (or to parts the rules named differently) would not validate.
  const names = new Set(
    [...spec.services, ...spec.databases, ...spec.caches, ...spec.queues, ...spec.buckets].map((x) => x.name),
  );
  spec.services = spec.services.map((s) => ({
    ...s,
    dependsOn: s.dependsOn.filter((d) => names.has(d) && d !== s.name),
  }));
  return c;
}
