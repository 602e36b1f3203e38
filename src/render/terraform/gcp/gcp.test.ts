import { describe, expect, it } from "vitest";
import type { Database, Service } from "../../../spec/schema.js";
import { validateSpec } from "../../../spec/validate.js";
import { renderTerraform } from "../index.js";
import { FRANKFURT, fileText, findBlock, fixtureSpec, nested, resourceTypes } from "../test-io.js";
import { cloudSqlVersion, memorystoreVersion } from "./data.js";
import { cloudRunLimits } from "./services.js";

const richProd = (target?: string) =>
  renderTerraform(
    fixtureSpec("rich-prod", { cloud: "gcp", region: FRANKFURT.gcp, ...(target ? { target } : {}) }),
  );

describe("gcp: rich-prod", () => {
  const result = richProd("terraform");

  it("makes the HA postgres a regional Cloud SQL instance with backups, private IP only, at 50 GB", () => {
    const sql = findBlock(result, "google_sql_database_instance", "postgres").body;
    expect(sql.database_version).toBe("POSTGRES_16");
    expect(sql.deletion_protection).toBe(true);
    const settings = nested(sql, "settings");
    expect(settings).toMatchObject({ availability_type: "REGIONAL", disk_size: 50 });
    expect(nested(settings, "backup_configuration")).toMatchObject({
      enabled: true,
      point_in_time_recovery_enabled: true,
    });
    expect(nested(settings, "ip_configuration")).toMatchObject({
      ipv4_enabled: false,
      ssl_mode: "ENCRYPTED_ONLY",
    });
    expect(findBlock(result, "google_sql_user", "postgres").body.password).toEqual({
      $hcl: "expr",
      code: "random_password.postgres.result",
    });
  });

  it("uses a STANDARD_HA Memorystore in production and Pub/Sub for rabbitmq, saying so", () => {
    expect(findBlock(result, "google_redis_instance", "redis").body).toMatchObject({
      tier: "STANDARD_HA",
      redis_version: "REDIS_7_2",
    });
    expect(findBlock(result, "google_pubsub_subscription", "rabbitmq").body.topic).toEqual({
      $hcl: "expr",
      code: "google_pubsub_topic.rabbitmq.id",
    });
    expect(fileText(result, "queues.tf")).toContain(
      "# Queue rabbitmq (rabbitmq): GCP's managed messaging is Pub/Sub",
    );
  });

  it("keeps the private bucket closed: uniform access, public access prevented, no allUsers grant", () => {
    expect(findBlock(result, "google_storage_bucket", "uploads").body).toMatchObject({
      uniform_bucket_level_access: true,
      public_access_prevention: "enforced",
    });
    expect(resourceTypes(result)).not.toContain("google_storage_bucket_iam_member");
  });

  it("runs web on Cloud Run scaled by the spec, open to all, with its domain; the worker stays internal", () => {
    const web = findBlock(result, "google_cloud_run_v2_service", "web").body;
    expect(web.ingress).toBe("INGRESS_TRAFFIC_ALL");
    expect(nested(nested(web, "template"), "scaling")).toEqual({
      min_instance_count: 3,
      max_instance_count: 12,
    });
    expect(findBlock(result, "google_cloud_run_v2_service_iam_member", "web_public").body.member).toBe(
      "allUsers",
    );
    expect(findBlock(result, "google_cloud_run_domain_mapping", "web").body.name).toBe("shop.example.com");
    expect(findBlock(result, "google_cloud_run_v2_service", "worker").body.ingress).toBe(
      "INGRESS_TRAFFIC_INTERNAL_ONLY",
    );
    expect(findBlock(result, "google_cloud_scheduler_job", "report").body.schedule).toBe("0 2 * * *");
  });

  it("asks for the project and enables the APIs it uses", () => {
    expect(fileText(result, "variables.tf")).toMatch(
      /variable "project_id" \{\n {2}description = "[^"]+"\n {2}type {8}= string\n\}/,
    );
    const apis = fileText(result, "network.tf");
    for (const api of ["sqladmin", "redis", "pubsub", "run", "cloudscheduler", "servicenetworking"]) {
      expect(apis).toContain(`"${api}.googleapis.com"`);
    }
  });

  it("creates GKE and a node pool for target kubernetes, without Cloud Run", () => {
    const k8s = richProd();
    const types = resourceTypes(k8s);
    expect(types).toContain("google_container_cluster");
    expect(types).toContain("google_container_node_pool");
    expect(types).not.toContain("google_cloud_run_v2_service");
    expect(
      nested(findBlock(k8s, "google_compute_subnetwork", "main").body, "secondary_ip_range").range_name,
    ).toBe("pods");
  });
});

describe("gcp: a small dev spec", () => {
  it("keeps a dev database zonal without backups and a dev cache BASIC", () => {
    const result = renderTerraform(
      validateSpec({
        cloud: "gcp",
        databases: [{ name: "db", engine: "mysql" }],
        caches: [{ name: "c", engine: "redis", version: "6" }],
      }),
    );
    const settings = nested(findBlock(result, "google_sql_database_instance", "db").body, "settings");
    expect(settings.availability_type).toBe("ZONAL");
    expect(nested(settings, "backup_configuration")).toMatchObject({
      enabled: false,
      binary_log_enabled: false,
    });
    expect(findBlock(result, "google_redis_instance", "c").body).toMatchObject({
      tier: "BASIC",
      redis_version: "REDIS_6_X",
    });
    expect(fileText(result, "variables.tf")).toContain('default     = "us-central1"');
  });
});

describe("gcp version and size mapping", () => {
  const db = (engine: Database["engine"], version?: string) =>
    ({
      name: "d",
      engine,
      version,
      storageGb: 10,
      highAvailability: false,
      backups: false,
    }) satisfies Database;

  it.each([
    [db("postgres", "16"), "POSTGRES_16"],
    [db("postgres", "15.4"), "POSTGRES_15"],
    [db("mysql", "8.0"), "MYSQL_8_0"],
    [db("mysql", "8"), "MYSQL_8_0"],
    [db("mysql", "5.7"), "MYSQL_5_7"],
    [db("mariadb", "10.11"), "MYSQL_8_0"],
  ])("Cloud SQL %#: %s", (input, expected) => {
    expect(cloudSqlVersion(input)).toBe(expected);
  });

  it("names Memorystore versions", () => {
    expect(memorystoreVersion({ name: "c", engine: "redis", version: "7" })).toBe("REDIS_7_2");
    expect(memorystoreVersion({ name: "c", engine: "redis", version: "7.0" })).toBe("REDIS_7_0");
    expect(memorystoreVersion({ name: "c", engine: "valkey", version: "8" })).toBe("REDIS_7_2");
  });

  it("rounds Cloud Run CPU to 1, 2, 4 or 8 with the memory floor of that size", () => {
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
    expect(cloudRunLimits(service("500m", "256Mi"))).toEqual({ cpu: "1", memory: "512Mi" });
    expect(cloudRunLimits(service("3", "1Gi"))).toEqual({ cpu: "4", memory: "2Gi" });
    expect(cloudRunLimits(service(undefined, "3000Mi"))).toEqual({ cpu: "1", memory: "3000Mi" });
  });
});
