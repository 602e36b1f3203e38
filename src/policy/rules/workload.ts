/**
 * Container hardening, read from the rendered workloads: Kubernetes pod specs
 * and compose services. The spec has no such fields, so without artifacts these
 * rules stay silent.
 */
import type { RenderResult } from "../../render/types.js";
import {
  composePath,
  composeServices,
  type KubeWorkload,
  kubeLabel,
  kubePath,
  kubeWorkloads,
} from "../artifacts.js";
import type { PolicyRule, RuleFinding } from "../types.js";
import { type Data, field, isFalse, isRecord, isTrue } from "../util.js";

function securityContext(data: Data): Data {
  const sc = data.securityContext;
  return isRecord(sc) ? sc : {};
}

function* rootContainers(result: RenderResult, w: KubeWorkload): Iterable<RuleFinding> {
  const pod = securityContext(w.pod);
  for (const c of w.containers) {
    const sc = securityContext(c.data);
    const user = sc.runAsUser ?? pod.runAsUser;
    const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
    if (user !== 0 && (isTrue(nonRoot) || typeof user === "number")) continue;
    const why =
      user === 0 ? "runs as root (runAsUser: 0)" : "may run as root (no runAsNonRoot: true, no runAsUser)";
    yield {
      path: kubePath(result, w.object, [...c.at, "securityContext"]),
      message: `container "${c.name}" of ${kubeLabel(w.object)} ${why}`,
      hint: "use an image built for a non-root user and set runAsRoot: false on the service (codeploy then renders runAsNonRoot: true)",
    };
  }
}

export const rootContainer = {
  id: "CODE-SEC-008",
  severity: "warning",
  category: "security",
  title: "Container runs as root",
  description: "A root process that escapes its container is root on the node.",
  *check({ artifacts }) {
    if (!artifacts) return;
    for (const w of kubeWorkloads(artifacts)) yield* rootContainers(artifacts, w);
    for (const s of composeServices(artifacts)) {
      const user = String(s.data.user ?? "");
      if (!/^(root|0)(:.*)?$/.test(user)) continue;
      yield {
        path: composePath(artifacts, s.name, "user"),
        message: `compose service "${s.name}" runs as root (user: ${user})`,
        hint: 'set user to a non-root uid such as "1000:1000"',
      };
    }
  },
} satisfies PolicyRule;

export const privilegedContainer = {
  id: "CODE-SEC-009",
  severity: "error",
  category: "security",
  title: "Privileged container",
  description: "A privileged container has every capability and the host's devices.",
  *check({ artifacts }) {
    if (!artifacts) return;
    const hint =
      "remove privileged; add only the single capability the app needs (securityContext.capabilities.add)";
    for (const w of kubeWorkloads(artifacts)) {
      for (const c of w.containers) {
        if (!isTrue(securityContext(c.data).privileged)) continue;
        const path = kubePath(artifacts, w.object, [...c.at, "securityContext", "privileged"]);
        yield { path, message: `container "${c.name}" of ${kubeLabel(w.object)} is privileged`, hint };
      }
    }
    for (const s of composeServices(artifacts)) {
      if (!isTrue(s.data.privileged)) continue;
      yield {
        path: composePath(artifacts, s.name, "privileged"),
        message: `compose service "${s.name}" is privileged`,
        hint,
      };
    }
  },
} satisfies PolicyRule;

export const privilegeEscalation = {
  id: "CODE-SEC-010",
  severity: "warning",
  category: "security",
  title: "Privilege escalation allowed",
  description:
    "Without allowPrivilegeEscalation: false, setuid binaries can gain more privileges than the process started with.",
  *check({ artifacts }) {
    if (!artifacts) return;
    for (const w of kubeWorkloads(artifacts)) {
      for (const c of w.containers) {
        const sc = securityContext(c.data);
        // Privileged containers are CODE-SEC-009's.
        if (isFalse(sc.allowPrivilegeEscalation) || isTrue(sc.privileged)) continue;
        yield {
          path: kubePath(artifacts, w.object, [...c.at, "securityContext", "allowPrivilegeEscalation"]),
          message: `container "${c.name}" of ${kubeLabel(w.object)} does not set allowPrivilegeEscalation: false`,
          hint: "set securityContext.allowPrivilegeEscalation: false",
        };
      }
    }
  },
} satisfies PolicyRule;

const HOST_NAMESPACES = ["hostNetwork", "hostPID", "hostIPC"] as const;
const COMPOSE_HOST_MODES = ["network_mode", "pid", "ipc"] as const;

export const hostNamespaces = {
  id: "CODE-SEC-011",
  severity: "error",
  category: "security",
  title: "Host namespace shared",
  description:
    "hostNetwork/hostPID/hostIPC (network_mode/pid/ipc: host in compose) remove the isolation between container and host.",
  *check({ artifacts }) {
    if (!artifacts) return;
    const hint = "remove the host namespace setting; publish ports through a Service or a port mapping";
    for (const w of kubeWorkloads(artifacts)) {
      for (const ns of HOST_NAMESPACES) {
        if (!isTrue(w.pod[ns])) continue;
        const path = kubePath(artifacts, w.object, [...w.podAt, ns]);
        yield { path, message: `${kubeLabel(w.object)} sets ${ns}: true`, hint };
      }
    }
    for (const s of composeServices(artifacts)) {
      for (const key of COMPOSE_HOST_MODES) {
        if (s.data[key] !== "host") continue;
        yield {
          path: composePath(artifacts, s.name, key),
          message: `compose service "${s.name}" sets ${key}: host`,
          hint,
        };
      }
    }
  },
} satisfies PolicyRule;

/** Host paths that hand over the host: the container runtime's socket or the root filesystem. */
function isHostTakeover(path: string): boolean {
  return (
    /(docker|containerd|crio|podman)\.sock$/.test(path) || path === "/" || path === "/proc" || path === "/etc"
  );
}

function composeBindSource(volume: unknown): string | undefined {
  if (typeof volume === "string") return volume.includes(":") ? volume.split(":")[0] : undefined;
  const source = field(volume, "source");
  return field(volume, "type") === "bind" && typeof source === "string" ? source : undefined;
}

export const hostPathMount = {
  id: "CODE-SEC-012",
  severity: "warning",
  category: "security",
  title: "Host path mounted",
  description:
    "hostPath volumes tie pods to a node and expose its files; mounting the container runtime socket or / gives away the host (error).",
  *check({ artifacts }) {
    if (!artifacts) return;
    for (const w of kubeWorkloads(artifacts)) {
      const volumes = Array.isArray(w.pod.volumes) ? w.pod.volumes : [];
      for (const [i, volume] of volumes.entries()) {
        const hostPath = field(volume, "hostPath", "path");
        if (typeof hostPath !== "string") continue;
        yield {
          path: kubePath(artifacts, w.object, [...w.podAt, "volumes", i, "hostPath"]),
          message: `${kubeLabel(w.object)} mounts the host path ${hostPath}`,
          hint: "use a PersistentVolumeClaim, a ConfigMap or an emptyDir instead of hostPath",
          severity: isHostTakeover(hostPath) ? "error" : undefined,
        };
      }
    }
    for (const s of composeServices(artifacts)) {
      const volumes = Array.isArray(s.data.volumes) ? s.data.volumes : [];
      for (const [i, volume] of volumes.entries()) {
        const source = composeBindSource(volume);
        if (source === undefined || !isHostTakeover(source)) continue;
        yield {
          path: composePath(artifacts, s.name, "volumes", i),
          message: `compose service "${s.name}" mounts ${source} from the host, which gives it control of the host`,
          hint: "remove the mount; use a named volume for data",
          severity: "error",
        };
      }
    }
  },
} satisfies PolicyRule;

export const serviceAccountToken = {
  id: "CODE-SEC-013",
  severity: "info",
  category: "security",
  title: "Service account token mounted",
  description:
    "Pods get a Kubernetes API token by default; an app that does not call the API should not carry one.",
  *check({ artifacts }) {
    if (!artifacts) return;
    const optedOut = new Set(
      (artifacts.kubernetes ?? [])
        .filter((o) => o.kind === "ServiceAccount" && isFalse(o.automountServiceAccountToken))
        .map((o) => o.metadata.name),
    );
    for (const w of kubeWorkloads(artifacts)) {
      const account = typeof w.pod.serviceAccountName === "string" ? w.pod.serviceAccountName : "default";
      if (isFalse(w.pod.automountServiceAccountToken)) continue;
      if (w.pod.automountServiceAccountToken === undefined && optedOut.has(account)) continue;
      yield {
        path: kubePath(artifacts, w.object, [...w.podAt, "automountServiceAccountToken"]),
        message: `${kubeLabel(w.object)} mounts a service account token (account "${account}")`,
        hint: "set automountServiceAccountToken: false in the pod spec unless the app calls the Kubernetes API",
      };
    }
  },
} satisfies PolicyRule;
