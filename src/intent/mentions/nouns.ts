/**
 * The longest noun phrase of any table at a position: services, data
 * services, well-known apps and frameworks compete, and the longest wins.
 */

import type { Ctx } from "../tokens/context.js";
import type { PhraseHit } from "../tokens/phrases.js";
import { APP_PHRASES } from "../vocab/apps.js";
import { DATA_NOUNS, type DataWord, FRAMEWORKS, type Role, SERVICE_NOUNS } from "../vocab/vocab.js";

export type NounPick =
  | { kind: "data"; hit: PhraseHit<DataWord> }
  | { kind: "app"; hit: PhraseHit<string> }
  | { kind: "service"; hit: PhraseHit<Role> }
  | { kind: "framework"; hit: PhraseHit<Role | "modifier"> };

/** The longest phrase of any noun table at i. */
export function nounAt(ctx: Ctx, i: number): NounPick | undefined {
  if (ctx.isUsed(i)) return undefined;
  const candidates: NounPick[] = [];
  const svc = SERVICE_NOUNS.at(ctx.tokens, i);
  if (svc) candidates.push({ kind: "service", hit: svc });
  const data = DATA_NOUNS.at(ctx.tokens, i);
  if (data) candidates.push({ kind: "data", hit: data });
  const app = APP_PHRASES.at(ctx.tokens, i);
  if (app) candidates.push({ kind: "app", hit: app });
  const fw = FRAMEWORKS.at(ctx.tokens, i);
  if (fw) candidates.push({ kind: "framework", hit: fw });
  let best: NounPick | undefined;
  for (const c of candidates) if (!best || c.hit.end > best.hit.end) best = c;
  return best;
}
