/**
 * An Ingress for each public service with a domain and a port: TLS through a
 * cert-manager ClusterIssuer when the spec asks for TLS. The class and the
 * issuer come from `providers.kubernetes` (defaults "nginx" and "letsencrypt"):
 * an Ingress without a class is served by whichever controller is the default,
 * or by none.
 */
import type { IIngress } from "kubernetes-models/networking.k8s.io/v1";
import type { Service } from "../../spec/schema.js";
import type { KubeObject } from "../types.js";
import { type KubeContext, meta } from "./labels.js";
import { portName } from "./workloads.js";

export function ingress(ctx: KubeContext, s: Service): KubeObject | undefined {
  if (!s.public || s.domain === undefined || s.port === undefined) return undefined;
  const annotations = s.tls ? { "cert-manager.io/cluster-issuer": ctx.clusterIssuer } : undefined;
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: meta(ctx, s.name, s.name, s.kind, annotations),
    spec: {
      ingressClassName: ctx.ingressClassName,
      ...(s.tls ? { tls: [{ hosts: [s.domain], secretName: `${s.name}-tls` }] } : {}),
      rules: [
        {
          host: s.domain,
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name: s.name, port: { name: portName(s) } } },
              },
            ],
          },
        },
      ],
    },
  } satisfies IIngress;
}
