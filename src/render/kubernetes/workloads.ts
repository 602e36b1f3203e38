/**
 * App services: a Deployment (web, worker) or a CronJob (cron), a Service
 * when there is a port, a HorizontalPodAutoscaler when it autoscales, and a
 * PodDisruptionBudget from two replicas on. Credentials reach containers only
 * through secretKeyRef, never as literal values.
 */
import type { IDeployment } from "kubernetes-models/apps/v1";
import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import type { ICronJob } from "kubernetes-models/batch/v1";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1";
import type { IContainer, IEnvVar, IPodSpec, IProbe, ISecret, IService } from "kubernetes-models/v1";
import { isProduction } from "../../spec/environment.js";
import { metricsEndpoint } from "../../spec/monitoring.js";
import type { Service } from "../../spec/schema.js";
import { secretNamesOf, secretRefName } from "../../spec/secret-refs.js";
import { DEFAULT_APP_RESOURCES as DEFAULTS, dataComponentNamed } from "../data-services.js";
import { type ConnectionValue, connectionVars } from "../local-connections.js";
import type { KubeObject } from "../types.js";
import { containerRuntime } from "./image-runtime.js";
import { CONNECTION_URL_KEY, type KubeContext, labels, meta, secretName, selectorLabels } from "./labels.js";
import { commandOf, strategyOf, volumeClaims, withVolumes } from "./volumes.js";

/** Pod-level settings every pod of ours shares: no API token, no service-link env vars, seccomp. */
export function podBase(securityContext: IPodSpec["securityContext"]) {
  return {
    automountServiceAccountToken: false,
    // Service links inject <NAME>_PORT variables, which images such as apache/kafka misread as settings.
    enableServiceLinks: false,
    securityContext,
  } satisfies Partial<IPodSpec>;
}

/** A fresh object per container: objects in the result share no mutable parts. */
export function restrictedContainer(readOnlyRootFilesystem = true): IContainer["securityContext"] {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
  };
}

/**
 * For images that start as root: the baseline profile's default capabilities that such images use
 * (bind :80, chown their data, drop to their own user), nothing else; still no privilege escalation.
 */
const ROOT_CAPABILITIES = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "KILL", "NET_BIND_SERVICE", "SETGID", "SETUID"];

function rootContainer(readOnlyRootFilesystem: boolean): IContainer["securityContext"] {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem,
    capabilities: { drop: ["ALL"], add: [...ROOT_CAPABILITIES] },
  };
}

export function byName<T extends { name: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function secretRef(name: string, key: string): IEnvVar["valueFrom"] {
  return { secretKeyRef: { name, key } };
}

function connectionEnv(ctx: KubeContext, name: string, value: ConnectionValue): IEnvVar {
  const store = ctx.store ?? "";
  switch (value.type) {
    case "url":
      return { name, valueFrom: secretRef(secretName(value.component), CONNECTION_URL_KEY) };
    case "password": {
      const key = dataComponentNamed(ctx.spec, value.component)?.profile.passwordEnv ?? "";
      return { name, valueFrom: secretRef(secretName(value.component), key) };
    }
    case "store-user":
      return { name, valueFrom: secretRef(secretName(store), "MINIO_ROOT_USER") };
    case "store-password":
      return { name, valueFrom: secretRef(secretName(store), "MINIO_ROOT_PASSWORD") };
    case "literal":
      return { name, value: value.value };
  }
}

/** The Secret holding the values of a service's `secret:NAME` references (owned by its step). */
export function serviceSecretName(s: Service): string {
  return `${s.name}-secrets`;
}

/** NAME -> value of the references a service makes that are set; names without a value are left out. */
function serviceSecrets(ctx: KubeContext, s: Service): [string, string][] {
  return secretNamesOf({ services: [s] }).flatMap((name) => {
    const value = ctx.secrets[name];
    return value === undefined ? [] : [[name, value] as [string, string]];
  });
}

function secretObject(ctx: KubeContext, s: Service): KubeObject | undefined {
  if (secretNamesOf({ services: [s] }).length === 0) return undefined;
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: meta(ctx, serviceSecretName(s), s.name, s.kind),
    type: "Opaque",
    data: Object.fromEntries(
      serviceSecrets(ctx, s).map(([k, v]) => [k, Buffer.from(v, "utf8").toString("base64")]),
    ),
  } satisfies ISecret;
}

export function appEnv(ctx: KubeContext, s: Service): IEnvVar[] {
  const env: IEnvVar[] = Object.entries(s.env).map(([name, value]) => {
    const secret = secretRefName(value);
    return secret === undefined
      ? { name, value }
      : { name, valueFrom: secretRef(serviceSecretName(s), secret) };
  });
  for (const v of connectionVars(ctx.spec, s)) env.push(connectionEnv(ctx, v.name, v.value));
  return byName(env);
}

export function portName(s: Service): string {
  return s.kind === "web" ? "http" : "tcp";
}

/** HTTP GET on the health path, else a TCP connect on the port, else none (an exec probe would guess the image). */
function probes(s: Service): { readinessProbe?: IProbe; livenessProbe?: IProbe } {
  if (s.port === undefined) return {};
  const handler: IProbe = s.healthCheck
    ? { httpGet: { path: s.healthCheck.path, port: portName(s) } }
    : { tcpSocket: { port: portName(s) } };
  return {
    readinessProbe: { ...handler, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
    livenessProbe: {
      ...handler,
      initialDelaySeconds: 15,
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
  };
}

/** The spec's values as request and limit (what it asks for is what it gets); defaults where it says nothing. */
function resources(s: Service) {
  return {
    requests: {
      cpu: s.resources?.cpu ?? DEFAULTS.requests.cpu,
      memory: s.resources?.memory ?? DEFAULTS.requests.memory,
    },
    limits: {
      cpu: s.resources?.cpu ?? DEFAULTS.limits.cpu,
      memory: s.resources?.memory ?? DEFAULTS.limits.memory,
    },
  };
}

/** An image that can never be pulled by mistake: `.invalid` is reserved and never resolves. */
export function placeholderImage(ctx: KubeContext, s: Service): string {
  return `codeploy.invalid/${ctx.spec.name}/${s.name}:unset`;
}

function annotations(ctx: KubeContext, s: Service): Record<string, string> {
  const out: Record<string, string> = {};
  const secrets = serviceSecrets(ctx, s);
  // Env from a Secret is read when a pod starts: a new value must roll the pods, so the template changes with it.
  if (secrets.length > 0) out["codeploy.dev/secrets"] = ctx.digest(JSON.stringify(secrets));
  const runtime = containerRuntime(s);
  if (runtime.reason) out["codeploy.dev/security-context"] = runtime.reason;
  const missing = [s.resources?.cpu ? "" : "cpu", s.resources?.memory ? "" : "memory"].filter(Boolean);
  if (missing.length > 0) {
    out["codeploy.dev/default-resources"] =
      `${missing.join(" and ")} not in the spec: requests 100m/128Mi, limits 500m/512Mi`;
  }
  if (!s.image)
    out["codeploy.dev/image"] =
      `not in the spec: set it (kustomize edit set image ${placeholderImage(ctx, s)}=...)`;
  return out;
}

/** The service's port, and with monitoring on a `metrics` port when metrics are served on another one. */
function containerPorts(ctx: KubeContext, s: Service): Pick<IContainer, "ports"> {
  const ports: NonNullable<IContainer["ports"]> = [];
  if (s.port !== undefined) ports.push({ name: portName(s), containerPort: s.port, protocol: "TCP" });
  const metrics = ctx.spec.monitoring.enabled ? metricsEndpoint(s) : undefined;
  if (metrics && metrics.port !== s.port)
    ports.push({ name: "metrics", containerPort: metrics.port, protocol: "TCP" });
  return ports.length > 0 ? { ports } : {};
}

function podSpec(ctx: KubeContext, s: Service): IPodSpec {
  const runtime = containerRuntime(s);
  const container: IContainer = {
    name: s.name,
    image: s.image ?? placeholderImage(ctx, s),
    ...commandOf(s),
    ...containerPorts(ctx, s),
    env: appEnv(ctx, s),
    resources: resources(s),
    ...(s.kind === "cron" ? {} : probes(s)),
    securityContext: runtime.root
      ? rootContainer(runtime.readOnlyRootFilesystem)
      : restrictedContainer(runtime.readOnlyRootFilesystem),
    // With a read-only root filesystem /tmp is the one writable place.
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
  };
  const seccompProfile = { type: "RuntimeDefault" as const };
  return withVolumes(
    {
      ...podBase(runtime.root ? { seccompProfile } : { runAsNonRoot: true, seccompProfile }),
      ...(s.kind === "cron" ? { restartPolicy: "OnFailure" } : {}),
      containers: [container],
      volumes: [{ name: "tmp", emptyDir: {} }],
    },
    s,
  );
}

function template(ctx: KubeContext, s: Service) {
  const notes = annotations(ctx, s);
  return {
    metadata: {
      labels: labels(ctx, s.name, s.kind),
      ...(Object.keys(notes).length > 0 ? { annotations: notes } : {}),
    },
    spec: podSpec(ctx, s),
  };
}

/**
 * Production pods of a service that runs 2+ replicas: at most one more on a node than on any other
 * (hard: a node failure takes at most its share), and spread over zones when the nodes carry zone
 * labels (soft: a cluster without zones still schedules). Counted per ReplicaSet
 * (`pod-template-hash`), so a rolling update is not held up by the old pods; tainted nodes the pods
 * cannot use are not counted as empty domains.
 */
function topologySpread(ctx: KubeContext, s: Service): Pick<IPodSpec, "topologySpreadConstraints"> {
  if (!isProduction(ctx.spec) || (s.autoscale?.max ?? s.replicas) < 2) return {};
  const spread = (topologyKey: string, whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway") => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable,
    labelSelector: { matchLabels: selectorLabels(ctx, s.name) },
    matchLabelKeys: ["pod-template-hash"],
    nodeTaintsPolicy: "Honor" as const,
  });
  return {
    topologySpreadConstraints: [
      spread("kubernetes.io/hostname", "DoNotSchedule"),
      spread("topology.kubernetes.io/zone", "ScheduleAnyway"),
    ],
  };
}

function deployment(ctx: KubeContext, s: Service): KubeObject {
  const base = template(ctx, s);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(ctx, s.name, s.name, s.kind),
    spec: {
      // With an autoscaler the HPA owns the count: no replicas here, or every apply would reset it
      // (the provider hands the field over on the first apply, see providers/kubernetes/replicas.ts).
      ...(s.autoscale ? {} : { replicas: s.replicas }),
      revisionHistoryLimit: 5,
      ...strategyOf(s),
      selector: { matchLabels: selectorLabels(ctx, s.name) },
      template: { ...base, spec: { ...base.spec, ...topologySpread(ctx, s) } },
    },
  } satisfies IDeployment;
}

function cronJob(ctx: KubeContext, s: Service): KubeObject {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: meta(ctx, s.name, s.name, "cron"),
    spec: {
      schedule: s.schedule ?? "",
      timeZone: "Etc/UTC",
      concurrencyPolicy: "Forbid",
      // replicas 0 in the spec: the job exists but does not run.
      suspend: s.replicas === 0,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: {
        metadata: { labels: labels(ctx, s.name, "cron") },
        spec: { backoffLimit: 2, template: template(ctx, s) },
      },
    },
  } satisfies ICronJob;
}

function service(ctx: KubeContext, s: Service, port: number): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(ctx, s.name, s.name, s.kind),
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(ctx, s.name),
      ports: [{ name: portName(s), port, targetPort: portName(s), protocol: "TCP" }],
    },
  } satisfies IService;
}

function autoscaler(ctx: KubeContext, s: Service, a: NonNullable<Service["autoscale"]>): KubeObject {
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: meta(ctx, s.name, s.name, s.kind),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: s.name },
      minReplicas: a.min,
      maxReplicas: a.max,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: a.targetCpuPercent } },
        },
      ],
    },
  } satisfies IHorizontalPodAutoscaler;
}

function disruptionBudget(ctx: KubeContext, s: Service): KubeObject {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: meta(ctx, s.name, s.name, s.kind),
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(ctx, s.name) } },
  } satisfies IPodDisruptionBudget;
}

/** Every object of one app service. */
export function appObjects(ctx: KubeContext, s: Service): KubeObject[] {
  const secret = secretObject(ctx, s);
  const out = [...(secret ? [secret] : []), ...volumeClaims(ctx, s)];
  if (s.kind === "cron") return [...out, cronJob(ctx, s)];
  out.push(deployment(ctx, s));
  if (s.port !== undefined) out.push(service(ctx, s, s.port));
  if (s.autoscale) out.push(autoscaler(ctx, s, s.autoscale));
  if ((s.autoscale?.min ?? s.replicas) >= 2) out.push(disruptionBudget(ctx, s));
  return out;
}
