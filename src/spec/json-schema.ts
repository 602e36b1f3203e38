import { z } from "zod";
import { deploymentSpecInput } from "./schema.js";

/** The JSON Schema (draft 2020-12) of what a person may write as a DeploymentSpec. */
export function deploymentSpecJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(deploymentSpecInput, { io: "input", target: "draft-2020-12" });
  return {
    ...schema,
    $id: "https://codeploy.dev/schemas/deployment-spec/v1.json",
    title: "DeploymentSpec",
    description: "A deployment of one app to one environment (CODE contract v1).",
  };
}
