/** The tokenizer's last pass: a number and its unit word become one token. */
import { type Draft, time12, tok } from "./token-types.js";
import { AMPM, DOLLAR_WORDS, PERCENT_WORDS, SIZE_UNITS } from "./token-words.js";

/** number + unit word -> size/time/percent/money; "$ 200" and "usd 200" -> money. */
export function merge(ds: Draft[]): Draft[] {
  const merged: Draft[] = [];
  let i = 0;
  // Pushed before `i` moves on: a merged token stays in the parenthetical group of its first part.
  const out = {
    push(t: Draft): void {
      const paren = ds[i]?.paren;
      merged.push(paren === undefined || t.paren !== undefined ? t : { ...t, paren });
    },
  };
  for (; i < ds.length; i++) {
    const d = ds[i] as Draft;
    const next = ds[i + 1];
    if (d.kind === "number" && next?.kind === "word") {
      const unit = next.text.toLowerCase();
      const size = SIZE_UNITS.get(unit);
      const n = d.num ?? 0;
      if (size && unit !== "k" && unit !== "t") {
        out.push(tok("size", `${d.text} ${next.text}`, { num: n, unit: size, glue: d.glue }));
        i++;
        continue;
      }
      if (AMPM.has(unit) && n <= 12) {
        out.push({ ...time12(d.text + unit, d.text, undefined, unit), glue: d.glue });
        i++;
        continue;
      }
      if (PERCENT_WORDS.has(unit)) {
        out.push(tok("percent", `${d.text}%`, { num: n, glue: d.glue }));
        i++;
        continue;
      }
      if (DOLLAR_WORDS.has(unit)) {
        out.push(tok("money", `${d.text} ${next.text}`, { num: n, key: unit, glue: d.glue }));
        i++;
        continue;
      }
    }
    if (d.kind === "time" && next?.kind === "word" && AMPM.has(next.text.toLowerCase())) {
      out.push({ ...time12(d.text, String(d.hour ?? 0), String(d.minute ?? 0), next.text), glue: d.glue });
      i++;
      continue;
    }
    if (
      (d.kind === "word" && /^(usd|us\$|\$|€|£)$/i.test(d.text)) ||
      (d.kind === "other" && /^[$€£]$/.test(d.text))
    ) {
      if (next?.kind === "number") {
        out.push(tok("money", `${d.text}${next.text}`, { num: next.num ?? 0, key: d.text }));
        i++;
        continue;
      }
    }
    out.push(d);
  }
  return merged;
}
