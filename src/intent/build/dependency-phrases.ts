/**
 * Dependencies said in words: "the website calls the api", "a worker that
 * subscribes to nats", "gateway forwards requests to pricing", "the api
 * depends on the indexer", "frontend -> api -> postgres". The subject is the
 * nearest component before the verb in its sentence, the objects are the
 * components right after it ("backed by postgres and redis").
 */
import type { DeploymentSpecInput } from "../../spec/schema.js";
import type { Mention } from "../mentions/mention-types.js";
import { ARTICLES, type Ctx } from "../tokens/context.js";
import { table } from "../tokens/phrases.js";
import type { Entities, Entity } from "./entities.js";

const DEP_VERBS = table<true>("dependency-phrases.DEP_VERBS", {
  "call|calls|calling|talk to|talks to|talking to|depend on|depends on|depending on|forward to|forwards to|forwards requests to|forwards traffic to|send to|sends to|sends requests to|proxy to|proxies to|proxies requests to|connect to|connects to|relies on|rely on|read from|reads from|write to|writes to|publish to|publishes to|subscribe to|subscribes to|consume|consumes|consumes from|query|queries|point to|points to|backed by|hits|uses|use|needs|need|reach|reaches|pull from|pulls from|pulls tasks from|pulls jobs from|->": true,
});
const LIST_GLUE = new Set(["and", ",", "&", "+", "plus"]);

export function dependencyPhrases(
  ctx: Ctx,
  e: Entities,
  mentions: readonly Mention[],
  input: DeploymentSpecInput,
): void {
  const sorted = [...mentions].filter((m) => e.byMention.has(m)).sort((a, b) => a.start - b.start);
  const services = input.services ?? [];
  for (const hit of DEP_VERBS.all(ctx.tokens)) {
    const subject = sorted.filter((m) => m.end <= hit.start && ctx.sameSentence(m.start, hit.start)).pop();
    const from = subject ? e.byMention.get(subject) : undefined;
    if (from?.group !== "services") continue;
    const svc = services.find((s) => s.name === from.name);
    if (!svc) continue;
    for (const to of objects(ctx, e, sorted, hit.end)) {
      if (to === from || to.removed || to.group === "buckets") continue;
      if (to.group === "services" && reaches(services, to.name, from.name)) {
        ctx.ask(`${from.name} and ${to.name} would depend on each other: which one starts first?`);
        continue;
      }
      const deps = new Set(svc.dependsOn ?? []);
      if (!deps.has(to.name)) ctx.assume(`${from.name} depends on ${to.name}, as the words say`);
      deps.add(to.name);
      svc.dependsOn = [...deps];
    }
  }
}

/** The components right after a verb: the first one, and those listed with it. */
function objects(ctx: Ctx, e: Entities, sorted: readonly Mention[], at: number): Entity[] {
  const out: Entity[] = [];
  let k = at;
  for (const m of sorted) {
    if (m.start < k) continue;
    const gap = ctx.tokens.slice(k, m.start);
    const ok =
      out.length === 0
        ? gap.length <= 4 && gap.every((t) => t.kind === "word")
        : gap.every((t) => LIST_GLUE.has(t.w) || ARTICLES.has(t.w));
    if (!ok || !ctx.sameSentence(m.start, at)) break;
    const ent = e.byMention.get(m);
    if (ent) out.push(ent);
    k = m.end;
  }
  return out;
}

/** True when `from` already reaches `to` through dependsOn (a new edge back would close a cycle). */
function reaches(
  services: readonly { name: string; dependsOn?: readonly string[] }[],
  from: string,
  to: string,
): boolean {
  const seen = new Set<string>();
  const stack = [from];
  for (let guard = 0; guard < 1000 && stack.length > 0; guard++) {
    const cur = stack.pop() as string;
    if (cur === to) return true;
    if (seen.has(cur)) continue;
    seen.add(cur);
    for (const d of services.find((s) => s.name === cur)?.dependsOn ?? []) stack.push(d);
  }
  return false;
}
