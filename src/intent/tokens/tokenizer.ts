/**
 * Words -> typed tokens. Every chunk of the text becomes one token kind:
 * words, numbers, versions, image references, URLs, domains, ports, sizes,
 * money, percentages, env assignments, paths, times and punctuation. The
 * grammar above never looks at raw characters again.
 *
 * Safety: chunks longer than MAX_CHUNK are kept as opaque "other" tokens, and
 * no pattern here nests quantifiers over unbounded user text.
 */
import { isValidCron } from "../../spec/schema.js";
import { normalizeWord } from "./lexicon.js";
import { merge } from "./token-merge.js";
import { type Draft, type SizeUnit, type Token, type TokenKind, time12, tok } from "./token-types.js";
import {
  CONTRACTIONS,
  DOTTED_WORDS,
  ENGINE_PREFIXES,
  FILE_TLDS,
  PLAIN_WORDS,
  SIZE_UNITS,
  SLASH_WORDS,
} from "./token-words.js";

export { sizeUnitOf } from "./token-words.js";
export type { SizeUnit, Token, TokenKind };

const MAX_CHUNK = 256;
const CHUNK =
  /["'`]?(?:[\d*/,-]+[ \t]+){4}[\d*/,-]+["'`]?(?=[\s.;]|$)|[A-Za-z_][A-Za-z0-9_]*=(?:"[^"\n]*"|'[^'\n]*'|\S*)|\n|[^\s]+/g;
const LEAD = /^[([{<"'“‘`«]+/;
const TRAIL = /[)\]}>"'”’`».,;:!?…]+$/;

const URL_RE = /^(https?|wss?|ftp):\/\/([^\s/?#]+)/i;
const ENV_RE = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
const MONEY_RE = /^([$€£])(\d[\d,]*(?:\.\d+)?)(k)?(?:\/([a-z]+))?$/i;
const MONEY_AFTER_RE = /^(\d[\d,]*(?:\.\d+)?)(k)?([$€£])$/i;
const PERCENT_RE = /^(\d+(?:\.\d+)?)%$/;
const PORT_RE = /^(?:localhost|0\.0\.0\.0|127\.0\.0\.1)?:(\d{1,5})$/i;
const PATH_RE = /^\/[A-Za-z0-9._~\-/]*[A-Za-z0-9_~\-/]$/;
const TIME12_RE = /^(\d{1,2})(?::(\d{2}))?(am|pm|a\.m\.?|p\.m\.?)$/i;
const TIME24_RE = /^(\d{1,2}):(\d{2})$/;
const VERSION_RE = /^v?(\d+(?:\.\d+){2,3})$|^v(\d+(?:\.\d+)?)$/i;
const NUMBER_RE = /^\d{1,3}(?:,\d{3})+$|^\d+(?:\.\d+)?$/;
const ORDINAL_RE = /^(\d{1,2})(st|nd|rd|th)$/i;
const FRACTION_RE = /^([1-9])\/([2-8])$/;
const NUM_UNIT_RE = /^(\d+(?:\.\d+)?)([A-Za-z]+)$/;
const X_NUM_RE = /^x(\d{1,4})$/i;
const ENGINE_NUM_RE = /^([a-z]+)(\d+(?:\.\d+)?)$/i;
const IMAGE_RE =
  /^(?:[a-z0-9][a-z0-9.-]*(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const DOMAIN_RE = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const WORD_RE = /^[\p{L}\p{N}][\p{L}\p{N}'’._]*$/u;
/** The ASCII words WORD_RE accepts: asked first, it spares most requests compiling WORD_RE's Unicode classes. */
const ASCII_WORD_RE = /^[A-Za-z0-9][A-Za-z0-9'’._]*$/;

function money(amount: string, k: string | undefined): number {
  const n = Number(amount.replace(/,/g, ""));
  return k ? n * 1000 : n;
}

function classifyUrl(core: string): Draft | undefined {
  const m = URL_RE.exec(core);
  if (!m) return undefined;
  const host = (m[2] ?? "")
    .replace(/^[^@]*@/, "")
    .replace(/:\d+$/, "")
    .toLowerCase();
  const scheme = (m[1] ?? "").toLowerCase();
  return tok("url", core, { key: host, secure: scheme === "https" || scheme === "wss" });
}

function classifyImage(core: string): Draft | undefined {
  if (!IMAGE_RE.test(core)) return undefined;
  const hasTag = /:[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(core) || core.includes("@sha256:");
  if (!core.includes("/") && !hasTag) return undefined;
  if (SLASH_WORDS.has(core.toLowerCase())) return undefined;
  const repo = core.replace(/@sha256:.*$/, "").replace(/:[^/:]*$/, "");
  const segments = repo.split("/");
  if (segments.every((s) => /^\d+$/.test(s))) return undefined;
  // "port:8080" and "localhost:3000" are ports, "api/worker" two words.
  if (segments.length > 1 && segments.every((s) => isPlainWord(s))) return undefined;
  return tok("image", core);
}

function isPlainWord(s: string): boolean {
  return PLAIN_WORDS.has(s);
}

/** One chunk without surrounding punctuation -> tokens. */
function classify(core: string): Draft[] {
  if (core.length > MAX_CHUNK) return [tok("other", core.slice(0, 32))];
  const url = classifyUrl(core);
  if (url) return [url];
  const m = ENV_RE.exec(core);
  if (m) return [tok("env", core, { key: m[1] ?? "", value: unquote(m[2] ?? "") })];
  return classifyAmount(core) ?? classifyNumeric(core) ?? classifyName(core);
}

/** Money, percentages, ports, paths and times. */
function classifyAmount(core: string): Draft[] | undefined {
  let m = MONEY_RE.exec(core);
  if (m) {
    const out = [tok("money", core, { num: money(m[2] ?? "0", m[3]), key: m[1] })];
    if (m[4]) out.push(tok("word", "per", { glue: "" }), tok("word", m[4], { glue: "" }));
    return out;
  }
  m = MONEY_AFTER_RE.exec(core);
  if (m) return [tok("money", core, { num: money(m[1] ?? "0", m[2]), key: m[3] })];
  m = PERCENT_RE.exec(core);
  if (m) return [tok("percent", core, { num: Number(m[1]) })];
  m = PORT_RE.exec(core);
  if (m) return [tok("port", core, { num: Number(m[1]) })];
  if (/^port[:=]\d{1,5}$/i.test(core)) return [tok("port", core, { num: Number(core.slice(5)) })];
  if (core === "/") return [tok("punct", "/")];
  if (PATH_RE.test(core)) return [tok("path", core)];
  m = TIME12_RE.exec(core);
  if (m) return [time12(core, m[1], m[2], m[3])];
  m = TIME24_RE.exec(core);
  if (m && Number(m[1]) < 24 && Number(m[2]) < 60)
    return [tok("time", core, { hour: Number(m[1]), minute: Number(m[2]) })];
  return undefined;
}

/** Versions, numbers, fractions, ordinals, "x3", and a number glued to its unit ("4GB"). */
function classifyNumeric(core: string): Draft[] | undefined {
  let m = VERSION_RE.exec(core);
  if (m) return [tok("version", core, { value: m[1] ?? m[2] ?? core })];
  if (NUMBER_RE.test(core))
    return [tok("number", core, { num: Number(core.replace(/,/g, "")), value: core })];
  m = FRACTION_RE.exec(core);
  if (m && Number(m[1]) < Number(m[2])) {
    const num = Number(m[1]) / Number(m[2]);
    return [tok("number", core, { num, value: String(num) })];
  }
  m = ORDINAL_RE.exec(core);
  if (m) return [tok("ordinal", core, { num: Number(m[1]) })];
  m = X_NUM_RE.exec(core);
  if (m) return [tok("word", "x"), tok("number", m[1] ?? "", { num: Number(m[1]), value: m[1], glue: "" })];
  m = NUM_UNIT_RE.exec(core);
  if (m) return numberWithUnit(m[1] ?? "0", m[2] ?? "");
  return undefined;
}

/** Image references, domains, and words. */
function classifyName(core: string): Draft[] {
  const image = classifyImage(core);
  if (image) return [image];
  const lower = core.toLowerCase();
  const tld = lower.slice(lower.lastIndexOf(".") + 1);
  if (DOMAIN_RE.test(core) && !DOTTED_WORDS.has(lower) && !FILE_TLDS.has(tld)) {
    return [tok("domain", core, { key: lower })];
  }
  return splitWord(core);
}

function unquote(v: string): string {
  if (v.length >= 2 && (v.startsWith('"') || v.startsWith("'")) && v.endsWith(v[0] ?? ""))
    return v.slice(1, -1);
  return v.replace(/[.,;!?]+$/, "");
}

function numberWithUnit(n: string, unit: string): Draft[] {
  const num = Number(n);
  const size = SIZE_UNITS.get(unit.toLowerCase());
  if (size) return [tok("size", `${n}${unit}`, { num, unit: size })];
  if (/^k$/i.test(unit))
    return [tok("number", `${n}${unit}`, { num: num * 1000, value: String(num * 1000) })];
  return [tok("number", n, { num, value: n }), tok("word", unit, { glue: "" })];
}

const ELISION = /^((?:l|d|j|n|s|c|m|t|qu|dell|all|nell|sull)['’])(\p{L}[\p{L}\p{N}'’._/+&-]+)$/iu;

/** Hyphenated and slashed words become glued parts ("multi-AZ" -> multi + AZ). */
function splitWord(core: string): Draft[] {
  const lower = core.toLowerCase().replace(/’/g, "'");
  const expanded = CONTRACTIONS.get(lower);
  if (expanded) return expanded.map((w) => tok("word", w));
  if (lower.endsWith("n't")) return [tok("word", core.slice(0, -3)), tok("word", "not")];
  // French and Italian elision: "l'API" is the article and "API" ("l'" reads as "the").
  // Only a word with an apostrophe can be elided: the check spares most requests compiling
  // ELISION (case-insensitive Unicode classes: ~1 ms of every CLI run, issue 26).
  const elided = core.includes("'") || core.includes("’") ? ELISION.exec(core) : null;
  if (elided?.[1] && elided[2]) return [tok("word", elided[1]), ...splitWord(elided[2])];
  const out: Draft[] = [];
  const parts = core.split(/([-/+&])/);
  let glue: string | undefined;
  for (const part of parts) {
    if (part === "-" || part === "/" || part === "+" || part === "&") {
      glue = part;
      continue;
    }
    if (part === "") continue;
    for (const d of wordPart(part)) {
      out.push(out.length === 0 ? d : { ...d, glue: d.glue ?? glue ?? "" });
    }
    glue = undefined;
  }
  return out.length > 0 ? out : [tok("other", core.slice(0, 32))];
}

function wordPart(part: string): Draft[] {
  if (NUMBER_RE.test(part))
    return [tok("number", part, { num: Number(part.replace(/,/g, "")), value: part })];
  const nu = NUM_UNIT_RE.exec(part);
  if (nu) return numberWithUnit(nu[1] ?? "0", nu[2] ?? "");
  const en = ENGINE_NUM_RE.exec(part);
  if (en && ENGINE_PREFIXES.has((en[1] ?? "").toLowerCase())) {
    return [
      tok("word", en[1] ?? ""),
      tok("number", en[2] ?? "", { num: Number(en[2]), value: en[2], glue: "" }),
    ];
  }
  const clean = part.replace(/'s$/i, "").replace(/’s$/i, "");
  // "payroll's api": the owner names the app, so the possessive is kept as a mark.
  if (ASCII_WORD_RE.test(clean) || WORD_RE.test(clean))
    return [tok("word", clean, clean !== part ? { possessive: true } : {})];
  return [tok("other", part.slice(0, 32))];
}

/** Splits the text into chunks, peels punctuation, classifies, then merges number + unit pairs. */
export function tokenize(text: string): Token[] {
  const drafts: Draft[] = [];
  const parens = { depth: 0, group: 0 };
  for (const match of text.matchAll(CHUNK)) {
    const chunk = match[0];
    if (chunk === "\n") {
      parens.depth = 0;
      drafts.push(tok("punct", "."));
      continue;
    }
    if (chunk === "->" || chunk === "→" || chunk === "=>") {
      // "frontend -> api -> postgres": an arrow is a dependency, read by the builder.
      drafts.push(tok("punct", "->"));
      continue;
    }
    if (chunk === "-" || chunk === "–" || chunk === "—" || chunk === "--" || chunk === "|") {
      // A dash between words separates clauses like a comma.
      drafts.push(tok("punct", ","));
      continue;
    }
    if (ENV_RE.test(chunk)) {
      drafts.push(...classify(chunk.replace(/(["'])[.,;!?]+$/, "$1")));
      continue;
    }
    if (/\s/.test(chunk)) {
      // Five cron fields in a row ("*/15 * * * *") stay one token when they form a valid expression.
      const expr = chunk.replace(/["'`]/g, "").trim().split(/\s+/).join(" ");
      if (expr.includes("*") && isValidCron(expr)) drafts.push(tok("cron", expr, { value: expr }));
      else for (const part of chunk.split(/\s+/)) if (part) peel(part, drafts, parens);
      continue;
    }
    peel(chunk, drafts, parens);
  }
  return merge(drafts).map((d) => ({ ...d, w: d.w ?? canonical(d) }));
}

interface Parens {
  depth: number;
  group: number;
}

function peel(chunk: string, out: Draft[], parens: Parens): void {
  const lead = LEAD.exec(chunk)?.[0] ?? "";
  let rest = chunk.slice(lead.length);
  // A leading ":" belongs to a port (":3000"), a trailing "." to a sentence.
  let trail = TRAIL.exec(rest)?.[0] ?? "";
  if (trail && /^:\d+$/.test(rest)) trail = "";
  rest = rest.slice(0, rest.length - trail.length);
  if (lead.includes("(") || lead.includes("[")) {
    if (parens.depth === 0) parens.group++;
    parens.depth++;
  }
  if (rest) {
    const drafts = classify(rest);
    out.push(...(parens.depth > 0 ? drafts.map((d) => ({ ...d, paren: parens.group })) : drafts));
  }
  for (const ch of trail) {
    if ((ch === ")" || ch === "]") && parens.depth > 0) parens.depth--;
    if (ch === "," || ch === ";" || ch === "." || ch === "!" || ch === "?" || ch === ":" || ch === "…") {
      const punct = tok("punct", ch === "…" ? "." : ch);
      out.push(parens.depth > 0 ? { ...punct, paren: parens.group } : punct);
    }
  }
}

function canonical(d: Draft): string {
  switch (d.kind) {
    case "word":
      return normalizeWord(d.text);
    case "number":
      return d.value ?? d.text;
    case "punct":
      return d.text;
    default:
      return `\u0000${d.kind}`;
  }
}

/** The joined text of a glued run starting at i ("us-east-1"), and the index after it. */
export function gluedRun(tokens: readonly Token[], i: number): { text: string; end: number } {
  let text = tokens[i]?.text ?? "";
  let j = i + 1;
  while (j < tokens.length) {
    const t = tokens[j] as Token;
    if (t.glue === undefined || t.kind === "punct") break;
    text += t.glue + t.text;
    j++;
  }
  return { text, end: j };
}
