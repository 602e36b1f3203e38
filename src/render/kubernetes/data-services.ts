/**
 * Data components: a Secret with generated credentials and the connection URL,
 * a headless Service, and a one-replica StatefulSet with a volume claim, all
 * from the shared table. Plus the Job that creates the buckets in MinIO.
 */
import type { IStatefulSet } from "kubernetes-models/apps/v1";
import type { IJob } from "kubernetes-models/batch/v1";
import type { IContainer, IEnvVar, IProbe, ISecret, IService } from "kubernetes-models/v1";
import {
  checkedPassword,
  DATA_USER,
  type DataAccess,
  type DataComponent,
  MINIO_CLIENT_IMAGE,
} from "../data-services.js";
import { localDatabaseName } from "../local-connections.js";
import type { KubeObject } from "../types.js";
import {
  CONNECTION_URL_KEY,
  type KubeContext,
  labels,
  meta,
  type Role,
  secretName,
  selectorLabels,
} from "./labels.js";
import { byName, podBase, restrictedContainer, secretRef } from "./workloads.js";

function role(c: DataComponent): Role {
  return c.profile.kind;
}

function access(ctx: KubeContext, c: DataComponent, password: string, rootPassword: string): DataAccess {
  return {
    host: c.name,
    user: DATA_USER,
    password,
    rootPassword,
    database: localDatabaseName(ctx.spec),
    scope: `${ctx.spec.name}/${ctx.spec.environment}`,
  };
}

/** Real credentials: these go into the Secret and nowhere else. */
function realAccess(ctx: KubeContext, c: DataComponent): DataAccess {
  const none = c.profile.credentials === "none";
  const password = none ? "" : checkedPassword(ctx.credentials, c.name, "app");
  const root =
    c.profile.credentials === "password+root" ? checkedPassword(ctx.credentials, c.name, "root") : "";
  return access(ctx, c, password, root);
}

function secret(ctx: KubeContext, c: DataComponent): KubeObject {
  const a = realAccess(ctx, c);
  const env = c.profile.serverEnv(a);
  const entries: [string, string][] = c.profile.secretEnv.map((k) => [k, env[k] ?? ""]);
  entries.push([CONNECTION_URL_KEY, c.profile.url(a)]);
  entries.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: meta(ctx, secretName(c.name), c.name, role(c)),
    type: "Opaque",
    data: Object.fromEntries(entries.map(([k, v]) => [k, Buffer.from(v, "utf8").toString("base64")])),
  } satisfies ISecret;
}

function ports(c: DataComponent) {
  return [{ name: c.profile.portName, port: c.profile.port }, ...c.profile.extraPorts];
}

function headlessService(ctx: KubeContext, c: DataComponent): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(ctx, c.name, c.name, role(c)),
    spec: {
      clusterIP: "None",
      selector: selectorLabels(ctx, c.name),
      ports: ports(c).map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: "TCP" })),
    },
  } satisfies IService;
}

function readiness(c: DataComponent): IProbe {
  const p = c.profile;
  const timing = { initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 10, failureThreshold: 6 };
  if (p.probe.type === "http") return { httpGet: { path: p.probe.path, port: p.probe.port }, ...timing };
  if (p.probe.type === "exec" && p.healthcheck) return { exec: { command: [...p.healthcheck] }, ...timing };
  return { tcpSocket: { port: p.portName }, ...timing };
}

function dataContainer(ctx: KubeContext, c: DataComponent): IContainer {
  const p = c.profile;
  // Server arguments read the password from the Secret through $(VAR) expansion.
  const ref = p.passwordEnv ? `$(${p.passwordEnv})` : "";
  const args = p.args?.(access(ctx, c, ref, ""));
  const literal = p.serverEnv(access(ctx, c, "", ""));
  const env: IEnvVar[] = Object.entries(literal)
    .filter(([k]) => !p.secretEnv.includes(k))
    .map(([name, value]) => ({ name, value }));
  return {
    name: c.engine,
    image: c.image,
    ...(args ? { args } : {}),
    ports: ports(c).map((x) => ({ name: x.name, containerPort: x.port, protocol: "TCP" })),
    ...(p.secretEnv.length > 0 ? { envFrom: [{ secretRef: { name: secretName(c.name) } }] } : {}),
    ...(env.length > 0 ? { env: byName(env) } : {}),
    resources: {
      requests: { cpu: p.cpu[0], memory: p.memory[0] },
      limits: { cpu: p.cpu[1], memory: p.memory[1] },
    },
    readinessProbe: readiness(c),
    livenessProbe: {
      tcpSocket: { port: p.portName },
      initialDelaySeconds: 30,
      periodSeconds: 20,
      timeoutSeconds: 5,
      failureThreshold: 6,
    },
    // Writable root: these images write sockets, pid and lock files and generated config
    // outside their data volume (/var/run/postgresql, /var/run/mysqld, /opt/kafka/config...).
    securityContext: restrictedContainer(false),
    ...(p.volumePath ? { volumeMounts: [{ name: "data", mountPath: p.volumePath }] } : {}),
  };
}

function statefulSet(ctx: KubeContext, c: DataComponent): KubeObject {
  const p = c.profile;
  const notes = c.notes.length > 0 ? { "codeploy.dev/notes": c.notes.join("; ") } : undefined;
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: meta(ctx, c.name, c.name, role(c), notes),
    spec: {
      serviceName: c.name,
      replicas: 1,
      selector: { matchLabels: selectorLabels(ctx, c.name) },
      template: {
        metadata: { labels: labels(ctx, c.name, role(c)) },
        spec: {
          // The image's own user: the entrypoint skips its root-only steps, so every capability can go.
          ...podBase({
            runAsNonRoot: true,
            runAsUser: p.uid,
            runAsGroup: p.uid,
            fsGroup: p.uid,
            seccompProfile: { type: "RuntimeDefault" },
          }),
          containers: [dataContainer(ctx, c)],
        },
      },
      ...(p.volumePath
        ? {
            volumeClaimTemplates: [
              {
                metadata: { name: "data", labels: labels(ctx, c.name, role(c)) },
                spec: {
                  accessModes: ["ReadWriteOnce"],
                  resources: { requests: { storage: `${c.storageGb}Gi` } },
                },
              },
            ],
          }
        : {}),
    },
  } satisfies IStatefulSet;
}

/** Every object of one data component. */
export function dataObjects(ctx: KubeContext, c: DataComponent): KubeObject[] {
  return [secret(ctx, c), headlessService(ctx, c), statefulSet(ctx, c)];
}

export function bucketJobName(store: string): string {
  return `${store}-buckets`;
}

/** The MinIO client, logged in through MC_HOST_local built from the Secret. */
function bucketContainer(store: string, script: string): IContainer {
  const secret = secretName(store);
  return {
    name: "mc",
    image: MINIO_CLIENT_IMAGE,
    command: ["sh", "-c", script],
    // Order matters: MC_HOST_local expands the two variables defined before it.
    env: [
      { name: "MINIO_ROOT_USER", valueFrom: secretRef(secret, "MINIO_ROOT_USER") },
      { name: "MINIO_ROOT_PASSWORD", valueFrom: secretRef(secret, "MINIO_ROOT_PASSWORD") },
      { name: "MC_CONFIG_DIR", value: "/tmp/.mc" },
      { name: "MC_HOST_local", value: `http://$(MINIO_ROOT_USER):$(MINIO_ROOT_PASSWORD)@${store}:9000` },
    ],
    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "128Mi" } },
    securityContext: restrictedContainer(),
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
  };
}

/** Creates the spec's buckets (and opens public ones for reading); safe to run again. */
export function bucketJob(ctx: KubeContext, store: string): KubeObject {
  const name = bucketJobName(store);
  const steps = [`mc mb --ignore-existing ${ctx.spec.buckets.map((b) => `local/${b.name}`).join(" ")}`];
  for (const b of ctx.spec.buckets) if (b.public) steps.push(`mc anonymous set download local/${b.name}`);
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: meta(ctx, name, name, "job", {
      "codeploy.dev/notes":
        "a Job's pod template cannot change: delete this Job before applying a new bucket list",
    }),
    spec: {
      backoffLimit: 6,
      template: {
        metadata: { labels: labels(ctx, name, "job") },
        spec: {
          ...podBase({
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            seccompProfile: { type: "RuntimeDefault" },
          }),
          restartPolicy: "OnFailure",
          containers: [bucketContainer(store, steps.join(" && "))],
          volumes: [{ name: "tmp", emptyDir: {} }],
        },
      },
    },
  } satisfies IJob;
}
