/**
 * The rendered files of a spec or of a stored revision, as the dashboard's diffs show them:
 * rendered from the spec as the store keeps it (literal secret values already "[redacted]"),
 * with the secret values the app may read, then redacted by the gitops commit's rule
 * (`publishable`): sensitive files, and files holding a secret value, are withheld whole.
 */
import { NotFoundError } from "../core/errors.js";
import { redactSecrets } from "../core/redact.js";
import { publishable } from "../gitops/index.js";
import type { RenderResult } from "../render/types.js";
import type { DeploymentSpec } from "../spec/schema.js";
import { requireSecretScope, type SecretAccess, scopedSecretValues } from "../spec/secret-scope.js";
import type { StateStore } from "../state/types.js";
import { validateAt } from "./resolve.js";
import type { ArtifactsAnswer, ArtifactsRequest, Caller } from "./types.js";

export interface ArtifactsDeps {
  readonly store: StateStore;
  readonly render: (
    spec: DeploymentSpec,
    secrets: Readonly<Record<string, string>>,
  ) => RenderResult | Promise<RenderResult>;
  readonly secrets: SecretAccess;
}

export async function readArtifacts(
  deps: ArtifactsDeps,
  caller: Caller,
  request: ArtifactsRequest,
): Promise<ArtifactsAnswer> {
  if ("spec" in request) {
    caller.authorize("plan");
    const spec = await validateAt(request.spec, "spec");
    caller.authorize("plan", spec.environment);
    requireSecretScope(spec, deps.secrets);
    return { app: spec.name, environment: spec.environment, ...(await renderShown(deps, spec)) };
  }
  const { app, environment } = request;
  caller.authorize("read", environment);
  const key = { app, environment };
  const number = request.revision ?? (await deps.store.status(key))[0]?.currentRevision;
  if (number === undefined) return { ...key, files: [] };
  const revision = await deps.store.getRevision(key, number);
  if (revision === undefined) throw new NotFoundError(`${app}/${environment} has no revision ${number}`);
  const spec = await validateAt(revision.spec, "revision.spec");
  return { ...key, revision: number, ...(await renderShown(deps, spec)) };
}

async function renderShown(deps: ArtifactsDeps, spec: DeploymentSpec) {
  // The spec as the store keeps it: a literal value under a secret name never reaches the files.
  const shown = redactSecrets(spec) as DeploymentSpec;
  const secrets = scopedSecretValues(shown, deps.secrets);
  const rendered = await deps.render(shown, secrets);
  return { target: rendered.target, files: publishable(rendered.files, Object.values(secrets)) };
}
