/**
 * YAML output of the renderers: YAML 1.1 quoting ("yes", "on", "0755" stay
 * strings for every reader), block style, no line folding, no anchors.
 *
 * The `yaml` library builds a node tree and tests every scalar against every
 * tag of the schema: for a spec of thousands of services that was most of the
 * planning time (issue 15). Manifests are plain data (maps, lists, strings,
 * numbers, booleans), so this writes them directly, producing the very bytes
 * the library writes; anything outside that plain subset (a multi-line
 * string, a string that needs escapes, an odd key) makes the whole document go
 * through the library instead, so the output never differs. A property test
 * holds the two to the same bytes.
 */
import { Document } from "yaml";

/** Thrown inside the fast writer when a value needs the library. */
class NeedsLibrary extends Error {}

/** The scalar tags of the YAML 1.1 schema that a plain string must not look like (int, float, bool, null, timestamp...). */
const LOOKALIKES: readonly RegExp[] = new Document(null, { version: "1.1" }).schema.tags.flatMap((t) =>
  t.default && t.tag !== "tag:yaml.org,2002:str" && t.test ? [t.test] : [],
);

/** What the library refuses to write plain (the checks of its plainString). */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
/** Printable ASCII without quote or backslash: its double-quoted form needs no escape. */
const QUOTABLE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function scalarString(value: string, key: boolean): string {
  // "<<" is the merge key, which the library treats apart.
  if (value.includes("\n") || DOCUMENT_MARKER.test(value) || value === "<<") throw new NeedsLibrary();
  if (key && (value === "" || value.length > 1024)) throw new NeedsLibrary();
  if (!NOT_PLAIN.test(value) && !LOOKALIKES.some((re) => re.test(value))) return value;
  // The library picks single quotes for a value with a double quote: leave those to it.
  if (QUOTABLE.test(value)) return `"${value}"`;
  throw new NeedsLibrary();
}

function scalar(value: unknown): string | undefined {
  if (value === null) return "null";
  if (typeof value === "string") return scalarString(value, false);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value) || Object.is(value, -0)) throw new NeedsLibrary();
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return value.length === 0 ? "[]" : undefined;
  if (isPlainObject(value)) return entries(value).length === 0 ? "{}" : undefined;
  throw new NeedsLibrary();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The library leaves out keys whose value is undefined. */
function entries(value: Record<string, unknown>): [string, unknown][] {
  return Object.entries(value).filter(([, v]) => v !== undefined);
}

/** Lines of a non-empty collection at `indent`; `first` replaces the indent of the first line (after "- "). */
function collection(value: unknown, indent: string, out: string[], first: string): void {
  let lead = first;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item === undefined) throw new NeedsLibrary();
      const s = scalar(item);
      if (s !== undefined) out.push(`${lead}- ${s}`);
      else collection(item, `${indent}  `, out, `${lead}- `);
      lead = indent;
    }
    return;
  }
  if (!isPlainObject(value)) throw new NeedsLibrary();
  for (const [k, v] of entries(value)) {
    const key = scalarString(k, true);
    const s = scalar(v);
    if (s !== undefined) out.push(`${lead}${key}: ${s}`);
    else {
      out.push(`${lead}${key}:`);
      collection(v, `${indent}  `, out, `${indent}  `);
    }
    lead = indent;
  }
}

function fastYaml(value: unknown): string {
  const s = scalar(value);
  if (s !== undefined) return `${s}\n`;
  const out: string[] = [];
  collection(value, "", out, "");
  return `${out.join("\n")}\n`;
}

/** The library's rendering, kept for what the fast writer does not cover. */
export function libraryYaml(value: unknown, comment?: string): string {
  const doc = new Document(value, { version: "1.1", aliasDuplicateObjects: false });
  if (comment) doc.commentBefore = comment;
  return doc.toString({ lineWidth: 0 });
}

/** `comment` lines go first, each after `#`, then a blank line, then the value. */
export function toYaml(value: unknown, comment?: string): string {
  let body: string;
  try {
    body = fastYaml(value);
  } catch (e) {
    if (e instanceof NeedsLibrary) return libraryYaml(value, comment);
    throw e;
  }
  if (!comment) return body;
  // The library's comment rule: "#" before each non-empty line (a line of one space becomes "#").
  const marked = comment.replace(/^(?!$)(?: $)?/gm, "#");
  const header = /^\n+$/.test(marked) ? marked.substring(1) : marked;
  return `${header}\n\n${body}`;
}
