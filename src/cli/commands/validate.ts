import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ParseError } from "../../core/errors.js";
import { parseDocument } from "../../spec/parse.js";
import { checkSpec } from "../../spec/validate.js";
import { EXIT_OK, EXIT_REFUSED } from "../exit.js";
import { type CliIo, printJson, readTextFile } from "../io.js";

export async function validateCommand(io: CliIo, file: string, flags: { json?: boolean }): Promise<number> {
  const text = file === "-" ? readFileSync(0, "utf8") : await readTextFile(resolve(io.cwd, file), file);
  const source = file === "-" ? "stdin" : file;
  let value: unknown;
  try {
    value = parseDocument(text, source);
  } catch (error) {
    if (!(error instanceof ParseError) || !flags.json) throw error;
    printJson(io, { valid: false, issues: [{ path: "", message: error.message }] });
    return EXIT_REFUSED;
  }
  const result =
    value === null || value === undefined
      ? {
          ok: false as const,
          issues: [{ path: "", message: `${source} is empty: expected a DeploymentSpec object` }],
        }
      : checkSpec(value);
  if (flags.json) {
    printJson(io, result.ok ? { valid: true, issues: [] } : { valid: false, issues: result.issues });
    return result.ok ? EXIT_OK : EXIT_REFUSED;
  }
  if (result.ok) {
    const s = result.spec;
    const parts = [
      `${s.services.length} service(s)`,
      `${s.databases.length} database(s)`,
      `${s.caches.length} cache(s)`,
      `${s.queues.length} queue(s)`,
      `${s.buckets.length} bucket(s)`,
    ];
    io.stdout(`${source}: valid (${s.name} in ${s.environment} on ${s.target}: ${parts.join(", ")})\n`);
    return EXIT_OK;
  }
  const lines = result.issues.map((i) => `  ${i.path || "(root)"}: ${i.message}`);
  io.stderr(`${source}: invalid, ${result.issues.length} problem(s):\n${lines.join("\n")}\n`);
  return EXIT_REFUSED;
}
