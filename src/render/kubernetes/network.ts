/**
 * NetworkPolicies: deny everything in the namespace, allow DNS, then per
 * component allow exactly the declared dependencies (ingress on the target,
 * egress on the client) and, for public services, ingress from the ingress
 * controller (any namespace) on their port. Services with internetEgress may
 * also reach public addresses, never private ranges or the metadata endpoint.
 */
import type {
  INetworkPolicy,
  INetworkPolicyEgressRule,
  INetworkPolicyIngressRule,
  INetworkPolicyPort,
} from "kubernetes-models/networking.k8s.io/v1";
import { metricsEndpoint } from "../../spec/monitoring.js";
import type { Service } from "../../spec/schema.js";
import type { KubeObject } from "../types.js";
import { bucketJobName } from "./data-services.js";
import { type KubeContext, meta, type Role, selectorLabels } from "./labels.js";

interface Endpoint {
  readonly name: string;
  readonly role: Role;
  /** Ports others may reach; empty: the component listens on nothing declared. */
  readonly ports: readonly number[];
}

/** Who talks to whom: app services to their dependencies, the bucket job to the store. */
interface Link {
  readonly from: string;
  readonly to: string;
}

function endpoints(ctx: KubeContext): Map<string, Endpoint> {
  const out = new Map<string, Endpoint>();
  for (const s of ctx.spec.services)
    out.set(s.name, { name: s.name, role: s.kind, ports: s.port === undefined ? [] : [s.port] });
  for (const c of ctx.data.values()) {
    out.set(c.name, { name: c.name, role: c.profile.kind, ports: [c.profile.port] });
  }
  if (ctx.store)
    out.set(bucketJobName(ctx.store), { name: bucketJobName(ctx.store), role: "job", ports: [] });
  return out;
}

/** The links, indexed both ways: a scan of every link per component made this quadratic (issue 15). */
interface Links {
  readonly byFrom: ReadonlyMap<string, readonly Link[]>;
  readonly byTo: ReadonlyMap<string, readonly Link[]>;
}

function links(ctx: KubeContext): Links {
  const buckets = new Set(ctx.spec.buckets.map((b) => b.name));
  const seen = new Set<string>();
  const byFrom = new Map<string, Link[]>();
  const byTo = new Map<string, Link[]>();
  const add = (from: string, to: string) => {
    const key = JSON.stringify([from, to]);
    if (seen.has(key) || buckets.has(to)) return;
    seen.add(key);
    const link = { from, to };
    for (const [index, end] of [[byFrom, from] as const, [byTo, to] as const]) {
      const list = index.get(end);
      if (list) list.push(link);
      else index.set(end, [link]);
    }
  };
  for (const s of ctx.spec.services) {
    for (const dep of s.dependsOn) add(s.name, buckets.has(dep) && ctx.store ? ctx.store : dep);
  }
  if (ctx.store) add(bucketJobName(ctx.store), ctx.store);
  return { byFrom, byTo };
}

const tcp = (ports: readonly number[]): INetworkPolicyPort[] =>
  ports.map((port) => ({ protocol: "TCP", port }));

function ingressRules(ctx: KubeContext, target: Endpoint, all: Links, service: Service | undefined) {
  const rules: INetworkPolicyIngressRule[] = [];
  const clients = (all.byTo.get(target.name) ?? []).map((l) => l.from);
  if (clients.length > 0) {
    rules.push({
      from: clients.map((c) => ({ podSelector: { matchLabels: selectorLabels(ctx, c) } })),
      ...(target.ports.length > 0 ? { ports: tcp(target.ports) } : {}),
    });
  }
  if (service?.public && service.port !== undefined) {
    // The ingress controller lives in another namespace, whose name differs between clusters.
    rules.push({ from: [{ namespaceSelector: {} }], ports: tcp([service.port]) });
  }
  const metrics = service && ctx.spec.monitoring.enabled ? metricsEndpoint(service) : undefined;
  if (metrics) {
    // Prometheus scrapes from its own namespace (providers.kubernetes.prometheusNamespace).
    const from = {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ctx.prometheusNamespace } },
    };
    rules.push({ from: [from], ports: tcp([metrics.port]) });
  }
  return rules;
}

/**
 * Public addresses only: cluster, VPC and link-local ranges (169.254.169.254 hands out cloud credentials)
 * stay closed, so opening the internet does not open the cluster.
 */
const INTERNET: INetworkPolicyEgressRule = {
  to: [
    {
      ipBlock: {
        cidr: "0.0.0.0/0",
        except: ["10.0.0.0/8", "100.64.0.0/10", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16"],
      },
    },
    { ipBlock: { cidr: "::/0", except: ["fc00::/7", "fe80::/10"] } },
  ],
};

function egressRules(
  ctx: KubeContext,
  source: Endpoint,
  all: Links,
  ends: Map<string, Endpoint>,
  service: Service | undefined,
) {
  const rules: INetworkPolicyEgressRule[] = service?.internetEgress ? [structuredClone(INTERNET)] : [];
  for (const l of all.byFrom.get(source.name) ?? []) {
    const target = ends.get(l.to);
    if (!target) continue;
    rules.push({
      to: [{ podSelector: { matchLabels: selectorLabels(ctx, target.name) } }],
      ...(target.ports.length > 0 ? { ports: tcp(target.ports) } : {}),
    });
  }
  return rules;
}

function policy(ctx: KubeContext, name: string, component: string, role: Role, spec: INetworkPolicy["spec"]) {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta(ctx, name, component, role),
    spec,
  } satisfies INetworkPolicy;
}

export function networkPolicies(ctx: KubeContext): KubeObject[] {
  const out: KubeObject[] = [
    policy(ctx, "codeploy-default-deny", "codeploy-default-deny", "network", {
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
    }),
    // DNS to any address: cluster DNS pods carry different labels on different distributions.
    policy(ctx, "codeploy-allow-dns", "codeploy-allow-dns", "network", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ ports: [{ protocol: "UDP", port: 53 }, ...tcp([53])] }],
    }),
  ];
  const ends = endpoints(ctx);
  const all = links(ctx);
  const services = new Map(ctx.spec.services.map((s) => [s.name, s]));
  for (const end of ends.values()) {
    const service = services.get(end.name);
    const ingress = ingressRules(ctx, end, all, service);
    const egress = egressRules(ctx, end, all, ends, service);
    if (ingress.length === 0 && egress.length === 0) continue;
    out.push(
      policy(ctx, `allow-${end.name}`, end.name, end.role, {
        podSelector: { matchLabels: selectorLabels(ctx, end.name) },
        policyTypes: [
          ...(ingress.length > 0 ? (["Ingress"] as const) : []),
          ...(egress.length > 0 ? (["Egress"] as const) : []),
        ],
        ...(ingress.length > 0 ? { ingress } : {}),
        ...(egress.length > 0 ? { egress } : {}),
      }),
    );
  }
  return out;
}
