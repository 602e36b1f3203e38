/**
 * spec -> artifacts for the spec's target. Each renderer is pure: the same
 * spec and options give byte-identical files.
 */
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

export { hashArtifacts, SENSITIVE_ARTIFACT } from "./hash.js";
