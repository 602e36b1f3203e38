import { describe, expect, it } from "vitest";
import type { Service } from "../../../spec/schema.js";
import { renderTerraform } from "../index.js";
import { FRANKFURT, fileText, findBlock, fixtureSpec, nested, resourceTypes } from "../test-io.js";
import { postgresStorageMb } from "./data.js";
import { containerAppSize } from "./services.js";

const richProd = (target?: string) =>
  renderTerraform(
    fixtureSpec("rich-prod", { cloud: "azure", region: FRANKFURT.azure, ...(target ? { target } : {}) }),
  );

describe("azure: rich-prod", () => {
  const result = richProd("terraform");

  it("makes the HA postgres a zone-redundant flexible server in its delegated subnet, storage rounded up", () => {
    const pg = findBlock(result, "azurerm_postgresql_flexible_server", "postgres").body;
    expect(pg).toMatchObject({
      version: "16",
      storage_mb: 65536,
      backup_retention_days: 7,
      geo_redundant_backup_enabled: true,
      public_network_access_enabled: false,
      administrator_password: { $hcl: "expr", code: "random_password.postgres.result" },
    });
    expect(nested(pg, "high_availability").mode).toBe("ZoneRedundant");
    expect(fileText(result, "databases.tf")).toContain(
      "# 50 GB rounds up to 64 GB, the next size Azure offers.",
    );
    expect(nested(findBlock(result, "azurerm_subnet", "postgres").body, "delegation").name).toBe("postgres");
  });

  it("uses a Standard Redis cache with TLS only, and a Service Bus queue for rabbitmq", () => {
    expect(findBlock(result, "azurerm_redis_cache", "redis").body).toMatchObject({
      sku_name: "Standard",
      non_ssl_port_enabled: false,
      minimum_tls_version: "1.2",
    });
    expect(findBlock(result, "azurerm_servicebus_queue", "rabbitmq").body.namespace_id).toEqual({
      $hcl: "expr",
      code: "azurerm_servicebus_namespace.main.id",
    });
    expect(fileText(result, "caches.tf")).toContain("offers Redis 6 at most (the spec asks for 7)");
  });

  it("keeps the bucket's container private and the account closed to public blobs", () => {
    expect(findBlock(result, "azurerm_storage_container", "uploads").body.container_access_type).toBe(
      "private",
    );
    expect(findBlock(result, "azurerm_storage_account", "main").body).toMatchObject({
      allow_nested_items_to_be_public: false,
      https_traffic_only_enabled: true,
      account_replication_type: "ZRS",
    });
  });

  it("runs web and worker as container apps and the cron service as a scheduled job", () => {
    const web = findBlock(result, "azurerm_container_app", "web").body;
    expect(nested(web, "template")).toMatchObject({ min_replicas: 3, max_replicas: 12 });
    expect(nested(nested(web, "template"), "container")).toMatchObject({ cpu: 0.5, memory: "1Gi" });
    expect(nested(web, "ingress")).toMatchObject({ external_enabled: true, target_port: 8080 });
    expect(findBlock(result, "azurerm_container_app", "worker").body.ingress).toBeUndefined();
    const job = findBlock(result, "azurerm_container_app_job", "report").body;
    expect(nested(job, "schedule_trigger_config").cron_expression).toBe("0 2 * * *");
  });

  it("creates AKS for target kubernetes, with zones in production", () => {
    const k8s = richProd();
    expect(resourceTypes(k8s)).not.toContain("azurerm_container_app");
    const aks = findBlock(k8s, "azurerm_kubernetes_cluster", "main").body;
    expect(nested(aks, "default_node_pool").zones).toEqual(["1", "2", "3"]);
    expect(aks.sku_tier).toBe("Standard");
  });
});

describe("azure: every engine", () => {
  const result = renderTerraform(fixtureSpec("everything", { cloud: "azure" }));

  it("maps mongodb to Cosmos DB, mariadb to MySQL, memcached to Redis, and opens only the public container", () => {
    expect(findBlock(result, "azurerm_cosmosdb_account", "docs").body).toMatchObject({
      kind: "MongoDB",
      mongo_server_version: "6.0",
    });
    expect(findBlock(result, "azurerm_mysql_flexible_server", "maria").body.version).toBe("8.0.21");
    expect(nested(findBlock(result, "azurerm_mysql_flexible_server", "my").body, "storage").size_gb).toBe(20);
    expect(fileText(result, "caches.tf")).toContain("# Azure has no managed memcached");
    expect(findBlock(result, "azurerm_storage_container", "site").body.container_access_type).toBe("blob");
    expect(findBlock(result, "azurerm_storage_account", "main").body.allow_nested_items_to_be_public).toBe(
      true,
    );
  });
});

describe("azure sizes", () => {
  it("rounds storage up to a size PostgreSQL flexible server offers", () => {
    expect(postgresStorageMb(10)).toBe(32768);
    expect(postgresStorageMb(32)).toBe(32768);
    expect(postgresStorageMb(33)).toBe(65536);
    expect(postgresStorageMb(1000)).toBe(1048576);
  });

  it("sizes container apps in quarter cores with twice the memory", () => {
    const service = (cpu?: string, memory?: string) =>
      ({
        name: "s",
        kind: "web",
        replicas: 1,
        public: true,
        tls: false,
        env: {},
        dependsOn: [],
        resources: { cpu, memory },
      }) satisfies Service;
    expect(containerAppSize(service())).toEqual({ cpu: 0.5, memory: "1Gi" });
    expect(containerAppSize(service("100m"))).toEqual({ cpu: 0.25, memory: "0.5Gi" });
    expect(containerAppSize(service("1", "4Gi"))).toEqual({ cpu: 2, memory: "4Gi" });
    expect(containerAppSize(service("16"))).toEqual({ cpu: 4, memory: "8Gi" });
  });
});
