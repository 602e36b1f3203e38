/** Rules over the Terraform blocks of a rendered module: encryption, bucket exposure, open firewalls. */
import type { RenderResult, TerraformBlock } from "../../render/types.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import { terraformAddress, terraformPath, terraformResources } from "../artifacts.js";
import type { PolicyRule, RuleFinding } from "../types.js";
import { type Data, isTrue, records } from "../util.js";

export const storageUnencrypted = {
  id: "CODE-SEC-015",
  severity: "warning",
  category: "security",
  title: "Database storage not encrypted",
  description:
    "An RDS instance or cluster without storage_encrypted keeps data, snapshots and backups in clear on disk.",
  *check({ artifacts }) {
    if (!artifacts) return;
    for (const db of terraformResources(artifacts, "aws_db_instance", "aws_rds_cluster")) {
      // Cluster members inherit encryption from their cluster.
      if (isTrue(db.body.storage_encrypted) || db.body.replicate_source_db !== undefined) continue;
      yield {
        path: terraformPath(artifacts, db, "storage_encrypted"),
        message: `${terraformAddress(db)} does not encrypt its storage`,
        hint: "set storage_encrypted = true (it can only be chosen at creation; existing data needs a snapshot copy)",
      };
    }
  },
} satisfies PolicyRule;

const PUBLIC_ACCESS_FLAGS = [
  "block_public_acls",
  "block_public_policy",
  "ignore_public_acls",
  "restrict_public_buckets",
];

function blocksPublicAccess(block: TerraformBlock, blocks: readonly TerraformBlock[]): boolean {
  const ref = `aws_s3_bucket.${block.labels[1] ?? ""}.`;
  return blocks.some(
    (b) =>
      JSON.stringify(b.body.bucket ?? "").includes(ref) &&
      PUBLIC_ACCESS_FLAGS.every((f) => isTrue(b.body[f])),
  );
}

/** Buckets the spec declares public are CODE-SEC-001's business, not this rule's. */
function declaredPublic(spec: DeploymentSpec, block: TerraformBlock): boolean {
  const label = block.labels[1] ?? "";
  const bucket = typeof block.body.bucket === "string" ? block.body.bucket : "";
  // Renderers write block labels in snake_case ("my-files" -> my_files).
  return spec.buckets.some(
    (b) => b.public && (b.name.replaceAll("-", "_") === label || b.name === label || bucket.includes(b.name)),
  );
}

export const bucketWithoutAccessBlock = {
  id: "CODE-SEC-016",
  severity: "warning",
  category: "security",
  title: "S3 bucket without a public access block",
  description:
    "Without aws_s3_bucket_public_access_block, one wrong ACL or policy makes a private bucket public.",
  *check({ spec, artifacts }) {
    if (!artifacts) return;
    const accessBlocks = terraformResources(artifacts, "aws_s3_bucket_public_access_block");
    for (const bucket of terraformResources(artifacts, "aws_s3_bucket")) {
      if (declaredPublic(spec, bucket) || blocksPublicAccess(bucket, accessBlocks)) continue;
      yield {
        path: terraformPath(artifacts, bucket),
        message: `${terraformAddress(bucket)} has no public access block with all four settings on`,
        hint: `add aws_s3_bucket_public_access_block with bucket = aws_s3_bucket.${bucket.labels[1] ?? "<name>"}.id and ${PUBLIC_ACCESS_FLAGS.join(", ")} = true`,
      };
    }
  },
} satisfies PolicyRule;

/** Ports of the data stores this project deploys (and their usual neighbours). */
const DATA_PORTS = [5432, 3306, 27017, 6379, 11211, 5672, 9092, 4222, 1433, 1521, 9200];
const ANYWHERE = new Set(["0.0.0.0/0", "::/0", "*", "Internet", "Any"]);

function portOf(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : Number.parseInt(String(value ?? ""), 10);
  return Number.isFinite(n) ? n : undefined;
}

/** The data ports inside a from/to range; protocol -1 (all traffic) opens them all. */
function dataPortsIn(from: unknown, to: unknown, protocol: unknown): number[] {
  if (protocol === "-1" || protocol === -1 || protocol === "all") return DATA_PORTS;
  const low = portOf(from);
  const high = portOf(to) ?? low;
  if (low === undefined || high === undefined) return [];
  return DATA_PORTS.filter((p) => p >= low && p <= high);
}

function openSources(rule: Data, ...keys: readonly string[]): boolean {
  return keys.some((k) => {
    const v = rule[k];
    return (Array.isArray(v) ? v : [v]).some((s) => typeof s === "string" && ANYWHERE.has(s));
  });
}

/** Each ingress rule open to anywhere on a data port: [block, path within it, ports]. */
function* openIngress(result: RenderResult): Iterable<readonly [TerraformBlock, PropertyKey[], number[]]> {
  for (const sg of terraformResources(result, "aws_security_group")) {
    for (const [i, rule] of records(sg.body.ingress).entries()) {
      if (!openSources(rule, "cidr_blocks", "ipv6_cidr_blocks")) continue;
      yield [sg, ["ingress", i], dataPortsIn(rule.from_port, rule.to_port, rule.protocol)];
    }
  }
  for (const rule of terraformResources(
    result,
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
  )) {
    if (
      rule.body.type === "egress" ||
      !openSources(rule.body, "cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6")
    )
      continue;
    yield [
      rule,
      [],
      dataPortsIn(rule.body.from_port, rule.body.to_port, rule.body.protocol ?? rule.body.ip_protocol),
    ];
  }
  for (const rule of terraformResources(result, "azurerm_network_security_rule")) {
    if (rule.body.direction === "Outbound" || rule.body.access === "Deny") continue;
    if (!openSources(rule.body, "source_address_prefix", "source_address_prefixes")) continue;
    const range = String(rule.body.destination_port_range ?? "");
    const [from, to] = range === "*" ? ["0", "65535"] : range.split("-");
    yield [rule, [], dataPortsIn(from, to ?? from, undefined)];
  }
}

export const openDatabasePort = {
  id: "CODE-SEC-017",
  severity: "error",
  category: "security",
  title: "Firewall open to the internet on a data port",
  description: "A security group or firewall rule admits 0.0.0.0/0 on a database, cache or queue port.",
  *check({ artifacts }): Iterable<RuleFinding> {
    if (!artifacts) return;
    for (const [block, at, ports] of openIngress(artifacts)) {
      if (ports.length === 0) continue;
      yield {
        path: terraformPath(artifacts, block, ...at),
        message: `${terraformAddress(block)} admits the whole internet on port${ports.length > 1 ? "s" : ""} ${ports.join(", ")}`,
        hint: "allow only the app's security group or private subnets (source_security_group_id / the VPC CIDR)",
      };
    }
  },
} satisfies PolicyRule;
