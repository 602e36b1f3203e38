/**
 * The local service as each request's caller sees it: the server's store,
 * interpreter (usage counted in /metrics), plan workers, providers and
 * secrets, with the principal's role deciding what it may do. Routes
 * authenticate, validate, call this and map errors; the rules are the service's.
 */
import { hashArtifacts } from "../render/index.js";
import { createLocalService } from "../service/local.js";
import type { Caller, CodeService } from "../service/types.js";
import type { DeploymentSpec } from "../spec/schema.js";
import { authorize, mayAccess, type Principal } from "./auth/rbac.js";
import { type AppContext, noteAudit, type ServerDeps } from "./context.js";
import { forbidden } from "./errors.js";
import { reviewSpec } from "./routes/intent.js";
import { interpretText } from "./spec-input.js";

export function callerOf(principal: Principal): Caller {
  return {
    actor: principal.actor,
    authorize: (permission, environment) => {
      // Adopting takes over objects that are not this app + environment's: an admin decision.
      if (permission === "adopt") {
        if (principal.role !== "admin")
          throw forbidden("only an admin may adopt existing objects", "leave adopt out, or ask an admin");
        return;
      }
      authorize(principal, permission, environment);
    },
    sees: (environment) => mayAccess(principal, environment),
  };
}

/** The service for one request; `c` (when given) receives the audit target once the request names it. */
export function serviceFor(deps: ServerDeps, principal: Principal, c?: AppContext): CodeService {
  return createLocalService(
    {
      store: deps.store,
      interpret: (text, options) => interpretText(deps, text, options),
      review: (spec: DeploymentSpec, current: DeploymentSpec | undefined) => reviewSpec(deps, spec, current),
      // A provider a request names must be one the server allows (server.requestProviders); the
      // one recorded with what runs is the one that deployed it.
      provider: (spec, name, why) =>
        deps.providers(spec, why === "recorded" && name === spec.target ? undefined : name),
      render: (spec, secrets) => deps.planner.render(spec, secrets),
      hashArtifacts,
      secrets: deps.secrets,
      surface: "api",
      deployOptions: deps.deployOptions,
      maxComponents: deps.limits.maxComponents,
      where: "the server",
      ...(deps.experts ? { experts: deps.experts } : {}),
      ...(deps.video ? { video: deps.video } : {}),
      ...(deps.drift ? { drift: deps.drift } : {}),
      ...(deps.gitops ? { gitops: deps.gitops } : {}),
    },
    {
      ...callerOf(principal),
      ...(c
        ? { note: (t: { app: string; environment: string }) => noteAudit(c, `${t.app}/${t.environment}`) }
        : {}),
    },
  );
}
