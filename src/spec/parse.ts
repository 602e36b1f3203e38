/**
 * Spec text -> value -> spec. Apart from validate.ts so that what only
 * validates (the words interpreter, `interpret --json`) does not load the YAML
 * library (issue 26).
 */
import { parseDocument as parseYamlDocument } from "yaml";
import { ParseError, SpecValidationError } from "../core/errors.js";
import type { DeploymentSpec } from "./schema.js";
import { validateSpec } from "./validate.js";

/**
 * Parses YAML or JSON text (JSON is YAML) into a plain value. Syntax errors
 * become a ParseError with line and column; the text itself is never echoed
 * whole, since it may hold secrets.
 */
export function parseDocument(text: string, source = "input"): unknown {
  let doc: ReturnType<typeof parseYamlDocument>;
  try {
    doc = parseYamlDocument(text, { prettyErrors: true, uniqueKeys: true });
  } catch (cause) {
    throw new ParseError(`${source}: cannot be read as YAML or JSON`, {
      cause,
      hint: "check the file's syntax",
    });
  }
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    const where = pos ? `:${pos.line}:${pos.col}` : "";
    const reason = first.message.split("\n")[0] ?? first.message;
    throw new ParseError(`${source}${where}: invalid YAML: ${reason}`, {
      hint: "fix the syntax at that line (indentation, a missing ':' or an unclosed quote are the usual causes)",
    });
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    throw new ParseError(`${source}: cannot be turned into data: ${(cause as Error).message}`, { cause });
  }
}

/** Text in, spec out: parse errors and schema errors as typed errors. */
export function parseSpecText(text: string, source = "input"): DeploymentSpec {
  const value = parseDocument(text, source);
  if (value === null || value === undefined) {
    throw new SpecValidationError([
      { path: "", message: `${source} is empty: expected a DeploymentSpec object` },
    ]);
  }
  return validateSpec(value);
}
