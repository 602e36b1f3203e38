/**
 * Azure data tier: PostgreSQL and MySQL flexible servers inside delegated
 * subnets, Cosmos DB (MongoDB API), Azure Cache for Redis, Service Bus
 * queues, and one storage account with a container per bucket.
 */
import type { Cache, Database, Queue } from "../../../spec/schema.js";
import {
  databaseName,
  ident,
  majorOf,
  randomPassword,
  resource,
  variableBlock,
  versionOf,
} from "../common.js";
import { passwordDatabase, plain, secret } from "../connections.js";
import { block, expr, type TopBlock } from "../hcl.js";
import { type AzureContext, PLACE, uniqueName } from "./context.js";

/** PostgreSQL flexible server takes these storage sizes only (MiB). */
const PG_STORAGE_MB = [
  32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608, 16777216, 33553408,
];

export function postgresStorageMb(storageGb: number): number {
  const wanted = storageGb * 1024;
  return PG_STORAGE_MB.find((mb) => mb >= wanted) ?? 33553408;
}

function serverType(db: Database): string {
  return db.engine === "postgres" ? "azurerm_postgresql_flexible_server" : "azurerm_mysql_flexible_server";
}

function serverComment(db: Database): string[] | undefined {
  const postgres = db.engine === "postgres";
  const storage = postgresStorageMb(db.storageGb);
  const comment = [
    ...(db.engine === "mariadb"
      ? ["Azure Database for MariaDB is retired: mariadb runs on MySQL flexible server 8.0."]
      : []),
    ...(postgres && storage !== db.storageGb * 1024
      ? [`${db.storageGb} GB rounds up to ${storage / 1024} GB, the next size Azure offers.`]
      : []),
    ...(!db.backups ? ["Azure always keeps some backups (7 days for PostgreSQL, 1 day for MySQL)."] : []),
  ];
  return comment.length > 0 ? comment : undefined;
}

/** The database inside the server, named after the app. */
function logicalDatabase(ctx: AzureContext, db: Database): TopBlock {
  const id = ident(db.name);
  const server = `${serverType(db)}.${id}`;
  return db.engine === "postgres"
    ? resource("azurerm_postgresql_flexible_server_database", id, {
        name: databaseName(ctx.spec),
        server_id: expr(`${server}.id`),
        charset: "UTF8",
        collation: "en_US.utf8",
      })
    : resource("azurerm_mysql_flexible_database", id, {
        name: databaseName(ctx.spec),
        resource_group_name: PLACE.resource_group_name,
        server_name: expr(`${server}.name`),
        charset: "utf8mb4",
        collation: "utf8mb4_unicode_ci",
      });
}

function flexibleServer(ctx: AzureContext, db: Database): TopBlock[] {
  const id = ident(db.name);
  const postgres = db.engine === "postgres";
  const kind = postgres ? "postgres" : "mysql";
  ctx.delegations.add(kind);
  const version = versionOf(db);
  const body = {
    name: uniqueName(db.name, 63),
    ...PLACE,
    version: postgres ? String(majorOf(version)) : majorOf(version) === 5 ? "5.7" : "8.0.21",
    sku_name: expr(`var.${kind}_sku`),
    storage_mb: postgres ? postgresStorageMb(db.storageGb) : undefined,
    storage: postgres ? undefined : block({ size_gb: Math.max(20, db.storageGb), auto_grow_enabled: true }),
    backup_retention_days: db.backups ? 7 : postgres ? 7 : 1,
    geo_redundant_backup_enabled: ctx.production && db.backups,
    delegated_subnet_id: expr(`azurerm_subnet.${kind}.id`),
    private_dns_zone_id: expr(`azurerm_private_dns_zone.${kind}.id`),
    public_network_access_enabled: postgres ? false : undefined,
    administrator_login: "dbadmin",
    administrator_password: expr(`random_password.${id}.result`),
    zone: "1",
    high_availability: db.highAvailability ? block({ mode: "ZoneRedundant" }) : undefined,
    // Azure may move the primary or the standby between zones after a failover.
    lifecycle: db.highAvailability
      ? block({ ignore_changes: [expr("zone"), expr("high_availability[0].standby_availability_zone")] })
      : undefined,
    depends_on: [expr(`azurerm_private_dns_zone_virtual_network_link.${kind}`)],
  };
  return [
    randomPassword(id),
    resource(serverType(db), id, body, serverComment(db)),
    logicalDatabase(ctx, db),
  ];
}

function cosmos(ctx: AzureContext, db: Database): TopBlock[] {
  const id = ident(db.name);
  const backup = db.backups
    ? block({ type: "Continuous", tier: "Continuous7Days" })
    : block({ type: "Periodic", interval_in_minutes: 1440, retention_in_hours: 48 });
  return [
    resource(
      "azurerm_cosmosdb_account",
      id,
      {
        name: uniqueName(db.name, 44),
        ...PLACE,
        offer_type: "Standard",
        kind: "MongoDB",
        mongo_server_version: versionOf(db).includes(".") ? versionOf(db) : `${versionOf(db)}.0`,
        automatic_failover_enabled: db.highAvailability,
        capabilities: block({ name: "EnableMongo" }),
        consistency_policy: block({ consistency_level: "Session" }),
        geo_location: block({
          location: PLACE.location,
          failover_priority: 0,
          zone_redundant: db.highAvailability,
        }),
        backup,
        is_virtual_network_filter_enabled: true,
        virtual_network_rule: block({ id: expr("azurerm_subnet.apps.id") }),
      },
      ["mongodb runs on Cosmos DB for MongoDB; only the apps subnet may reach it."],
    ),
    resource("azurerm_cosmosdb_mongo_database", id, {
      name: databaseName(ctx.spec),
      resource_group_name: PLACE.resource_group_name,
      account_name: expr(`azurerm_cosmosdb_account.${id}.name`),
    }),
  ];
}

function renderCosmos(ctx: AzureContext, db: Database): void {
  const id = ident(db.name);
  const account = `azurerm_cosmosdb_account.${id}`;
  ctx.m.add("databases", ...cosmos(ctx, db));
  ctx.connections.set(
    db.name,
    passwordDatabase(db.name, db.engine, {
      url: expr(`${account}.primary_mongodb_connection_string`),
      host: expr(`"\${${account}.name}.mongo.cosmos.azure.com"`),
      port: "10255",
      user: expr(`${account}.name`),
      password: expr(`${account}.primary_key`),
      name: databaseName(ctx.spec),
    }),
  );
  ctx.m.output(`${id}_host`, expr(`"\${${account}.name}.mongo.cosmos.azure.com"`), `Host of ${db.name}`);
}

function renderDatabase(ctx: AzureContext, db: Database): void {
  if (db.engine === "mongodb") {
    renderCosmos(ctx, db);
    return;
  }
  const id = ident(db.name);
  ctx.m.add("databases", ...flexibleServer(ctx, db));
  const host = `${serverType(db)}.${id}.fqdn`;
  const password = `random_password.${id}.result`;
  const postgres = db.engine === "postgres";
  const port = postgres ? 5432 : 3306;
  const name = databaseName(ctx.spec);
  // Flexible servers require TLS.
  const url = `"${postgres ? "postgres" : "mysql"}://dbadmin:\${${password}}@\${${host}}:${port}/${name}${postgres ? "?sslmode=require" : ""}"`;
  ctx.connections.set(
    db.name,
    passwordDatabase(db.name, db.engine, {
      url: expr(url),
      host: expr(host),
      port: String(port),
      user: "dbadmin",
      password: expr(password),
      name: name,
    }),
  );
  ctx.m.output(`${id}_host`, expr(host), `Host name of database ${db.name}`);
}

function renderCache(ctx: AzureContext, cache: Cache): void {
  const id = ident(cache.name);
  const version = versionOf(cache);
  const comment: string[] = [];
  if (cache.engine !== "redis")
    comment.push(`Azure has no managed ${cache.engine}: Azure Cache for Redis serves ${cache.name}.`);
  if (cache.engine === "redis" && majorOf(version) > 6)
    comment.push(`Azure Cache for Redis offers Redis 6 at most (the spec asks for ${version}).`);
  ctx.m.add(
    "caches",
    resource(
      "azurerm_redis_cache",
      id,
      {
        name: uniqueName(cache.name, 63),
        ...PLACE,
        // Standard adds a replica with failover; production gets it.
        sku_name: ctx.production ? "Standard" : "Basic",
        family: "C",
        capacity: ctx.production ? 1 : 0,
        redis_version: "6",
        non_ssl_port_enabled: false,
        minimum_tls_version: "1.2",
      },
      comment.length > 0 ? comment : undefined,
    ),
  );
  const cacheRef = `azurerm_redis_cache.${id}`;
  // TLS only (port 6380) with the access key as the AUTH password.
  ctx.connections.set(cache.name, {
    offer: {
      family: "redis",
      parts: {
        url: secret(
          cache.name,
          "url",
          expr(`"rediss://:\${${cacheRef}.primary_access_key}@\${${cacheRef}.hostname}:6380"`),
        ),
        host: plain(expr(`${cacheRef}.hostname`)),
        port: plain("6380"),
        password: secret(cache.name, "password", expr(`${cacheRef}.primary_access_key`)),
      },
    },
    access: [],
  });
  ctx.m.output(`${id}_host`, expr(`${cacheRef}.hostname`), `Host of cache ${cache.name} (TLS port 6380)`);
}

function renderQueues(ctx: AzureContext, queues: readonly Queue[]): void {
  if (queues.length === 0) return;
  ctx.m.add(
    "queues",
    resource("azurerm_servicebus_namespace", "main", {
      name: uniqueName("bus", 50),
      ...PLACE,
      sku: "Standard",
      minimum_tls_version: "1.2",
    }),
  );
  for (const queue of queues) {
    const id = ident(queue.name);
    const comment =
      queue.engine === "sqs"
        ? undefined
        : [
            `Queue ${queue.name} (${queue.engine}): Azure's managed broker is Service Bus, so it becomes a Service Bus queue.`,
          ];
    ctx.m.add(
      "queues",
      resource(
        "azurerm_servicebus_queue",
        id,
        {
          name: queue.name,
          namespace_id: expr("azurerm_servicebus_namespace.main.id"),
          max_delivery_count: 10,
          lock_duration: "PT1M",
          dead_lettering_on_message_expiration: true,
        },
        comment,
      ),
    );
    // A key for this queue only (send and receive), not the namespace's root key.
    ctx.m.add(
      "queues",
      resource("azurerm_servicebus_queue_authorization_rule", `${id}_app`, {
        name: "app",
        queue_id: expr(`azurerm_servicebus_queue.${id}.id`),
        listen: true,
        send: true,
        manage: false,
      }),
    );
    ctx.connections.set(queue.name, {
      offer: {
        family: "servicebus",
        parts: {
          connectionString: secret(
            queue.name,
            "connectionString",
            expr(`azurerm_servicebus_queue_authorization_rule.${id}_app.primary_connection_string`),
          ),
          queue: plain(queue.name),
        },
      },
      access: [],
    });
  }
  ctx.m.output(
    "servicebus_namespace",
    expr(`"\${azurerm_servicebus_namespace.main.name}.servicebus.windows.net"`),
    "Service Bus namespace of the queues",
  );
}

export function renderAzureData(ctx: AzureContext): void {
  const { spec, m } = ctx;
  const ha = spec.databases.some((d) => d.highAvailability);
  // High availability needs General Purpose servers; Burstable is enough elsewhere.
  const big = ctx.production || ha;
  if (spec.databases.some((d) => d.engine === "postgres")) {
    m.variable(
      variableBlock("postgres_sku", {
        type: "string",
        description: "PostgreSQL flexible server SKU",
        default: big ? "GP_Standard_D2ds_v5" : "B_Standard_B1ms",
      }),
    );
  }
  if (spec.databases.some((d) => d.engine === "mysql" || d.engine === "mariadb")) {
    m.variable(
      variableBlock("mysql_sku", {
        type: "string",
        description: "MySQL flexible server SKU",
        default: big ? "GP_Standard_D2ds_v4" : "B_Standard_B1ms",
      }),
    );
  }
  for (const db of spec.databases) renderDatabase(ctx, db);
  for (const cache of spec.caches) renderCache(ctx, cache);
  renderQueues(ctx, spec.queues);
}
