/**
 * Which host port each replica of a published service listens on, decided
 * before any container starts so that an update keeps the port: the spec's
 * `hostPort` + replica when set; else the port the replica already publishes
 * (chosen on an earlier apply, read back from its container); else the
 * rendered start (the service's port, moved past earlier ranges) + replica.
 * A kept or fixed port that something else publishes is refused; a first
 * choice that is taken falls back to a port the engine picks, kept from then on.
 */
import { ProviderError } from "../../engine/provider.js";
import type { Existing } from "./containers.js";
import { LABEL } from "./names.js";

export interface Publish {
  /** The address ports are bound on (settings.publishHost). */
  readonly host: string;
  /** Replica 0's port when nothing was chosen yet. */
  readonly preferredPort: number;
  /** The spec's `hostPort`: the ports are not negotiable. */
  readonly fixed: boolean;
}

/** A replica's host port: a number, or "" when the engine picks one. */
export type HostPortChoice = { readonly port: number; readonly why: "fixed" | "kept" | "first" } | "";

/** The host port a container publishes `containerPort` on (its label first: a stopped container lists no ports). */
export function publishedPort(e: Existing, containerPort: number | undefined): number | undefined {
  const label = Number(e.info.Labels[LABEL.hostPort] ?? Number.NaN);
  if (Number.isInteger(label) && label > 0) return label;
  const bound = (e.info.Ports ?? []).find(
    (p) => p.PublicPort && (containerPort === undefined || p.PrivatePort === containerPort),
  );
  return bound?.PublicPort;
}

export interface PortInputs {
  readonly component: string;
  readonly replicas: number;
  readonly containerPort: number | undefined;
  readonly publish: Publish;
  /** This component's containers, any replica. */
  readonly existing: readonly Existing[];
  /** Host ports published on the address, with the container that holds each. */
  readonly used: ReadonlyMap<number, string>;
}

export function portTaken(component: string, replica: number, port: number, holder: string): ProviderError {
  return new ProviderError(
    "DOCKER_PORT_TAKEN",
    `host port ${port} of service ${component} (replica ${replica}) is taken by ${holder}, which is not part of this deployment`,
    {
      hint: "stop what holds the port, or set services[].hostPort in the spec to a free port (replica i listens on hostPort+i)",
    },
  );
}

/** One choice per replica index, 0..replicas-1. */
export function planHostPorts(input: PortInputs): HostPortChoice[] {
  const ours = new Set(input.existing.map((e) => e.name));
  const foreign = (port: number) => {
    const holder = input.used.get(port);
    return holder !== undefined && !ours.has(holder) ? holder : undefined;
  };
  const assigned = new Set<number>();
  const out: HostPortChoice[] = [];
  for (let replica = 0; replica < input.replicas; replica++) {
    const kept = input.publish.fixed
      ? undefined
      : input.existing
          .filter((e) => e.replica === replica)
          .map((e) => publishedPort(e, input.containerPort))
          .find((p) => p !== undefined && !assigned.has(p));
    const why = input.publish.fixed ? "fixed" : kept !== undefined ? "kept" : "first";
    const port = kept ?? input.publish.preferredPort + replica;
    // Past 65535 or given to an earlier replica: only a first choice can get there, and it gives way.
    const holder = port > 65535 || assigned.has(port) ? "" : foreign(port);
    if (holder === undefined) {
      assigned.add(port);
      out.push({ port, why });
    } else if (why === "first") out.push("");
    else throw portTaken(input.component, replica, port, holder || "another replica");
  }
  return out;
}
