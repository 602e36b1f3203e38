/**
 * A small HCL model and a printer that writes `terraform fmt` canonical text
 * directly (two-space indent, `=` aligned within a run of single-line
 * attributes, one blank line around nested blocks).
 *
 * Values are plain data so that policy rules can read a block's body without
 * parsing text: strings, numbers, booleans, null, lists and objects are what
 * they look like; everything else is tagged with the reserved key `$hcl`:
 * a raw expression (`expr("aws_vpc.main.id")`), a function call whose
 * arguments are values (`call("jsonencode", {...})`), or a nested block
 * (`block({...})`; a list of blocks is a repeated nested block).
 */
import { CodeError } from "../../core/errors.js";
import type { TerraformBlock } from "../types.js";

/** A raw HCL expression, printed as is: references, operators, templates. Single line only. */
export interface HclExpr {
  readonly $hcl: "expr";
  readonly code: string;
}

/** A function call; only the last argument may print on several lines. */
export interface HclCall {
  readonly $hcl: "call";
  readonly fn: string;
  readonly args: readonly HclValue[];
}

export type HclValue =
  | string
  | number
  | boolean
  | null
  | HclExpr
  | HclCall
  | readonly HclValue[]
  | { readonly [key: string]: HclValue | undefined };

/** A nested block inside a body: `ingress { ... }`, `ebs_storage_info { ... }`. */
export interface HclBlock {
  readonly $hcl: "block";
  readonly labels: readonly string[];
  readonly body: HclBody;
  /** Lines printed as `# ...` above the block. */
  readonly comment?: readonly string[];
}

/** Attributes and nested blocks; `undefined` entries are left out, which keeps builders simple. */
export type HclBody = { readonly [key: string]: HclValue | HclBlock | readonly HclBlock[] | undefined };

/** A top-level block as the renderers build it: a TerraformBlock with an optional comment above it. */
export interface TopBlock extends TerraformBlock {
  readonly body: HclBody;
  readonly comment?: readonly string[];
}

/** A bug in a renderer (a value the printer cannot write), never a user error. */
export class HclError extends CodeError {
  constructor(message: string) {
    super("HCL_RENDER", message, {
      hint: "this is a bug in the terraform renderer; please report it with the spec",
    });
  }
}

export const expr = (code: string): HclExpr => ({ $hcl: "expr", code });
export const call = (fn: string, ...args: HclValue[]): HclCall => ({ $hcl: "call", fn, args });
export const block = (
  body: HclBody,
  options: { labels?: readonly string[]; comment?: readonly string[] } = {},
): HclBlock => ({
  $hcl: "block",
  labels: options.labels ?? [],
  body,
  ...(options.comment ? { comment: options.comment } : {}),
});

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** Object keys with a "-" are quoted: legal bare, but they read like a subtraction. */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INDENT = "  ";
/** A list longer than this prints one item per line, for readability (fmt accepts both). */
const LONG_LIST = 100;

function tagOf(value: unknown): string | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value) || !("$hcl" in value))
    return undefined;
  return typeof value.$hcl === "string" ? value.$hcl : undefined;
}

export function isBlock(value: unknown): value is HclBlock {
  return tagOf(value) === "block";
}

/** Array.isArray does not narrow readonly arrays out of a union; this does. */
function isList(value: HclValue): value is readonly HclValue[] {
  return Array.isArray(value);
}

function isExpr(value: unknown): value is HclExpr {
  return tagOf(value) === "expr";
}

function isCall(value: unknown): value is HclCall {
  return tagOf(value) === "call";
}

function isBlockList(value: unknown): value is readonly HclBlock[] {
  return Array.isArray(value) && value.length > 0 && value.every(isBlock);
}

/** A quoted HCL string literal: quotes, backslashes and control characters escaped, `${` and `%{` doubled. */
export function quote(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  // A function replacement: in a replacement string "$$" would mean one "$".
  return `"${out.replace(/([$%])\{/g, (_match, sigil: string) => `${sigil}${sigil}{`)}"`;
}

function keyOf(key: string): string {
  return PLAIN_KEY.test(key) ? key : quote(key);
}

/**
 * Prints a value whose first line follows `key = ` at nesting level `level`.
 * Returns the lines; every line after the first carries its full indentation.
 */
export function printValue(value: HclValue, level: number): string[] {
  if (value === null) return ["null"];
  if (typeof value === "string") return [quote(value)];
  if (typeof value === "boolean") return [String(value)];
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new HclError(`cannot write the number ${value} in HCL`);
    return [String(value)];
  }
  if (isList(value)) return printList(value, level);
  if (isExpr(value)) return printExpr(value);
  if (isCall(value)) return printCall(value, level);
  const tag = tagOf(value);
  if (tag !== undefined) throw new HclError(`a ${tag} cannot be used as a value`);
  return printObject(value, level);
}

function printExpr(value: HclExpr): string[] {
  if (value.code.includes("\n") || value.code.trim() === "") {
    throw new HclError(`an expression must be one non-empty line: ${JSON.stringify(value.code)}`);
  }
  return [value.code];
}

function printCall(value: HclCall, level: number): string[] {
  if (!IDENT.test(value.fn)) throw new HclError(`not a function name: ${JSON.stringify(value.fn)}`);
  const printed = value.args.map((arg) => printValue(arg, level));
  const head = printed.slice(0, -1);
  if (head.some((lines) => lines.length > 1)) {
    throw new HclError(`${value.fn}(): only the last argument may span several lines`);
  }
  const last = printed.at(-1) ?? [""];
  const prefix = `${value.fn}(${head.map((lines) => `${lines[0]}, `).join("")}`;
  const lines = [...last];
  lines[0] = prefix + lines[0];
  lines[lines.length - 1] += ")";
  return lines;
}

function printList(items: readonly HclValue[], level: number): string[] {
  if (items.length === 0) return ["[]"];
  const printed = items.map((item) => printValue(item, level + 1));
  if (printed.every((lines) => lines.length === 1)) {
    const inline = `[${printed.map((lines) => lines[0]).join(", ")}]`;
    if (inline.length <= LONG_LIST) return [inline];
  }
  const pad = INDENT.repeat(level + 1);
  const lines = ["["];
  for (const itemLines of printed) {
    itemLines.forEach((line, i) => {
      const text = i === 0 ? pad + line : line;
      lines.push(i === itemLines.length - 1 ? `${text},` : text);
    });
  }
  lines.push(`${INDENT.repeat(level)}]`);
  return lines;
}

function printObject(object: { readonly [key: string]: HclValue | undefined }, level: number): string[] {
  const entries: [string, HclValue][] = [];
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined) continue;
    if (isBlock(value) || isBlockList(value))
      throw new HclError(`a nested block cannot sit inside an object (key ${key})`);
    entries.push([keyOf(key), value]);
  }
  if (entries.length === 0) return ["{}"];
  return ["{", ...printAttributes(entries, level + 1), `${INDENT.repeat(level)}}`];
}

/** Attributes at `level`, with `=` aligned within each run of single-line values (as `terraform fmt` does). */
function printAttributes(entries: readonly (readonly [string, HclValue])[], level: number): string[] {
  const pad = INDENT.repeat(level);
  const printed = entries.map(([key, value]) => ({ key, lines: printValue(value, level) }));
  const out: string[] = [];
  let i = 0;
  while (i < printed.length) {
    let end = i;
    while (end < printed.length && printed[end]?.lines.length === 1) end++;
    if (end > i) {
      const run = printed.slice(i, end);
      const width = Math.max(...run.map((p) => p.key.length));
      for (const p of run) out.push(`${pad}${p.key.padEnd(width)} = ${p.lines[0]}`);
      i = end;
      continue;
    }
    const current = printed[i];
    if (current) {
      const [first, ...rest] = current.lines;
      out.push(`${pad}${current.key} = ${first}`, ...rest);
    }
    i++;
  }
  return out;
}

function printComment(comment: readonly string[] | undefined, pad: string): string[] {
  return (comment ?? [])
    .flatMap((text) => text.split("\n"))
    .map((line) => (line ? `${pad}# ${line}` : `${pad}#`));
}

function printHeader(type: string, labels: readonly string[]): string {
  return [type, ...labels.map(quote)].join(" ");
}

/** A body at `level`: attribute runs, and nested blocks set apart by blank lines. */
function printBody(body: HclBody, level: number): string[] {
  const out: string[] = [];
  let attributes: [string, HclValue][] = [];
  const flush = () => {
    if (attributes.length === 0) return;
    if (out.length > 0) out.push("");
    out.push(...printAttributes(attributes, level));
    attributes = [];
  };
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue;
    if (!IDENT.test(key)) throw new HclError(`not an attribute or block name: ${JSON.stringify(key)}`);
    let blocks: readonly HclBlock[];
    if (isBlock(value)) blocks = [value];
    else if (isBlockList(value)) blocks = value;
    else {
      attributes.push([key, value]);
      continue;
    }
    flush();
    for (const nested of blocks) {
      if (out.length > 0) out.push("");
      out.push(...printBlockLines(key, nested.labels, nested.body, nested.comment, level));
    }
  }
  flush();
  return out;
}

function printBlockLines(
  type: string,
  labels: readonly string[],
  body: HclBody,
  comment: readonly string[] | undefined,
  level: number,
): string[] {
  const pad = INDENT.repeat(level);
  const inner = printBody(body, level + 1);
  const header = `${pad}${printHeader(type, labels)}`;
  const lines = inner.length === 0 ? [`${header} {}`] : [`${header} {`, ...inner, `${pad}}`];
  return [...printComment(comment, pad), ...lines];
}

/** One top-level block, without a trailing newline. */
export function printBlock(top: TopBlock): string {
  return printBlockLines(top.blockType, top.labels, top.body, top.comment, 0).join("\n");
}

/** A whole file: an optional header comment, blocks separated by one blank line, a final newline. */
export function printFile(blocks: readonly TopBlock[], header?: readonly string[]): string {
  const parts = blocks.map(printBlock);
  const head = printComment(header, "").join("\n");
  return `${[head, ...parts].filter((part) => part !== "").join("\n\n")}\n`;
}
