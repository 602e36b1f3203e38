/**
 * Checks of single spec fields that a regular expression alone says too little
 * about: each returns the problem in words, or undefined when the value is fine.
 * The schema turns them into issues at the field's path.
 */
import { createRequire } from "node:module";
import type { CronExpressionParser } from "cron-parser";

const CRON_FIELDS = ["minute", "hour", "day-of-month", "month", "day-of-week"] as const;

const requireModule = createRequire(import.meta.url);
let cronParser: typeof CronExpressionParser | undefined;

/**
 * cron-parser (CommonJS, with luxon: 380 KB) is loaded the first time a
 * schedule is checked, synchronously like the checks themselves: the spec
 * schema is built by every command, few of them ever see a schedule (issue 26).
 * The policy's schedule rule takes it from here for the same reason.
 */
export function cronExpressionParser(): typeof CronExpressionParser {
  cronParser ??= (requireModule("cron-parser") as typeof import("cron-parser")).CronExpressionParser;
  return cronParser;
}

function cronError(expr: string): string | undefined {
  try {
    cronExpressionParser().parse(expr);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * A 5-field cron expression, checked by cron-parser. The problem names the
 * field at fault: each field is tried alone (the others `*`), so "0 25 * * *"
 * says "hour field "25": got value 25 expected range 0-23".
 */
export function cronProblem(expr: string): string | undefined {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) {
    return `must be a 5-field cron expression (minute hour day-of-month month day-of-week) such as "0 2 * * *", got ${fields.length} field(s)`;
  }
  const whole = cronError(fields.join(" "));
  if (whole === undefined) return undefined;
  for (const [i, field] of fields.entries()) {
    const alone = CRON_FIELDS.map((_, j) => (j === i ? field : "*")).join(" ");
    const problem = cronError(alone);
    if (problem !== undefined) return `${CRON_FIELDS[i]} field "${field}": ${problem}`;
  }
  return `not a valid cron expression: ${whole}`;
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A lowercase RFC 1123 host name with at least two labels: letters, digits and
 * inner hyphens, labels of 1..63 characters, 253 in all, a top-level label
 * that is not all digits. Upper case is refused rather than silently folded,
 * so the name in the spec is the name that gets certificates and routes.
 */
export function domainProblem(domain: string): string | undefined {
  if (domain.length > 253) return `must be at most 253 characters, got ${domain.length}`;
  if (domain !== domain.toLowerCase()) return `must be lower case: write "${domain.toLowerCase()}"`;
  if (domain.includes("_")) return `"_" is not allowed in a domain name (RFC 1123): use "-"`;
  const labels = domain.split(".");
  if (labels.length < 2) return "must be a domain name such as shop.example.com";
  for (const label of labels) {
    if (label === "") return "must not have an empty label (two dots in a row, or a leading or trailing dot)";
    if (label.length > 63) return `label "${label.slice(0, 20)}…" is longer than 63 characters`;
    if (!LABEL.test(label))
      return `label "${label}" must hold only a-z, 0-9 and "-", and not start or end with "-"`;
  }
  if (/^[0-9]+$/.test(labels.at(-1) ?? "")) return "must be a domain name, not an IP address";
  return undefined;
}

/** Keys that would reach Object.prototype when an env object is merged into a plain object. */
export const RESERVED_ENV_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** RFC 3986 path and query characters: no spaces, control characters or raw non-ASCII. */
export const URL_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/;

/** The domain rule as one expression, for the JSON Schema (the messages come from `domainProblem`). */
export const DOMAIN_NAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function healthPathProblem(path: string): string | undefined {
  if (!path.startsWith("/")) return "must start with /";
  if (path.length > 1024) return "must be at most 1024 characters";
  if (/[\p{Cc}]/u.test(path)) return "must not contain control characters";
  if (!URL_PATH.test(path))
    return "must be a URL path such as /healthz: no spaces; percent-encode other characters (%20)";
  return undefined;
}

/*
 * The image reference grammar of distribution/reference (reference.go):
 *   reference  := name [ ":" tag ] [ "@" digest ]
 *   name       := [domain "/"] path-component ["/" path-component]*
 *   domain     := host [":" port]        host := domain-name | "[" IPv6 "]"
 *   domain-name:= component ("." component)*   component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
 *   path-component := [a-z0-9]+ (separator [a-z0-9]+)*     separator := [_.] | "__" | "-"+
 *   tag        := [\w][\w.-]{0,127}
 *   digest     := algorithm ":" hex     algorithm := [A-Za-z][A-Za-z0-9]* ([-_+.][A-Za-z][A-Za-z0-9]*)*
 *                                       hex := [0-9a-fA-F]{32,}
 * and the name (everything before ":" tag and "@" digest) is at most 255 characters.
 */
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*";
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
export const IMAGE_REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);

export function imageProblem(image: string): string | undefined {
  const match = IMAGE_REFERENCE.exec(image);
  if (match === null) {
    const hint = /[A-Z]/.test(image.split(/[:@]/)[0]?.split("/").at(-1) ?? "")
      ? " (repository names are lower case)"
      : "";
    return `"${image.slice(0, 80)}" is not an image reference [registry[:port]/]name[:tag][@digest]${hint}, such as nginx:1.27 or ghcr.io/acme/api:2.1`;
  }
  if ((match[1] ?? "").length > 255)
    return "the image name (before :tag and @digest) must be at most 255 characters";
  return undefined;
}

/**
 * The first dependency cycle in `edges` (node -> the nodes it depends on),
 * as the list of nodes on it with the first repeated last, or undefined.
 * Iterative depth-first search with colours, so deep chains do not overflow the stack.
 */
export function findCycle(edges: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  for (const root of edges.keys()) {
    if (state.has(root)) continue;
    const stack: { node: string; next: number }[] = [{ node: root, next: 0 }];
    state.set(root, "open");
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top === undefined) break;
      const deps = edges.get(top.node) ?? [];
      const dep = deps[top.next++];
      if (dep === undefined) {
        state.set(top.node, "done");
        stack.pop();
        continue;
      }
      if (!edges.has(dep) || state.get(dep) === "done") continue;
      if (state.get(dep) === "open") {
        const from = stack.findIndex((f) => f.node === dep);
        return [...stack.slice(from).map((f) => f.node), dep];
      }
      state.set(dep, "open");
      stack.push({ node: dep, next: 0 });
    }
  }
  return undefined;
}
