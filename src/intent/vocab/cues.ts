/**
 * Cue words for the spec's settings: environment, target, cloud, monitoring,
 * TLS, exposure, high availability, backups, and the request's action.
 */
import type { Cloud, Target } from "../../spec/schema.js";
import { table, words } from "../tokens/phrases.js";
import type { Token } from "../tokens/tokenizer.js";

/** Environment words that count anywhere. */
export const ENV_STRONG = table<string>("cues.ENV_STRONG", {
  "production|prod|production grade|production ready|prod ready": "production",
  "staging|staging environment": "staging",
  "dev|development|develop": "dev",
  qa: "qa",
  uat: "uat",
  "preprod|pre prod|pre production|preproduction": "preprod",
});
/** Environment words that count only in environment context ("to test", "the demo environment"). */
export const ENV_WEAK = table<string>("cues.ENV_WEAK", {
  live: "production",
  stage: "staging",
  "test|testing": "test",
  sandbox: "sandbox",
  demo: "demo",
  preview: "preview",
  "perf|performance": "perf",
  integration: "integration",
  canary: "canary",
  local: "dev",
});
export const ENV_NOUNS = words("environment env namespace stage tier");

export interface TargetCue {
  readonly target?: Target;
  readonly cloud?: Exclude<Cloud, "local">;
  /** A managed cloud service: implies terraform when no cluster word is said. */
  readonly managed?: boolean;
  /** "container" and similar: docker only when nothing stronger is said. */
  readonly weak?: boolean;
  readonly unsupported?: string;
}

export const TARGET_CUES = table<TargetCue>("cues.TARGET_CUES", [
  [
    "kubernetes|k8s|k3s|k3d|minikube|kind cluster|openshift|helm|helm chart|kubectl|kustomize|cluster",
    { target: "kubernetes" },
  ],
  ["eks|amazon eks|aws eks|elastic kubernetes service", { target: "kubernetes", cloud: "aws" }],
  ["gke|google kubernetes engine|autopilot", { target: "kubernetes", cloud: "gcp" }],
  ["aks|azure kubernetes service", { target: "kubernetes", cloud: "azure" }],
  [
    "docker|docker compose|compose|podman|locally|local machine|on my machine|on my laptop|my laptop|on localhost|on prem|on premise|on premises|onprem|self hosted|my own server|my server|docker desktop|swarm|docker swarm",
    { target: "docker" },
  ],
  ["container|containerized|dockerized", { target: "docker", weak: true }],
  ["terraform|opentofu|tofu|infrastructure as code|iac", { target: "terraform" }],
  ["aws|amazon|amazon web services|aws cloud", { cloud: "aws" }],
  [
    "ec2|ecs|fargate|lambda|route53|route 53|cloudfront|lightsail|beanstalk|elastic beanstalk|app runner",
    { cloud: "aws", managed: true },
  ],
  ["gcp|google cloud|google cloud platform|google|gcloud", { cloud: "gcp" }],
  ["gce|compute engine|cloud run|app engine|cloud functions", { cloud: "gcp", managed: true }],
  ["azure|microsoft azure|microsoft", { cloud: "azure" }],
  [
    "app service|azure app service|container apps|azure container apps|azure functions",
    { cloud: "azure", managed: true },
  ],
  [
    "heroku|vercel|netlify|fly.io|fly io|digitalocean|digital ocean|render.com|railway|linode|hetzner|ovh|cloudflare|oracle cloud|ibm cloud|alibaba cloud",
    { unsupported: "other" },
  ],
]);

export const MONITORING_ON = table<boolean>("cues.MONITORING_ON", {
  "monitoring|monitored|monitor|observability|metrics|prometheus|alerting|alert|datadog|new relic|newrelic|apm|opentelemetry|otel|tracing|grafana|grafana dashboard|loki|jaeger|metrics dashboard|monitoring dashboard": true,
});

export const TLS_CUES = table<boolean>("cues.TLS_CUES", {
  "https|tls|ssl|certificate|cert|lets encrypt|letsencrypt|let us encrypt|secure connection|encrypted|acme certificate": true,
  "http only|plain http|no tls|without tls|no ssl|without ssl|without https|no https|tls off|ssl off|no certificate": false,
});

export const EXPOSURE = table<boolean>("cues.EXPOSURE", {
  "public|publicly|public facing|internet facing|externally|external|expose|exposed|exposes|reachable from outside|reachable from the outside|accessible from outside|accessible from the outside|world readable|public read|public read access|publicly accessible|publicly readable|open to the internet|reachable from the internet|exposed to the internet|accessible from the internet|public ip|anyone can read": true,
  "internal|private|internally|not public|not exposed|cluster internal|internal only|private only|behind the firewall|behind a firewall|not reachable|no public access|nobody outside|no one outside|nobody from outside|not accessible|inaccessible|intranet|vpn only|isolated|only reachable inside|only reachable internally|only accessible internally|not internet facing|no ingress|without ingress|not publicly accessible|not publicly reachable|only be reachable|only reachable|only accessible|only be accessible|inside the cluster|within the cluster|cluster only|not be public|not be exposed|never be public|never exposed|internal facing|private network|no public ip": false,
});

export const HA_CUES = table<boolean>("cues.HA_CUES", {
  "highly available|high availability|ha|replicated|replication|multi az|multi zone|multi region|multiple zones|multiple availability zones|failover|fail over|automatic failover|standby|hot standby|standby replica|standby instance|read replica|redundant|redundancy|zone redundant|geo redundant|resilient|fault tolerant": true,
  "single az|single zone|no ha|no failover|without failover|not highly available|no replication": false,
});

export const BACKUP_CUES = table<boolean>("cues.BACKUP_CUES", {
  "backup|backed up|back up|snapshot|point in time recovery|pitr|automated backup|automatic backup": true,
  "no backup|without backup|skip backup|no snapshot|backups off|backup off|disable backup|disabled backup": false,
});

/** Negation words that flip a cue right after them ("no monitoring", "without TLS"). */
export const NEGATIONS = words("no not without disable disabled skip never none turn");

export function negatedBefore(tokens: readonly Token[], i: number): boolean {
  const a = tokens[i - 1]?.w ?? "";
  const b = tokens[i - 2]?.w ?? "";
  if (a === "off" && (b === "turn" || b === "switch" || b === "switched" || b === "turned")) return true;
  if (NEGATIONS.has(a)) return a !== "turn";
  return (
    (b === "no" || b === "without" || b === "disable") &&
    (a === "need" || a === "any" || a === "the" || a === "a")
  );
}

const OFF = new Set(["off", "disabled"]);
const OFF_LEADS = new Set(["is", "switched", "turned", "set", "left", "kept", "stays", "stay", "be"]);

export function negatedAfter(tokens: readonly Token[], end: number): boolean {
  const a = tokens[end]?.w ?? "";
  const b = tokens[end + 1]?.w ?? "";
  const c = tokens[end + 2]?.w ?? "";
  return (
    OFF.has(a) ||
    (OFF_LEADS.has(a) && OFF.has(b)) ||
    (a === "should" && b === "be" && OFF.has(c)) ||
    (a === "not" && b === "needed")
  );
}

/** Verbs that start a deployment request. */
export const DEPLOY_VERBS = words(
  "deploy deploying redeploy run launch create set setup spin stand provision host start ship put give add make install build bring roll release publish move switch bump increase decrease raise lower change upgrade downgrade update configure autoscale expose enable migrate promote attach include deploys reduce double halve",
);
