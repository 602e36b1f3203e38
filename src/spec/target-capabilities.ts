/**
 * What each target renders (render/) for the parts of a plan that are not
 * components: a public endpoint, generated credentials, monitoring. Kept in
 * spec/ so that plan/ and policy/ may ask without importing the renderers.
 * The planner asks these so that it never promises a step nothing is
 * rendered for; each predicate states the condition its renderer uses
 * (plan/rendered.test.ts holds them to the rendered objects over the example
 * specs and interpreted requests).
 */
import type { DeploymentSpec, Service } from "./schema.js";

/** Whether the target renders a way in from outside for the service (the plan's ingress step). */
export function rendersPublicEndpoint(spec: DeploymentSpec, s: Service): boolean {
  if (!s.public || s.kind === "cron") return false;
  switch (spec.target) {
    case "docker":
      // A port published on the host (compose `ports`).
      return s.port !== undefined;
    case "kubernetes":
      // An Ingress needs a host and a backend port.
      return s.port !== undefined && s.domain !== undefined;
    case "terraform":
      switch (spec.cloud) {
        case "aws":
          // The load balancer's target group and listener rule (port 8080 when the spec names none).
          return s.kind === "web";
        case "azure":
          // External ingress of the container app.
          return s.kind === "web" || s.port !== undefined;
        case "gcp":
          // Invocation by allUsers on the Cloud Run service.
          return true;
        case "local":
          // The service's settings record public, domain and TLS.
          return true;
      }
  }
}

/** Whether the target renders generated credentials (the plan's secrets step). */
export function rendersCredentials(spec: DeploymentSpec): boolean {
  const { databases, caches, queues } = spec;
  const passwordQueue = queues.some((q) => q.engine === "rabbitmq" || q.engine === "nats");
  const passwordCache = caches.some((c) => c.engine !== "memcached");
  switch (spec.target) {
    case "docker":
    case "kubernetes":
      // kubernetes: a Secret per data component; docker: .env holds the passwords of those that take one.
      return spec.target === "kubernetes"
        ? databases.length + caches.length + queues.length > 0
        : databases.length > 0 || passwordCache || passwordQueue;
    case "terraform":
      switch (spec.cloud) {
        case "aws":
          return databases.length > 0 || passwordCache || queues.some((q) => q.engine === "rabbitmq");
        case "gcp":
          return databases.some((d) => d.engine !== "mongodb") || passwordCache;
        case "azure":
          return databases.some((d) => d.engine !== "mongodb") || queues.length > 0;
        case "local":
          return false;
      }
  }
}

/** Whether the target renders anything for `monitoring.enabled` (the plan's monitoring step). */
export function rendersMonitoring(spec: DeploymentSpec): boolean {
  if (!spec.monitoring.enabled) return false;
  switch (spec.target) {
    // The dashboard ConfigMap and the rules (kubernetes); prometheus.yml and its rules file (docker).
    case "kubernetes":
    case "docker":
      return true;
    case "terraform":
      // ECS: Container Insights (and alarms for long-running services); Cloud Run and Container Apps: alerts.
      if (spec.cloud === "aws")
        return spec.services.length > 0 || spec.queues.some((q) => q.engine === "nats");
      if (spec.cloud === "gcp" || spec.cloud === "azure") return spec.services.some((s) => s.kind !== "cron");
      return false;
  }
}
