/**
 * Which catalog skus price which part of a spec, per cloud: serverless
 * containers, Kubernetes nodes, and the managed databases and caches with
 * their non-production ("small") and production ("large") sizes. The sizes
 * follow what the terraform renderers create (src/render/terraform/*), so the
 * estimate prices what gets deployed; keep the two in step. Data, not logic:
 * the tests check every sku named here is in every catalog region.
 */
import type { CacheEngine, CloudName, DatabaseEngine } from "../spec/index.js";
import type { Tier } from "./context.js";

export interface SizePart {
  readonly sku: string;
  /** Units of the sku per instance: 1 instance, or 2 vCPU, or 7.5 GB. */
  readonly per: number;
}

export interface Size {
  /** Shown in items and assumptions: "db.t4g.medium (2 vCPU burstable, 4 GiB)". */
  readonly label: string;
  readonly parts: readonly SizePart[];
  /** Instances billed (a cache primary + replica is 2). @default 1 */
  readonly instances?: number;
}

export const one = (sku: string, label: string, instances = 1): Size => ({
  label,
  parts: [{ sku, per: 1 }],
  instances,
});

export interface ServerlessSkus {
  readonly product: string;
  readonly vcpu: string;
  readonly memory: string;
  /** How the product rounds a container up to a size it sells. */
  readonly shape: "fargate" | "cloud-run" | "container-apps";
}

export const SERVERLESS: Readonly<Record<CloudName, ServerlessSkus>> = {
  aws: { product: "Fargate", vcpu: "fargate-vcpu", memory: "fargate-memory", shape: "fargate" },
  gcp: { product: "Cloud Run", vcpu: "cloud-run-vcpu", memory: "cloud-run-memory", shape: "cloud-run" },
  azure: {
    product: "Container Apps",
    vcpu: "container-apps-vcpu",
    memory: "container-apps-memory",
    shape: "container-apps",
  },
};

export interface NodeType {
  readonly sku: string;
  readonly label: string;
  readonly millicores: number;
  readonly mib: number;
  /** Nodes the cluster starts with (the renderers' node group floor or desired count). */
  readonly minimum: number;
  readonly diskSku: string;
  readonly diskGb: number;
  readonly diskLabel: string;
}

const EKS_DISK = { diskSku: "ebs-gp3", diskGb: 20, diskLabel: "gp3 root volume" } as const;
const GKE_DISK = { diskSku: "pd-balanced", diskGb: 50, diskLabel: "pd-balanced boot disk" } as const;
const AKS_DISK = { diskSku: "premium-ssd", diskGb: 128, diskLabel: "Premium SSD OS disk" } as const;

export const NODES: Readonly<Record<CloudName, Readonly<Record<Tier, NodeType>>>> = {
  aws: {
    small: { sku: "ec2-t3-medium", label: "t3.medium", millicores: 2000, mib: 4096, minimum: 1, ...EKS_DISK },
    large: { sku: "ec2-m6i-large", label: "m6i.large", millicores: 2000, mib: 8192, minimum: 3, ...EKS_DISK },
  },
  gcp: {
    small: {
      sku: "gce-e2-standard-2",
      label: "e2-standard-2",
      millicores: 2000,
      mib: 8192,
      minimum: 1,
      ...GKE_DISK,
    },
    large: {
      sku: "gce-e2-standard-4",
      label: "e2-standard-4",
      millicores: 4000,
      mib: 16384,
      minimum: 3,
      ...GKE_DISK,
    },
  },
  azure: {
    small: { sku: "vm-d2s-v5", label: "D2s v5", millicores: 2000, mib: 8192, minimum: 1, ...AKS_DISK },
    large: { sku: "vm-d2s-v5", label: "D2s v5", millicores: 2000, mib: 8192, minimum: 3, ...AKS_DISK },
  },
};

export const CONTROL_PLANE: Readonly<Record<CloudName, Readonly<Record<Tier, string>> & { label: string }>> =
  {
    aws: { small: "eks-cluster", large: "eks-cluster", label: "EKS control plane" },
    gcp: { small: "gke-cluster", large: "gke-cluster", label: "GKE cluster management" },
    azure: { small: "aks-free", large: "aks-standard", label: "AKS control plane" },
  };

/** A monthly volume billed per unit of the sku (reads, writes), by tier. */
export interface Usage {
  readonly sku: string;
  readonly perMonth: Readonly<Record<Tier, number>>;
  readonly what: string;
}

export interface DatabaseFamily {
  readonly service: string;
  readonly sizes: Readonly<Record<Tier, Size>>;
  /** `standby`: HA bills a second instance; `included`: replication is part of the price. */
  readonly ha: "standby" | "included";
  readonly haLabel: string;
  /** HA needs the large size (Azure flexible server: no HA on Burstable). */
  readonly haNeedsLarge?: boolean;
  readonly storage?: { readonly sku: string; readonly doubledByHa: boolean };
  readonly backupSku?: string;
  /** Serverless databases bill by volume instead of (or beside) instances. */
  readonly usage?: readonly Usage[];
}

const rds = (engine: string, service: string): DatabaseFamily => ({
  service,
  sizes: {
    small: one(`rds-${engine}-db-t4g-micro`, "db.t4g.micro (2 vCPU burstable, 1 GiB)"),
    large: one(`rds-${engine}-db-t4g-medium`, "db.t4g.medium (2 vCPU burstable, 4 GiB)"),
  },
  ha: "standby",
  haLabel: "Multi-AZ: primary + standby",
  storage: { sku: "rds-storage-gp3", doubledByHa: true },
  backupSku: "rds-backup",
});

const cloudSql: DatabaseFamily = {
  service: "Cloud SQL (Enterprise)",
  sizes: {
    small: {
      label: "db-custom-1-3840 (1 vCPU, 3.75 GB)",
      parts: [
        { sku: "cloudsql-vcpu", per: 1 },
        { sku: "cloudsql-memory", per: 3.75 },
      ],
    },
    large: {
      label: "db-custom-2-7680 (2 vCPU, 7.5 GB)",
      parts: [
        { sku: "cloudsql-vcpu", per: 2 },
        { sku: "cloudsql-memory", per: 7.5 },
      ],
    },
  },
  ha: "standby",
  haLabel: "HA (regional): twice the zonal price",
  storage: { sku: "cloudsql-storage-ssd", doubledByHa: true },
  backupSku: "cloudsql-backup",
};

const firestore: DatabaseFamily = {
  service: "Firestore with MongoDB compatibility",
  sizes: { small: { label: "serverless", parts: [] }, large: { label: "serverless", parts: [] } },
  ha: "included",
  haLabel: "replication included",
  storage: { sku: "firestore-storage", doubledByHa: false },
  usage: [
    { sku: "firestore-reads", perMonth: { small: 5, large: 50 }, what: "million reads" },
    { sku: "firestore-writes", perMonth: { small: 1, large: 10 }, what: "million writes" },
  ],
};

const flexible = (engine: "pg" | "mysql", service: string): DatabaseFamily => ({
  service,
  sizes: {
    small: one(`${engine}-flex-b1ms`, "Burstable B1ms (1 vCore, 2 GiB)"),
    large: one(`${engine}-flex-d2ds-v4`, "General Purpose D2ds v4 (2 vCores, 8 GiB)"),
  },
  ha: "standby",
  haLabel: "zone-redundant HA: primary + standby",
  haNeedsLarge: true,
  storage: { sku: "flex-server-storage", doubledByHa: true },
  backupSku: "flex-server-backup",
});

export const DATABASES: Readonly<Record<CloudName, Readonly<Record<DatabaseEngine, DatabaseFamily>>>> = {
  aws: {
    postgres: rds("postgres", "Amazon RDS for PostgreSQL"),
    mysql: rds("mysql", "Amazon RDS for MySQL"),
    mariadb: rds("mariadb", "Amazon RDS for MariaDB"),
    mongodb: {
      service: "Amazon DocumentDB (MongoDB compatible)",
      sizes: {
        small: one("docdb-db-t4g-medium", "db.t4g.medium (2 vCPU burstable, 4 GiB)"),
        large: one("docdb-db-r6g-large", "db.r6g.large (2 vCPU, 16 GiB)"),
      },
      ha: "standby",
      haLabel: "primary + replica instance",
      storage: { sku: "docdb-storage", doubledByHa: false },
      backupSku: "docdb-backup",
    },
  },
  gcp: { postgres: cloudSql, mysql: cloudSql, mariadb: cloudSql, mongodb: firestore },
  azure: {
    postgres: flexible("pg", "Azure Database for PostgreSQL flexible server"),
    mysql: flexible("mysql", "Azure Database for MySQL flexible server"),
    mariadb: flexible("mysql", "Azure Database for MySQL flexible server"),
    mongodb: {
      service: "Azure Cosmos DB for MongoDB (vCore)",
      sizes: {
        small: one("cosmos-mongo-vcore-m10", "M10 (1 vCore burstable, 2 GiB)"),
        large: one("cosmos-mongo-vcore-m30", "M30 (2 vCores, 8 GiB)"),
      },
      ha: "standby",
      haLabel: "HA: primary + standby",
      storage: { sku: "cosmos-mongo-vcore-storage", doubledByHa: true },
    },
  },
};

export interface CacheFamily {
  readonly service: string;
  readonly sizes: Readonly<Record<Tier, Size>>;
}

const elastiCache: CacheFamily = {
  service: "Amazon ElastiCache",
  sizes: {
    small: one("elasticache-cache-t4g-micro", "cache.t4g.micro (0.5 GiB)"),
    large: one("elasticache-cache-t4g-medium", "2 x cache.t4g.medium (3.09 GiB): primary + replica", 2),
  },
};

const memorystoreRedis: CacheFamily = {
  service: "Memorystore for Redis",
  sizes: {
    small: { label: "Basic tier, 1 GB", parts: [{ sku: "memorystore-redis-basic", per: 1 }] },
    large: {
      label: "Standard tier (with replica), 1 GB",
      parts: [{ sku: "memorystore-redis-standard", per: 1 }],
    },
  },
};

const memcachedNode = (n: number): Size => ({
  label: `${n} node${n > 1 ? "s" : ""} of 1 vCPU, 1 GB`,
  parts: [
    { sku: "memorystore-memcached-vcpu", per: 1 },
    { sku: "memorystore-memcached-memory", per: 1 },
  ],
  instances: n,
});

const azureRedis: CacheFamily = {
  service: "Azure Cache for Redis",
  sizes: {
    small: one("redis-basic-c0", "Basic C0 (250 MB)"),
    large: one("redis-standard-c1", "Standard C1 (1 GB, primary + replica)"),
  },
};

export function cacheFamily(cloud: CloudName, engine: CacheEngine): CacheFamily {
  if (cloud === "aws") return elastiCache;
  if (cloud === "azure") return azureRedis;
  if (engine === "memcached") {
    return {
      service: "Memorystore for Memcached",
      sizes: { small: memcachedNode(1), large: memcachedNode(2) },
    };
  }
  return memorystoreRedis;
}
