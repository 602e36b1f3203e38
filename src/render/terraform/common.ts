/**
 * Shared pieces of every Terraform module: names, the module builder, pinned
 * providers, common variables, quantities and engine version defaults.
 */
import type { DeploymentSpec, Service } from "../../spec/schema.js";
import { secretEnvVar, secretNamesOf, secretRefName } from "../../spec/secret-refs.js";
import { block, call, expr, type HclBody, type HclExpr, type HclValue, type TopBlock } from "./hcl.js";

export type CloudName = "aws" | "gcp" | "azure";

/** Used when the spec names no region. */
export const DEFAULT_REGION: Readonly<Record<CloudName, string>> = {
  aws: "us-east-1",
  gcp: "us-central1",
  azure: "eastus",
};

/** Provider pins: the major versions whose argument names the renderer writes. */
export const PROVIDERS = {
  aws: { source: "hashicorp/aws", version: "~> 5.0" },
  google: { source: "hashicorp/google", version: "~> 6.0" },
  azurerm: { source: "hashicorp/azurerm", version: "~> 4.0" },
  random: { source: "hashicorp/random", version: "~> 3.6" },
} as const;
export type ProviderName = keyof typeof PROVIDERS;

export const REQUIRED_TERRAFORM = ">= 1.6";

/** The files of a module, one per concern, in the order they are listed. */
export type ModuleFile =
  | "network"
  | "databases"
  | "caches"
  | "queues"
  | "buckets"
  | "volumes"
  | "secrets"
  | "services"
  | "cluster"
  | "monitoring";

/** Collects the blocks of one module while a cloud renderer walks the spec. */
export class ModuleBuilder {
  readonly providers = new Set<ProviderName>();
  readonly providerBlocks: TopBlock[] = [];
  readonly files = new Map<ModuleFile, TopBlock[]>();
  readonly variables: TopBlock[] = [];
  readonly outputs: TopBlock[] = [];

  add(file: ModuleFile, ...blocks: TopBlock[]): void {
    const list = this.files.get(file) ?? [];
    list.push(...blocks);
    this.files.set(file, list);
  }

  /** Adds a variable once: several components may share a sizing variable. */
  variable(block: TopBlock): void {
    if (!this.variables.some((v) => v.labels[0] === block.labels[0])) this.variables.push(block);
  }

  output(name: string, value: HclValue, description: string, sensitive = false): void {
    this.outputs.push(outputBlock(name, value, description, sensitive));
  }
}

/** A Terraform identifier for a kebab-case name: `shop-web` -> `shop_web`; never starts with a digit. */
export function ident(name: string): string {
  const snake = name.replaceAll("-", "_");
  return /^[0-9]/.test(snake) ? `c_${snake}` : snake;
}

/** `SHOP_WEB` for environment variable names. */
export function envName(name: string): string {
  return ident(name).toUpperCase();
}

export function resource(type: string, name: string, body: HclBody, comment?: readonly string[]): TopBlock {
  return { blockType: "resource", labels: [type, name], body, ...(comment ? { comment } : {}) };
}

export function dataSource(type: string, name: string, body: HclBody): TopBlock {
  return { blockType: "data", labels: [type, name], body };
}

export function outputBlock(name: string, value: HclValue, description: string, sensitive = false): TopBlock {
  return {
    blockType: "output",
    labels: [name],
    body: { description, value, sensitive: sensitive ? true : undefined },
  };
}

export interface VariableOptions {
  readonly type: string;
  readonly description: string;
  /** Left out when undefined: the variable is then required. */
  readonly default?: HclValue;
  readonly sensitive?: boolean;
}

export function variableBlock(name: string, options: VariableOptions): TopBlock {
  return {
    blockType: "variable",
    labels: [name],
    body: {
      description: options.description,
      type: expr(options.type),
      default: options.default,
      sensitive: options.sensitive ? true : undefined,
    },
  };
}

/** `"${local.name_prefix}-web"`: cloud names built from the app and environment variables. */
export function named(suffix: string): HclExpr {
  return expr(`"\${local.name_prefix}-${suffix}"`);
}

/** A name cut to `max` characters (ALB, target group, cache and container app names are short). */
export function shortName(suffix: string, max: number): HclValue {
  return call("trim", call("substr", named(suffix), 0, max), "-");
}

export const ref = expr;

export function regionOf(spec: DeploymentSpec, cloud: CloudName): string {
  return spec.region ?? DEFAULT_REGION[cloud];
}

export function versionsBlock(providers: readonly ProviderName[]): TopBlock {
  const required: Record<string, HclValue> = {};
  for (const name of [...providers].sort()) required[name] = { ...PROVIDERS[name] };
  return {
    blockType: "terraform",
    labels: [],
    body: {
      required_version: REQUIRED_TERRAFORM,
      required_providers: providers.length > 0 ? block(required) : undefined,
    },
  };
}

/** app_name, environment and (for a cloud) the region variable, named `region` or `location`. */
export function commonVariables(
  spec: DeploymentSpec,
  cloud: CloudName | "local",
  regionVar = "region",
): TopBlock[] {
  const blocks = [
    variableBlock("app_name", {
      type: "string",
      description: "Application name, used in every resource name",
      default: spec.name,
    }),
    variableBlock("environment", {
      type: "string",
      description: "Environment name",
      default: spec.environment,
    }),
  ];
  if (cloud !== "local") {
    const description = spec.region
      ? `Region (${cloud}) from the spec`
      : `Region (${cloud}): the spec names none, so the default ${DEFAULT_REGION[cloud]} applies`;
    blocks.push(variableBlock(regionVar, { type: "string", description, default: regionOf(spec, cloud) }));
  }
  return blocks;
}

/** One image variable per service; required when the spec names no image. */
export function imageVariables(services: readonly Service[]): TopBlock[] {
  return services.map((s) =>
    variableBlock(`${ident(s.name)}_image`, {
      type: "string",
      description: s.image
        ? `Container image of service ${s.name}`
        : `Container image of service ${s.name} (required: the spec names none)`,
      default: s.image,
    }),
  );
}

export function localsBlock(extraTags: Readonly<Record<string, HclValue>> = {}): TopBlock {
  return {
    blockType: "locals",
    labels: [],
    body: {
      name_prefix: expr(`"\${var.app_name}-\${var.environment}"`),
      tags: {
        app: expr("var.app_name"),
        environment: expr("var.environment"),
        "managed-by": "codeploy",
        ...extraTags,
      },
    },
  };
}

/** A generated password (hashicorp/random): letters and digits only, which every service accepts. */
export function randomPassword(name: string): TopBlock {
  return resource("random_password", name, {
    length: 32,
    special: false,
    min_lower: 1,
    min_upper: 1,
    min_numeric: 1,
  });
}

/** Engine versions used when the spec names none, so the output never depends on a cloud's moving default. */
export const DEFAULT_VERSIONS = {
  postgres: "16",
  mysql: "8.0",
  mariadb: "10.11",
  mongodb: "5.0",
  redis: "7",
  valkey: "8",
  memcached: "1.6",
  rabbitmq: "3.13",
  kafka: "3.7",
  nats: "2.10",
  /** SQS has no engine version. */
  sqs: "managed",
} as const;

export function versionOf(component: {
  engine: keyof typeof DEFAULT_VERSIONS;
  version?: string | undefined;
}): string {
  return component.version ?? DEFAULT_VERSIONS[component.engine];
}

/** The major version: "16.2" -> 16, "8.0" -> 8. */
export function majorOf(version: string): number {
  return Number.parseInt(version, 10);
}

/** The port a service listens on: 8080 when the spec names none (the usual container default). */
export function webPort(service: Service): number {
  return service.port ?? 8080;
}

/** The sensitive variable a `secret:NAME` reference becomes: `secret_stripe_key`. */
export function secretVariable(name: string): string {
  return `secret_${name.toLowerCase().replace(/[^a-z0-9_]/g, "_")}`;
}

/** A literal, or for `secret:NAME` its sensitive variable (the value never enters the module's files). */
export function envValue(value: string): HclValue {
  const secret = secretRefName(value);
  return secret === undefined ? value : expr(`var.${secretVariable(secret)}`);
}

/** One sensitive variable per secret the spec refers to, without a default: terraform refuses to run without it. */
export function secretVariables(spec: DeploymentSpec): TopBlock[] {
  return secretNamesOf(spec).map((name) =>
    variableBlock(secretVariable(name), {
      type: "string",
      description: `Secret ${name}: codeploy passes it from ${secretEnvVar(name)} (secrets.auto.tfvars.json)`,
      sensitive: true,
    }),
  );
}

/**
 * The logical database created inside each database server: the app's name
 * (`shop`), since engine names such as "postgres" or "mysql" are taken by
 * the system databases.
 */
export function databaseName(spec: DeploymentSpec): string {
  return ident(spec.name);
}
