import { z } from "zod";
import { deploymentSpecInput } from "./schema.js";

/**
 * zod names some string checks as formats JSON Schema does not define
 * (`starts_with`, `ends_with`, `includes`); it writes a `pattern` for each
 * too, so the format is dropped and a default validator (`new Ajv2020()`,
 * strict) compiles the schema without custom formats.
 */
const ZOD_ONLY_FORMATS: ReadonlySet<string> = new Set(["starts_with", "ends_with", "includes"]);

function withoutZodFormats(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutZodFormats);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "format" && typeof value === "string" && ZOD_ONLY_FORMATS.has(value)) continue;
    out[key] = withoutZodFormats(value);
  }
  return out;
}

/** The JSON Schema (draft 2020-12) of what a person may write as a DeploymentSpec. */
export function deploymentSpecJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(deploymentSpecInput, { io: "input", target: "draft-2020-12" });
  return {
    ...(withoutZodFormats(schema) as Record<string, unknown>),
    $id: "https://codeploy.dev/schemas/deployment-spec/v1.json",
    title: "DeploymentSpec",
    description: "A deployment of one app to one environment (CODE contract v1).",
  };
}
