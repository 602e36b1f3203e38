/**
 * Data stores and internal components reachable from outside: judged on the
 * spec (a public service running a database image) and on the artifacts
 * (LoadBalancer/NodePort Services, Ingress backends, published compose ports,
 * publicly accessible managed databases).
 */
import type { KubeObject, RenderResult } from "../../render/types.js";
import { isProduction } from "../../spec/environment.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import {
  composePath,
  composeServices,
  kubeComponent,
  kubeLabel,
  kubePath,
  publicComposePorts,
  terraformAddress,
  terraformPath,
  terraformResources,
} from "../artifacts.js";
import { dataStoreOf } from "../images.js";
import type { PolicyInput, PolicyRule, RuleFinding, Severity } from "../types.js";
import {
  field,
  indexed,
  isTrue,
  prodSeverity,
  records,
  renderedServices,
  serviceLabel,
  servicePath,
} from "../util.js";

const EXPOSED_SERVICE_TYPES = new Set(["LoadBalancer", "NodePort"]);

/** Kubernetes objects that expose a component outside the cluster, with the component's name. */
function* kubeExposures(result: RenderResult, names: ReadonlySet<string>) {
  for (const object of result.kubernetes ?? []) {
    if (object.kind === "Service" && EXPOSED_SERVICE_TYPES.has(String(field(object, "spec", "type")))) {
      const component = kubeComponent(object, names);
      if (component)
        yield {
          component,
          object,
          at: ["spec", "type"],
          how: `a ${String(field(object, "spec", "type"))} Service`,
        };
    }
    if (object.kind === "Ingress") yield* ingressExposures(object, names);
  }
}

function* ingressExposures(object: KubeObject, names: ReadonlySet<string>) {
  for (const [rule, r] of indexed(records(field(object, "spec", "rules")))) {
    for (const [path, p] of indexed(records(field(rule, "http", "paths")))) {
      const backend = field(path, "backend", "service", "name");
      if (typeof backend === "string" && names.has(backend)) {
        yield { component: backend, object, at: ["spec", "rules", r, "http", "paths", p], how: "an Ingress" };
      }
    }
  }
}

function* exposedArtifacts(
  input: PolicyInput,
  names: ReadonlySet<string>,
  what: string,
): Iterable<RuleFinding> {
  const result = input.artifacts;
  if (!result) return;
  for (const e of kubeExposures(result, names)) {
    yield {
      path: kubePath(result, e.object, e.at),
      message: `${what} "${e.component}" is reachable from outside the cluster through ${e.how} (${kubeLabel(e.object)})`,
      hint: "use a ClusterIP Service; reach it from inside the cluster or through a port-forward",
    };
  }
  for (const service of composeServices(result)) {
    if (!names.has(service.name)) continue;
    const ports = publicComposePorts(service.data);
    if (ports.length === 0) continue;
    yield {
      path: composePath(result, service.name, "ports"),
      message: `${what} "${service.name}" publishes ${ports.join(", ")} on every network interface`,
      hint: 'drop the ports entry (services reach it by name) or bind it to loopback: "127.0.0.1:<port>:<port>"',
      severity: prodSeverity(input.spec),
    };
  }
}

function* publicManagedDatabases(result: RenderResult | undefined): Iterable<RuleFinding> {
  if (!result) return;
  const hint = "keep the database on private networking; connect through the VPC, a bastion or a proxy";
  for (const db of terraformResources(result, "aws_db_instance", "aws_rds_cluster_instance")) {
    if (!isTrue(db.body.publicly_accessible)) continue;
    const message = `${terraformAddress(db)} is publicly accessible from the internet`;
    yield { path: terraformPath(result, db, "publicly_accessible"), message, hint };
  }
  for (const db of terraformResources(result, "google_sql_database_instance")) {
    const ipConfig = records(field(db.body, "settings")).flatMap((s) => records(s.ip_configuration));
    const open = ipConfig.flatMap((c) => records(c.authorized_networks)).some((n) => n.value === "0.0.0.0/0");
    if (!open) continue;
    const message = `${terraformAddress(db)} authorizes 0.0.0.0/0: the whole internet`;
    yield { path: terraformPath(result, db, "settings"), message, hint };
  }
  for (const rule of terraformResources(result, ...AZURE_FIREWALL_RULES)) {
    if (rule.body.start_ip_address !== "0.0.0.0" || rule.body.end_ip_address !== "255.255.255.255") continue;
    const message = `${terraformAddress(rule)} opens the database to every IPv4 address`;
    yield { path: terraformPath(result, rule, "end_ip_address"), message, hint };
  }
}

const AZURE_FIREWALL_RULES = [
  "azurerm_postgresql_flexible_server_firewall_rule",
  "azurerm_mysql_flexible_server_firewall_rule",
  "azurerm_postgresql_firewall_rule",
  "azurerm_mysql_firewall_rule",
];

function* publicDataStoreServices(spec: DeploymentSpec): Iterable<RuleFinding> {
  for (const [service, i] of renderedServices(spec)) {
    const store = service.image === undefined ? undefined : dataStoreOf(service.image);
    if (!service.public || store === undefined) continue;
    yield {
      path: servicePath(i, "public"),
      message: `${serviceLabel(service)} runs ${store} and is public: the data store is reachable from the internet`,
      hint: "declare it under databases/caches/queues instead, or set public: false",
    };
  }
}

export const publicDatabase = {
  id: "CODE-SEC-002",
  severity: "error",
  category: "security",
  title: "Database reachable from the internet",
  description:
    "A database (or a public service running a data-store image) that anyone can connect to is one weak password away from a breach.",
  *check(input) {
    yield* publicDataStoreServices(input.spec);
    yield* exposedArtifacts(input, new Set(input.spec.databases.map((d) => d.name)), "database");
    yield* publicManagedDatabases(input.artifacts);
  },
} satisfies PolicyRule;

function internalNames(spec: DeploymentSpec): Set<string> {
  return new Set([
    ...spec.caches.map((c) => c.name),
    ...spec.queues.map((q) => q.name),
    ...spec.services.filter((s) => !s.public).map((s) => s.name),
  ]);
}

export const internalExposed = {
  id: "CODE-SEC-014",
  severity: "error",
  category: "security",
  title: "Internal component exposed",
  description:
    "A cache, queue or private service is published outside its network (LoadBalancer/NodePort, Ingress, compose ports on 0.0.0.0). Databases are CODE-SEC-002.",
  *check(input) {
    const severity: Severity | undefined = isProduction(input.spec) ? undefined : "warning";
    for (const finding of exposedArtifacts(input, internalNames(input.spec), "internal component")) {
      yield { ...finding, severity };
    }
  },
} satisfies PolicyRule;
