/**
 * GCP data tier: Cloud SQL (postgres, mysql; mariadb on MySQL), Firestore
 * with MongoDB compatibility and Memorystore (Redis, Memcached); queues and
 * buckets are in messaging.ts.
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
import { block, call, expr, type HclBlock, type TopBlock } from "../hcl.js";
import type { GcpContext } from "./context.js";
import { renderGcpBucket, renderGcpQueue } from "./messaging.js";

const NETWORK = expr("google_compute_network.main.id");
const PRIVATE_SERVICES = [expr("google_service_networking_connection.private_services")];

/** Cloud SQL names versions POSTGRES_16, MYSQL_8_0; it has no MariaDB, which runs on MySQL 8.0. */
export function cloudSqlVersion(db: Database): string {
  const version = versionOf(db);
  if (db.engine === "postgres") return `POSTGRES_${majorOf(version)}`;
  if (db.engine === "mariadb") return "MYSQL_8_0";
  const [major, minor = "0"] = version.split(".");
  return `MYSQL_${major}_${minor}`;
}

/** Regional MySQL needs binary logs, which need backups: HA turns them on. */
function sqlBackups(db: Database): boolean {
  return db.backups || (db.engine !== "postgres" && db.highAvailability);
}

function sqlSettings(db: Database): HclBlock {
  const mysql = db.engine !== "postgres";
  const backups = sqlBackups(db);
  const backup = block({
    enabled: backups,
    start_time: "03:00",
    point_in_time_recovery_enabled: mysql ? undefined : backups,
    binary_log_enabled: mysql ? backups : undefined,
    backup_retention_settings: backups ? block({ retained_backups: 7 }) : undefined,
  });
  return block({
    tier: expr("var.db_tier"),
    edition: "ENTERPRISE",
    availability_type: db.highAvailability ? "REGIONAL" : "ZONAL",
    disk_type: "PD_SSD",
    disk_size: db.storageGb,
    disk_autoresize: true,
    backup_configuration: backup,
    ip_configuration: block({ ipv4_enabled: false, private_network: NETWORK, ssl_mode: "ENCRYPTED_ONLY" }),
  });
}

function sqlInstance(ctx: GcpContext, db: Database): TopBlock[] {
  const id = ident(db.name);
  const comment = [
    ...(db.engine === "mariadb"
      ? ["Cloud SQL has no MariaDB: this runs MySQL 8.0, which speaks the same protocol."]
      : []),
    ...(sqlBackups(db) && !db.backups
      ? ["Backups are on although the spec says none: regional MySQL needs binary logs."]
      : []),
  ];
  return [
    resource(
      "google_sql_database_instance",
      id,
      {
        name: named(db.name),
        database_version: cloudSqlVersion(db),
        region: expr("var.region"),
        deletion_protection: ctx.production,
        settings: sqlSettings(db),
        // Cloud SQL may grow the disk on its own; Terraform then keeps the larger size.
        lifecycle: block({ ignore_changes: [expr("settings[0].disk_size")] }),
        depends_on: PRIVATE_SERVICES,
      },
      comment.length > 0 ? comment : undefined,
    ),
    resource("google_sql_database", id, {
      name: databaseName(ctx.spec),
      instance: expr(`google_sql_database_instance.${id}.name`),
    }),
    randomPassword(id),
    resource("google_sql_user", id, {
      name: "app",
      instance: expr(`google_sql_database_instance.${id}.name`),
      password: expr(`random_password.${id}.result`),
    }),
  ];
}

function firestore(ctx: GcpContext, db: Database): TopBlock {
  return resource(
    "google_firestore_database",
    ident(db.name),
    {
      name: named(db.name),
      location_id: expr("var.region"),
      type: "FIRESTORE_NATIVE",
      database_edition: "ENTERPRISE",
      point_in_time_recovery_enablement: db.backups
        ? "POINT_IN_TIME_RECOVERY_ENABLED"
        : "POINT_IN_TIME_RECOVERY_DISABLED",
      delete_protection_state: ctx.production ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED",
      deletion_policy: "DELETE",
    },
    [
      `mongodb runs on Firestore with MongoDB compatibility (Enterprise edition): storage and replicas are managed.`,
    ],
  );
}

function renderFirestore(ctx: GcpContext, db: Database): void {
  const id = ident(db.name);
  ctx.apis.add("firestore.googleapis.com");
  ctx.m.add("databases", firestore(ctx, db));
  const database = `google_firestore_database.${id}`;
  // Firestore's MongoDB endpoint: TLS on 443, signed in with the service's own account (no password).
  const host = `"\${${database}.uid}.\${var.region}.firestore.goog"`;
  const query =
    "?loadBalanced=true&tls=true&retryWrites=false&authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:gcp,TOKEN_RESOURCE:FIRESTORE";
  ctx.connections.set(db.name, {
    offer: {
      family: "database",
      engine: db.engine,
      parts: {
        url: plain(
          expr(
            `"mongodb://\${${database}.uid}.\${var.region}.firestore.goog:443/\${${database}.name}${query}"`,
          ),
        ),
        host: plain(expr(host)),
        port: plain("443"),
        name: plain(expr(`${database}.name`)),
      },
    },
    access: [
      {
        type: "google_project_iam_member",
        target: { project: expr("var.project_id") },
        role: "roles/datastore.user",
        label: `${id}_user`,
        condition: {
          title: `only ${db.name}`,
          expression: expr(`"resource.name == '\${${database}.id}'"`),
        },
      },
    ],
  });
  ctx.m.output(`${id}_database`, expr(`${database}.name`), `Firestore database of ${db.name}`);
}

function renderDatabase(ctx: GcpContext, db: Database): void {
  if (db.engine === "mongodb") {
    renderFirestore(ctx, db);
    return;
  }
  const id = ident(db.name);
  ctx.apis.add("sqladmin.googleapis.com");
  ctx.privateServices = true;
  ctx.m.add("databases", ...sqlInstance(ctx, db));
  const hostRef = `google_sql_database_instance.${id}.private_ip_address`;
  const password = `random_password.${id}.result`;
  const name = databaseName(ctx.spec);
  const postgres = db.engine === "postgres";
  const port = postgres ? 5432 : 3306;
  // Cloud SQL accepts encrypted connections only (ssl_mode ENCRYPTED_ONLY).
  const url = `"${postgres ? "postgres" : "mysql"}://app:\${${password}}@\${${hostRef}}:${port}/${name}${postgres ? "?sslmode=require" : ""}"`;
  ctx.connections.set(
    db.name,
    passwordDatabase(db.name, db.engine, {
      url: expr(url),
      host: expr(hostRef),
      port: String(port),
      user: "app",
      password: expr(password),
      name: name,
    }),
  );
  ctx.m.output(`${id}_private_ip`, expr(hostRef), `Private IP of Cloud SQL instance ${db.name}`);
  ctx.m.output(
    `${id}_connection_name`,
    expr(`google_sql_database_instance.${id}.connection_name`),
    `Connection name of ${db.name}`,
  );
}

/** Memorystore names: REDIS_7_2, REDIS_7_0, REDIS_6_X. */
export function memorystoreVersion(cache: Cache): string {
  if (cache.engine === "valkey") return "REDIS_7_2";
  const version = versionOf(cache);
  const major = majorOf(version);
  if (major >= 7) return version.startsWith("7.0") ? "REDIS_7_0" : "REDIS_7_2";
  if (major === 6) return "REDIS_6_X";
  return `REDIS_${major}_0`;
}

function memcache(ctx: GcpContext, cache: Cache): void {
  const id = ident(cache.name);
  ctx.apis.add("memcache.googleapis.com");
  ctx.m.add(
    "caches",
    resource("google_memcache_instance", id, {
      name: shortName(cache.name, 40),
      region: expr("var.region"),
      authorized_network: NETWORK,
      node_count: ctx.production ? 2 : 1,
      node_config: block({ cpu_count: 1, memory_size_mb: 1024 }),
      memcache_version: "MEMCACHE_1_6_15",
      depends_on: PRIVATE_SERVICES,
    }),
  );
  // The discovery endpoint reads "ip:port".
  const endpoint = `google_memcache_instance.${id}.discovery_endpoint`;
  ctx.connections.set(cache.name, {
    offer: {
      family: "memcached",
      parts: {
        url: plain(expr(`"memcached://\${${endpoint}}"`)),
        host: plain(expr(`split(":", ${endpoint})[0]`)),
        port: plain(expr(`split(":", ${endpoint})[1]`)),
      },
    },
    access: [],
  });
  ctx.m.output(`${id}_discovery_endpoint`, expr(endpoint), `Discovery endpoint of Memcached ${cache.name}`);
}

function redis(ctx: GcpContext, cache: Cache): void {
  const id = ident(cache.name);
  ctx.apis.add("redis.googleapis.com");
  const valkey =
    cache.engine === "valkey"
      ? ["valkey runs as Memorystore for Redis 7.2 (protocol compatible)."]
      : undefined;
  ctx.m.add(
    "caches",
    resource(
      "google_redis_instance",
      id,
      {
        name: shortName(cache.name, 40),
        // A standby replica with automatic failover in production.
        tier: ctx.production ? "STANDARD_HA" : "BASIC",
        memory_size_gb: expr("var.cache_memory_gb"),
        region: expr("var.region"),
        redis_version: memorystoreVersion(cache),
        authorized_network: NETWORK,
        connect_mode: "PRIVATE_SERVICE_ACCESS",
        transit_encryption_mode: "SERVER_AUTHENTICATION",
        auth_enabled: true,
        depends_on: PRIVATE_SERVICES,
      },
      valkey,
    ),
  );
  const instance = `google_redis_instance.${id}`;
  // AUTH and TLS are on: the URL is rediss:// with the AUTH string (clients trust the instance's server_ca_certs).
  ctx.connections.set(cache.name, {
    offer: {
      family: "redis",
      parts: {
        url: secret(
          cache.name,
          "url",
          expr(`"rediss://:\${${instance}.auth_string}@\${${instance}.host}:\${${instance}.port}"`),
        ),
        host: plain(expr(`${instance}.host`)),
        port: plain(call("tostring", expr(`${instance}.port`))),
        password: secret(cache.name, "password", expr(`${instance}.auth_string`)),
      },
    },
    access: [],
  });
  ctx.m.output(`${id}_host`, expr(`${instance}.host`), `Host of Memorystore instance ${cache.name}`);
}

function renderCache(ctx: GcpContext, cache: Cache): void {
  ctx.privateServices = true;
  if (cache.engine === "memcached") memcache(ctx, cache);
  else redis(ctx, cache);
}

export function renderGcpData(ctx: GcpContext): void {
  const { spec, m } = ctx;
  if (spec.databases.some((d) => d.engine !== "mongodb")) {
    const tier = ctx.production ? "db-custom-2-7680" : "db-custom-1-3840";
    m.variable(
      variableBlock("db_tier", { type: "string", description: "Cloud SQL machine tier", default: tier }),
    );
  }
  if (spec.caches.some((c) => c.engine !== "memcached")) {
    m.variable(
      variableBlock("cache_memory_gb", { type: "number", description: "Memorystore size in GB", default: 1 }),
    );
  }
  for (const db of spec.databases) renderDatabase(ctx, db);
  for (const cache of spec.caches) renderCache(ctx, cache);
  for (const queue of spec.queues) renderGcpQueue(ctx, queue);
  if (spec.buckets.length > 0) {
    // Bucket names are global: a random suffix keeps them unique.
    m.add("buckets", resource("random_id", "bucket_suffix", { byte_length: 4 }));
  }
  for (const bucket of spec.buckets) renderGcpBucket(ctx, bucket);
}
