/** The app network and the data volumes: created when missing, removed on request (volumes only when purging). */
import type Docker from "dockerode";
import { apiError, isConflict, isNotFound } from "./errors.js";
import { hasLabels, LABEL, labelFilter, networkName, type Scope, scopeLabels } from "./names.js";

export async function ensureNetwork(
  docker: Docker,
  scope: Scope,
  signal: AbortSignal,
): Promise<"created" | "exists"> {
  const name = networkName(scope);
  try {
    await docker.getNetwork(name).inspect();
    return "exists";
  } catch (error) {
    if (!isNotFound(error)) throw apiError(`inspecting network ${name}`, error);
  }
  try {
    await docker.createNetwork({
      Name: name,
      Labels: scopeLabels(scope),
      CheckDuplicate: true,
      abortSignal: signal,
    });
    return "created";
  } catch (error) {
    if (isConflict(error)) return "exists";
    throw apiError(`creating network ${name}`, error);
  }
}

export async function removeNetwork(docker: Docker, scope: Scope): Promise<boolean> {
  const name = networkName(scope);
  try {
    await docker.getNetwork(name).remove();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw apiError(
      `removing network ${name} (is a container that codeploy did not create still attached?)`,
      error,
    );
  }
}

export async function ensureVolume(
  docker: Docker,
  scope: Scope,
  name: string,
  component: string,
  signal: AbortSignal,
): Promise<"created" | "exists"> {
  try {
    await docker.getVolume(name).inspect({ abortSignal: signal });
    return "exists";
  } catch (error) {
    if (!isNotFound(error)) throw apiError(`inspecting volume ${name}`, error);
  }
  try {
    await docker.createVolume({ Name: name, Labels: { ...scopeLabels(scope), [LABEL.service]: component } });
    return "created";
  } catch (error) {
    if (isConflict(error)) return "exists";
    throw apiError(`creating volume ${name}`, error);
  }
}

export async function removeVolume(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getVolume(name).remove();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw apiError(`removing volume ${name}`, error);
  }
}

/** Volumes labelled with the app and environment (or one component of it). */
export async function listVolumes(docker: Docker, scope: Scope, component?: string): Promise<string[]> {
  try {
    const answer = await docker.listVolumes({ filters: labelFilter(scope, component) });
    return (answer.Volumes ?? [])
      .filter((v) => hasLabels(v.Labels ?? undefined, scope, component))
      .map((v) => v.Name)
      .sort();
  } catch (error) {
    throw apiError(`listing the volumes of ${scope.app}/${scope.environment}`, error);
  }
}
