/**
 * Health checks and resource limits. When rendered artifacts are given they
 * are judged (the renderer may add defaults the spec does not state);
 * otherwise the spec is.
 */
import type { RenderResult } from "../../render/types.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import { composePath, composeServices, kubeLabel, kubePath, kubeWorkloads } from "../artifacts.js";
import type { PolicyRule, RuleFinding } from "../types.js";
import { field, renderedServices, serviceLabel, servicePath } from "../util.js";

const LONG_RUNNING = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod"]);

function* kubeMissingProbes(result: RenderResult): Iterable<RuleFinding> {
  for (const w of kubeWorkloads(result)) {
    if (!LONG_RUNNING.has(w.object.kind)) continue;
    for (const c of w.containers) {
      // Only containers that serve a port can be probed over the network.
      const ports = Array.isArray(c.data.ports) ? c.data.ports : [];
      if (ports.length === 0 || c.data.readinessProbe !== undefined) continue;
      yield {
        path: kubePath(result, w.object, [...c.at, "readinessProbe"]),
        message: `container "${c.name}" of ${kubeLabel(w.object)} serves a port but has no readiness probe`,
        hint: "add a readinessProbe (httpGet on the health path, or tcpSocket) so traffic waits until it is ready",
      };
    }
  }
}

function* specMissingHealthChecks(spec: DeploymentSpec): Iterable<RuleFinding> {
  for (const [service, i] of renderedServices(spec)) {
    if (service.kind !== "web" || service.healthCheck !== undefined) continue;
    yield {
      path: servicePath(i, "healthCheck"),
      message: `web ${serviceLabel(service)} has no health check`,
      hint: "set healthCheck: { path: /healthz } so that broken instances get no traffic and are restarted",
    };
  }
}

export const missingHealthCheck = {
  id: "CODE-REL-004",
  severity: "warning",
  category: "reliability",
  title: "Missing health check",
  description:
    "Without a health check, traffic reaches instances that are starting or stuck. Judged on the probes of rendered Kubernetes workloads when given, else on the spec's web services.",
  *check({ spec, artifacts }) {
    if (artifacts && kubeWorkloads(artifacts).length > 0) yield* kubeMissingProbes(artifacts);
    else yield* specMissingHealthChecks(spec);
  },
} satisfies PolicyRule;

const LIMITS_HINT =
  'set resources: { cpu: "500m", memory: "512Mi" } (memory is the limit that protects the neighbours)';

function* kubeMissingLimits(result: RenderResult): Iterable<RuleFinding> {
  for (const w of kubeWorkloads(result)) {
    for (const c of w.containers) {
      if (field(c.data, "resources", "limits", "memory") !== undefined) continue;
      yield {
        path: kubePath(result, w.object, [...c.at, "resources", "limits"]),
        message: `container "${c.name}" of ${kubeLabel(w.object)} has no memory limit`,
        hint: "set resources.limits.memory (and requests) on the container",
      };
    }
  }
}

function* composeMissingLimits(result: RenderResult): Iterable<RuleFinding> {
  for (const s of composeServices(result)) {
    if (
      field(s.data, "deploy", "resources", "limits", "memory") !== undefined ||
      s.data.mem_limit !== undefined
    )
      continue;
    yield {
      path: composePath(result, s.name, "deploy", "resources", "limits"),
      message: `compose service "${s.name}" has no memory limit`,
      hint: "set deploy.resources.limits.memory",
    };
  }
}

function* specMissingLimits(spec: DeploymentSpec): Iterable<RuleFinding> {
  for (const [service, i] of renderedServices(spec)) {
    const resources = service.resources;
    if (resources?.memory !== undefined) continue;
    yield {
      path: resources === undefined ? servicePath(i, "resources") : servicePath(i, "resources", "memory"),
      message:
        resources === undefined
          ? `${serviceLabel(service)} sets no resource limits`
          : `${serviceLabel(service)} sets cpu but no memory limit`,
      hint: LIMITS_HINT,
    };
  }
}

export const missingResourceLimits = {
  id: "CODE-REL-005",
  severity: "warning",
  category: "reliability",
  title: "Missing resource limits",
  description:
    "A container without a memory limit can starve everything on its node. Judged on the rendered containers when given, else on the spec.",
  *check({ spec, artifacts }) {
    if (artifacts && kubeWorkloads(artifacts).length > 0) yield* kubeMissingLimits(artifacts);
    else if (artifacts && composeServices(artifacts).length > 0) yield* composeMissingLimits(artifacts);
    else yield* specMissingLimits(spec);
  },
} satisfies PolicyRule;
