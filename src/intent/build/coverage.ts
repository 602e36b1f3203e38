/**
 * Nothing silently dropped: a thing the request asks for ("a search engine",
 * "an LDAP directory", "a vector database") whose words no pass understood
 * becomes a question instead of vanishing. A thing is the phrase after "a",
 * "an" or "some" up to a function word, punctuation or the end of a
 * component the passes did read.
 */

import type { Mention } from "../mentions/mention-types.js";
import { phrase } from "../mentions/negation.js";
import type { Ctx } from "../tokens/context.js";
import { words } from "../tokens/phrases.js";
import { isNameWord } from "../vocab/names.js";

const LEADS = words("a an some");
const STOPS = words(
  "of for to in on with from at by and or but that which who where so as than into onto over under behind via is are be will should can called named",
);
/** Words that describe how, not what ("a small side project", "a single host"): never a question alone. */
const HARMLESS = words(
  "side team campaign ticket way time bit lot couple few pair kind sort type request plan setup look idea start quick short long nice good great simple fresh brand project product platform solution tool system friendly copy version release",
);

export function askUnread(ctx: Ctx, mentions: readonly Mention[]): void {
  const ends = new Set(mentions.map((m) => m.end));
  for (let i = 0; i < ctx.length; i++) {
    if (!LEADS.has(ctx.w(i))) continue;
    let end = i + 1;
    const unread: number[] = [];
    for (; end < Math.min(ctx.length, i + 6); end++) {
      const t = ctx.t(end);
      if (t === undefined || t.kind === "punct" || STOPS.has(t.w)) break;
      if (isNameWord(ctx, end) && !HARMLESS.has(t.w)) unread.push(end);
      if (ends.has(end + 1)) {
        end++;
        break;
      }
    }
    if (unread.length === 0) continue;
    const text = phrase(ctx, i, end);
    ctx.ask(`I did not understand "${text}": which image or engine should run it, or should it be left out?`);
    i = end - 1;
  }
}
