/**
 * AWS data tier: RDS (postgres, mysql, mariadb), DocumentDB for mongodb,
 * ElastiCache (redis and valkey replication groups, memcached clusters).
 */
import type { Cache, Database } from "../../../spec/schema.js";
import {
  databaseName,
  ident,
  majorOf,
  named,
  randomPassword,
  resource,
  shortName,
  variableBlock,
  versionOf,
} from "../common.js";
import { passwordDatabase, plain, secret } from "../connections.js";
import { expr, type HclExpr, type TopBlock } from "../hcl.js";
import type { AwsContext } from "./context.js";

const PRIVATE_SUBNETS = expr("aws_subnet.private[*].id");
const DATA_SG = [expr("aws_security_group.data.id")];
const DB_PORTS = { postgres: 5432, mysql: 3306, mariadb: 3306, mongodb: 27017 } as const;
/** The database user the services connect as (the master user: RDS and DocumentDB create no other). */
const DB_USER = "dbadmin";

function snapshotSettings(ctx: AwsContext, name: string) {
  return {
    deletion_protection: ctx.production,
    // A final snapshot protects production data on destroy; elsewhere destroy stays quick.
    skip_final_snapshot: !ctx.production,
    final_snapshot_identifier: ctx.production ? named(`${name}-final`) : undefined,
  };
}

function rdsInstance(ctx: AwsContext, db: Database): TopBlock {
  return resource("aws_db_instance", ident(db.name), {
    identifier: named(db.name),
    engine: db.engine,
    engine_version: versionOf(db),
    instance_class: expr("var.db_instance_class"),
    allocated_storage: db.storageGb,
    storage_type: "gp3",
    storage_encrypted: true,
    db_name: databaseName(ctx.spec),
    username: DB_USER,
    // Generated here, so that the services get it through Secrets Manager (secrets.ts) in their URL.
    password: expr(`random_password.${ident(db.name)}.result`),
    multi_az: db.highAvailability,
    backup_retention_period: db.backups ? 7 : 0,
    db_subnet_group_name: expr("aws_db_subnet_group.main.name"),
    vpc_security_group_ids: DATA_SG,
    publicly_accessible: false,
    ...snapshotSettings(ctx, db.name),
    copy_tags_to_snapshot: true,
    auto_minor_version_upgrade: true,
    tags: { Name: named(db.name) },
  });
}

/** DocumentDB engine versions: 4.0, 5.0 and 8.0 exist; other MongoDB versions map to the nearest one below. */
function docdbVersion(version: string): string {
  const major = majorOf(version);
  if (major >= 8) return "8.0.0";
  if (major >= 5) return "5.0.0";
  return "4.0.0";
}

function docdbCluster(ctx: AwsContext, db: Database): TopBlock[] {
  const id = ident(db.name);
  const version = versionOf(db);
  return [
    randomPassword(id),
    resource(
      "aws_docdb_cluster",
      id,
      {
        cluster_identifier: named(db.name),
        engine: "docdb",
        engine_version: docdbVersion(version),
        master_username: DB_USER,
        master_password: expr(`random_password.${id}.result`),
        // DocumentDB keeps at least one day of backups; more only when the spec asks for backups.
        backup_retention_period: db.backups ? 7 : 1,
        storage_encrypted: true,
        db_subnet_group_name: expr("aws_docdb_subnet_group.main.name"),
        vpc_security_group_ids: DATA_SG,
        ...snapshotSettings(ctx, db.name),
        tags: { Name: named(db.name) },
      },
      [`mongodb ${version} runs on Amazon DocumentDB (MongoDB-compatible); storage grows on its own.`],
    ),
    resource("aws_docdb_cluster_instance", id, {
      count: db.highAvailability ? 2 : 1,
      identifier: expr(`"\${local.name_prefix}-${db.name}-\${count.index}"`),
      cluster_identifier: expr(`aws_docdb_cluster.${id}.id`),
      instance_class: expr("var.docdb_instance_class"),
    }),
  ];
}

/** `postgres://user:pw@host:port/db`: credentials in the URL, as DATABASE_URL is everywhere. */
function dbUrl(
  scheme: string,
  host: string,
  port: string,
  db: string,
  password: string,
  query = "",
): HclExpr {
  return expr(`"${scheme}://${DB_USER}:\${${password}}@\${${host}}:${port}/${db}${query}"`);
}

function renderDatabase(ctx: AwsContext, db: Database): void {
  const id = ident(db.name);
  const password = `random_password.${id}.result`;
  const name = databaseName(ctx.spec);
  const port = DB_PORTS[db.engine];
  ctx.dataPorts.set(port, db.engine);
  const host = db.engine === "mongodb" ? `aws_docdb_cluster.${id}.endpoint` : `aws_db_instance.${id}.address`;
  // DocumentDB: TLS on, one replica set, no retryable writes (it has none).
  const query =
    db.engine === "mongodb"
      ? "?tls=true&replicaSet=rs0&readPreference=secondaryPreferred&retryWrites=false"
      : db.engine === "postgres"
        ? "?sslmode=require"
        : "";
  const scheme = db.engine === "mongodb" ? "mongodb" : db.engine === "postgres" ? "postgres" : "mysql";
  ctx.m.add(
    "databases",
    ...(db.engine === "mongodb" ? docdbCluster(ctx, db) : [randomPassword(id), rdsInstance(ctx, db)]),
  );
  ctx.connections.set(
    db.name,
    passwordDatabase(db.name, db.engine, {
      url: dbUrl(scheme, host, String(port), name, password, query),
      host: expr(host),
      port: String(port),
      user: DB_USER,
      password: expr(password),
      name: name,
    }),
  );
  ctx.m.output(`${id}_endpoint`, expr(host), `Host name of database ${db.name}`);
}

/** ElastiCache wants major.minor for redis 6+ and valkey: "7" -> "7.1". */
function elasticacheVersion(cache: Cache): string {
  const version = versionOf(cache);
  if (cache.engine === "memcached" && version === "1.6") return "1.6.22";
  if (version.includes(".")) return version;
  const latest: Record<string, Record<number, string>> = {
    redis: { 5: "5.0.6", 6: "6.2", 7: "7.1" },
    valkey: { 7: "7.2", 8: "8.0" },
    memcached: { 1: "1.6.22" },
  };
  return latest[cache.engine]?.[majorOf(version)] ?? `${version}.0`;
}

function cacheSettings(cache: Cache, port: number) {
  return {
    engine: cache.engine,
    engine_version: elasticacheVersion(cache),
    node_type: expr("var.cache_node_type"),
    port,
    subnet_group_name: expr("aws_elasticache_subnet_group.main.name"),
    security_group_ids: DATA_SG,
    transit_encryption_enabled: true,
  };
}

function memcachedCluster(ctx: AwsContext, cache: Cache): void {
  const id = ident(cache.name);
  const replicas = ctx.production ? 2 : 1;
  ctx.dataPorts.set(11211, "memcached");
  ctx.m.add(
    "caches",
    resource("aws_elasticache_cluster", id, {
      cluster_id: shortName(cache.name, 50),
      ...cacheSettings(cache, 11211),
      num_cache_nodes: replicas,
      az_mode: replicas > 1 ? "cross-az" : "single-az",
      tags: { Name: named(cache.name) },
    }),
  );
  const host = `aws_elasticache_cluster.${id}.cluster_address`;
  ctx.connections.set(cache.name, {
    offer: {
      family: "memcached",
      parts: {
        url: plain(expr(`"memcached://\${${host}}:11211"`)),
        host: plain(expr(host)),
        port: plain("11211"),
      },
    },
    access: [],
  });
  ctx.m.output(
    `${id}_endpoint`,
    expr(`aws_elasticache_cluster.${id}.configuration_endpoint`),
    `Memcached endpoint of ${cache.name}`,
  );
}

function replicationGroup(ctx: AwsContext, cache: Cache): void {
  const id = ident(cache.name);
  ctx.dataPorts.set(6379, cache.engine);
  ctx.m.add(
    "caches",
    randomPassword(id),
    resource("aws_elasticache_replication_group", id, {
      replication_group_id: shortName(cache.name, 40),
      description: `Cache ${cache.name} (${cache.engine})`,
      ...cacheSettings(cache, 6379),
      // A replica with automatic failover in production; a single node elsewhere.
      num_cache_clusters: ctx.production ? 2 : 1,
      automatic_failover_enabled: ctx.production,
      multi_az_enabled: ctx.production,
      at_rest_encryption_enabled: true,
      // AUTH on top of TLS: the services get the token in REDIS_URL (rediss://:token@host:6379).
      auth_token: expr(`random_password.${id}.result`),
      // A group made before the token existed gets it added with the old (no) token still accepted meanwhile.
      auth_token_update_strategy: "ROTATE",
      snapshot_retention_limit: ctx.production ? 7 : 0,
      tags: { Name: named(cache.name) },
    }),
  );
  const host = `aws_elasticache_replication_group.${id}.primary_endpoint_address`;
  const token = `random_password.${id}.result`;
  ctx.connections.set(cache.name, {
    offer: {
      family: "redis",
      parts: {
        url: secret(cache.name, "url", expr(`"rediss://:\${${token}}@\${${host}}:6379"`)),
        host: plain(expr(host)),
        port: plain("6379"),
        password: secret(cache.name, "password", expr(token)),
      },
    },
    access: [],
  });
  ctx.m.output(`${id}_endpoint`, expr(host), `Primary endpoint of cache ${cache.name} (TLS)`);
}

function renderCache(ctx: AwsContext, cache: Cache): void {
  if (cache.engine === "memcached") memcachedCluster(ctx, cache);
  else replicationGroup(ctx, cache);
}

export function renderAwsData(ctx: AwsContext): void {
  const { spec, m } = ctx;
  const relational = spec.databases.filter((d) => d.engine !== "mongodb");
  const documents = spec.databases.filter((d) => d.engine === "mongodb");
  if (relational.length > 0) {
    m.add(
      "databases",
      resource("aws_db_subnet_group", "main", { name: named("db"), subnet_ids: PRIVATE_SUBNETS }),
    );
    const size = ctx.production ? "db.t4g.medium" : "db.t4g.micro";
    m.variable(
      variableBlock("db_instance_class", {
        type: "string",
        description: "RDS instance class",
        default: size,
      }),
    );
  }
  if (documents.length > 0) {
    m.add(
      "databases",
      resource("aws_docdb_subnet_group", "main", { name: named("docdb"), subnet_ids: PRIVATE_SUBNETS }),
    );
    const size = ctx.production ? "db.r6g.large" : "db.t4g.medium";
    m.variable(
      variableBlock("docdb_instance_class", {
        type: "string",
        description: "DocumentDB instance class",
        default: size,
      }),
    );
  }
  for (const db of spec.databases) renderDatabase(ctx, db);
  if (spec.caches.length > 0) {
    m.add(
      "caches",
      resource("aws_elasticache_subnet_group", "main", { name: named("cache"), subnet_ids: PRIVATE_SUBNETS }),
    );
    const size = ctx.production ? "cache.t4g.medium" : "cache.t4g.micro";
    m.variable(
      variableBlock("cache_node_type", {
        type: "string",
        description: "ElastiCache node type",
        default: size,
      }),
    );
  }
  for (const cache of spec.caches) renderCache(ctx, cache);
}
