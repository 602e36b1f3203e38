import { deploymentSpecJsonSchema } from "../../spec/json-schema.js";
import { EXIT_OK } from "../exit.js";
import { type CliIo, printJson } from "../io.js";

export async function schemaCommand(io: CliIo): Promise<number> {
  printJson(io, deploymentSpecJsonSchema());
  return EXIT_OK;
}
