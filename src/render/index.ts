/**
 * spec -> artifacts for the spec's target. Each renderer is pure: the same
 * spec and options give byte-identical files.
 */
import { createHash } from "node:crypto";
import type { DeploymentSpec, Target } from "../spec/schema.js";
import { renderDocker } from "./docker/index.js";
import { renderKubernetes } from "./kubernetes/index.js";
import { renderTerraform } from "./terraform/index.js";
import type { RenderOptions, RenderResult } from "./types.js";

export type {
  ArtifactFile,
  CredentialSource,
  KubeObject,
  RenderOptions,
  RenderResult,
  TerraformBlock,
} from "./types.js";

const RENDERERS: Record<Target, (spec: DeploymentSpec, options?: RenderOptions) => RenderResult> = {
  docker: renderDocker,
  kubernetes: renderKubernetes,
  terraform: renderTerraform,
};

export function render(spec: DeploymentSpec, options: RenderOptions = {}): RenderResult {
  return RENDERERS[spec.target](spec, options);
}

/** What a sensitive file is recorded as: a plain hash of a short secret in a known layout gives it away. */
export const SENSITIVE_ARTIFACT = "sensitive";

/** sha256 of every file, by path: recorded with each revision to show what exactly was deployed. */
export function hashArtifacts(result: RenderResult): Record<string, string> {
  return Object.fromEntries(
    result.files.map((f) => [
      f.path,
      f.sensitive ? SENSITIVE_ARTIFACT : createHash("sha256").update(f.content).digest("hex"),
    ]),
  );
}
