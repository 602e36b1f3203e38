/**
 * Service mentions that are one service: an image or app said for a service
 * named before it ("checkout using image acme/checkout:3", "a blog using
 * ghost") or in parentheses after it ("api (node, acme/api:2)").
 */

import type { ServiceMention } from "../mentions/mention-types.js";
import type { Ctx } from "../tokens/context.js";

/** "frontend (react, port 3000)", "web (nginx)": one unnamed service in parentheses describes the one before. */
export function mergeParens(
  ctx: Ctx,
  mentions: readonly ServiceMention[],
): Map<ServiceMention, ServiceMention> {
  const merged = new Map<ServiceMention, ServiceMention>();
  const perGroup = new Map<number, number>();
  for (const m of mentions) {
    const g = ctx.t(m.start)?.paren;
    if (g !== undefined) perGroup.set(g, (perGroup.get(g) ?? 0) + 1);
  }
  mentions.forEach((m, index) => {
    const group = ctx.t(m.start)?.paren;
    const span = ctx.parenSpan(m.start);
    // "(api and worker)" lists services of its own.
    if (group === undefined || !span || m.name || m.count !== undefined || perGroup.get(group) !== 1) return;
    const start = span.start;
    const before = mentions[index - 1];
    const host =
      before && !before.weak && before.start < start && before.end >= start - 1 ? before : undefined;
    if (!host) return;
    if (m.image && !host.image) host.image = m.image;
    if (m.app && !host.app) host.app = m.app;
    merged.set(m, host);
  });
  return merged;
}

const IMAGE_LEADS = new Set(["image", "using", "use", "from", "runs", "running", "run", "with", "on"]);
const IMAGE_FILLERS = new Set(["the", "a", "an", "docker", "container", "public", "official", "image", "of"]);

/** "a service called checkout using image acme/checkout:3": the image belongs to the service named before it. */
export function mergeImages(
  ctx: Ctx,
  mentions: readonly ServiceMention[],
  merged: Map<ServiceMention, ServiceMention>,
): void {
  for (const m of mentions) {
    if (m.role !== "image" || merged.has(m)) continue;
    let lead = m.start - 1;
    while (lead >= 0 && IMAGE_FILLERS.has(ctx.w(lead)) && ctx.w(lead) !== "image") lead--;
    let host: ServiceMention | undefined;
    if (IMAGE_LEADS.has(ctx.w(lead))) {
      host = mentions
        .filter(
          (o) => o.role !== "image" && o.end <= m.start && ctx.sameSentence(o.start, m.start) && !o.image,
        )
        .pop();
    }
    if (!host && (ctx.w(m.end) === "for" || ctx.w(m.end) === "as")) {
      host = mentions.find((o) => o.role !== "image" && o.start > m.end && o.start <= m.end + 3 && !o.image);
    }
    host ??= pronounHost(ctx, mentions, m);
    if (host) {
      host.image = m.image;
      merged.set(m, host);
    }
  }
}

const PRONOUNS = new Set(["it", "this", "that"]);

/** "We are building a service called parcel-hub. It needs nginx:1.27": "it" is the one service named before. */
function pronounHost(
  ctx: Ctx,
  mentions: readonly ServiceMention[],
  m: ServiceMention,
): ServiceMention | undefined {
  const s = ctx.sentenceStart(m.start);
  if (!PRONOUNS.has(ctx.w(s)) || m.start - s > 4) return undefined;
  const before = mentions.filter((o) => o.role !== "image" && o.end <= s && !o.image && !o.weak);
  return before.length === 1 ? before[0] : undefined;
}

const APP_LEADS = new Set(["using", "running", "powered", "based", "built", "via", "on"]);
const WEB_SERVERS = new Set(["nginx", "httpd", "caddy", "traefik", "haproxy", "tomcat"]);

/** "a reverse proxy with nginx", "a blog using ghost": the app is what that service runs. */
export function mergeApps(
  ctx: Ctx,
  mentions: readonly ServiceMention[],
  merged: Map<ServiceMention, ServiceMention>,
): void {
  for (const m of mentions) {
    if (!m.app || m.role !== "app" || merged.has(m)) continue;
    let lead = m.start - 1;
    while (lead >= 0 && ["the", "a", "an", "by", "on"].includes(ctx.w(lead)) && lead > m.start - 3) lead--;
    const word = ctx.w(lead);
    const web = WEB_SERVERS.has(m.app);
    if (!APP_LEADS.has(word) && !(word === "with" && web)) continue;
    const host = mentions
      .filter(
        (o) =>
          o !== m &&
          !o.app &&
          !o.image &&
          o.end <= lead &&
          o.end >= lead - 1 &&
          ctx.sameClause(o.start, m.start),
      )
      .pop();
    if (!host || (word === "with" && !["proxy", "web", "app"].includes(host.role))) continue;
    host.app = m.app;
    merged.set(m, host);
  }
}
