/** Word tables of the tokenizer: dotted technology names, units, contractions. */
import type { SizeUnit } from "./token-types.js";

/** Words with a dot that are technologies, not domains. */
export const DOTTED_WORDS = new Set([
  "node.js",
  "next.js",
  "nuxt.js",
  "vue.js",
  "react.js",
  "express.js",
  "nest.js",
  "asp.net",
  "socket.io",
  "rocket.chat",
  "wiki.js",
  "chart.js",
  "d3.js",
  "ember.js",
  "deno.land",
  "fly.io",
  "render.com",
  "e.g",
  "i.e",
]);
/** Last labels that are file extensions rather than top-level domains. */
export const FILE_TLDS = new Set(
  "js ts py rb go rs java json yaml yml toml md txt sh php html css xml csv conf cfg ini env lock log exe tf hcl sql jsx tsx vue zip gz tar jar war dll png jpg pdf".split(
    " ",
  ),
);
/** Engines and runtimes that people glue to a version ("pg16", "redis7"). */
export const ENGINE_PREFIXES = new Set(
  "postgres postgresql pg mysql mariadb mongo mongodb redis valkey memcached kafka nats rabbitmq node python java php ruby go".split(
    " ",
  ),
);
/** Slash words that are not images. */
export const SLASH_WORDS = new Set([
  "and/or",
  "pub/sub",
  "i/o",
  "ci/cd",
  "tcp/ip",
  "read/write",
  "n/a",
  "24/7",
  "on/off",
  "client/server",
]);

export const SIZE_UNITS: ReadonlyMap<string, SizeUnit> = new Map([
  ["k", "Ki"],
  ["kb", "Ki"],
  ["kib", "Ki"],
  ["ki", "Ki"],
  ["kilobyte", "Ki"],
  ["kilobytes", "Ki"],
  ["mb", "Mi"],
  ["mib", "Mi"],
  ["mi", "Mi"],
  ["meg", "Mi"],
  ["megs", "Mi"],
  ["megabyte", "Mi"],
  ["megabytes", "Mi"],
  ["g", "Gi"],
  ["gb", "Gi"],
  ["gib", "Gi"],
  ["gi", "Gi"],
  ["gig", "Gi"],
  ["gigs", "Gi"],
  ["gigabyte", "Gi"],
  ["gigabytes", "Gi"],
  ["t", "Ti"],
  ["tb", "Ti"],
  ["tib", "Ti"],
  ["ti", "Ti"],
  ["terabyte", "Ti"],
  ["terabytes", "Ti"],
]);

export const CONTRACTIONS: ReadonlyMap<string, string[]> = new Map([
  ["what's", ["what", "is"]],
  ["whats", ["what", "is"]],
  ["it's", ["it", "is"]],
  ["that's", ["that", "is"]],
  ["there's", ["there", "is"]],
  ["how's", ["how", "is"]],
  ["who's", ["who", "is"]],
  ["where's", ["where", "is"]],
  ["let's", ["let", "us"]],
  ["can't", ["can", "not"]],
  ["won't", ["will", "not"]],
  ["shouldn't", ["should", "not"]],
  ["mustn't", ["must", "not"]],
]);

export const PLAIN_WORDS = new Set(
  "api worker web frontend backend app db database cache queue and or pub sub read write tcp ip ci cd client server in out yes no on off".split(
    " ",
  ),
);

export const AMPM = new Set(["am", "pm", "a.m", "p.m", "a.m.", "p.m."]);
export const PERCENT_WORDS = new Set(["%", "percent", "pct", "per-cent"]);
export const DOLLAR_WORDS = new Set([
  "dollar",
  "dollars",
  "usd",
  "bucks",
  "buck",
  "eur",
  "euro",
  "euros",
  "gbp",
  "pounds",
]);

/** The binary unit a size word stands for ("gb", "gigabytes" -> "Gi"). */
export function sizeUnitOf(word: string): SizeUnit | undefined {
  return SIZE_UNITS.get(word.toLowerCase());
}
