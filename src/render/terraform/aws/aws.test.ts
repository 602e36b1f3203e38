import { describe, expect, it } from "vitest";
import { validateSpec } from "../../../spec/validate.js";
import { renderTerraform } from "../index.js";
import { fileText, findBlock, fixtureSpec, nested, resourceTypes } from "../test-io.js";
import { awsCron, fargateSize } from "./ecs.js";

describe("aws: rich-prod as written (target kubernetes)", () => {
  const result = renderTerraform(fixtureSpec("rich-prod"));

  it("makes the HA postgres of the spec an encrypted, private, Multi-AZ RDS instance with backups", () => {
    const db = findBlock(result, "aws_db_instance", "postgres").body;
    expect(db).toMatchObject({
      engine: "postgres",
      engine_version: "16",
      allocated_storage: 50,
      multi_az: true,
      backup_retention_period: 7,
      storage_encrypted: true,
      publicly_accessible: false,
      manage_master_user_password: true,
      deletion_protection: true,
      skip_final_snapshot: false,
      db_name: "shop",
    });
  });

  it("blocks every kind of public access on the private bucket and encrypts and versions it", () => {
    expect(findBlock(result, "aws_s3_bucket_public_access_block", "uploads").body).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const sse = nested(
      nested(findBlock(result, "aws_s3_bucket_server_side_encryption_configuration", "uploads").body, "rule"),
      "apply_server_side_encryption_by_default",
    );
    expect(sse.sse_algorithm).toBe("AES256");
    expect(
      nested(findBlock(result, "aws_s3_bucket_versioning", "uploads").body, "versioning_configuration")
        .status,
    ).toBe("Enabled");
    expect(resourceTypes(result)).not.toContain("aws_s3_bucket_policy");
  });

  it("gives production redis a replica with automatic failover and rabbitmq a multi-AZ broker", () => {
    expect(findBlock(result, "aws_elasticache_replication_group", "redis").body).toMatchObject({
      engine: "redis",
      engine_version: "7.1",
      num_cache_clusters: 2,
      automatic_failover_enabled: true,
      at_rest_encryption_enabled: true,
      transit_encryption_enabled: true,
    });
    expect(findBlock(result, "aws_mq_broker", "rabbitmq").body).toMatchObject({
      engine_type: "RabbitMQ",
      deployment_mode: "CLUSTER_MULTI_AZ",
      publicly_accessible: false,
    });
  });

  it("creates EKS with a node group instead of ECS, and says the workloads come from the kubernetes target", () => {
    const types = resourceTypes(result);
    expect(types).toContain("aws_eks_cluster");
    expect(types).toContain("aws_eks_node_group");
    expect(types.some((t) => t.startsWith("aws_ecs_"))).toBe(false);
    expect(fileText(result, "cluster.tf")).toContain(
      "# (web, worker, report) come from the kubernetes target's manifests.",
    );
  });

  it("lays out two public and two private subnets over two zones, with NAT for the nodes", () => {
    expect(findBlock(result, "aws_subnet", "public").body.count).toBe(2);
    expect(findBlock(result, "aws_subnet", "private").body.count).toBe(2);
    expect(resourceTypes(result)).toContain("aws_nat_gateway");
    expect(fileText(result, "variables.tf")).toContain('default     = "eu-central-1"');
  });
});

describe("aws: rich-prod on ECS Fargate (target terraform)", () => {
  const result = renderTerraform(fixtureSpec("rich-prod", { target: "terraform" }));

  it("runs each web and worker service with desired_count = replicas, sized from its resources", () => {
    expect(findBlock(result, "aws_ecs_service", "web").body.desired_count).toBe(3);
    expect(findBlock(result, "aws_ecs_service", "worker").body.desired_count).toBe(2);
    expect(findBlock(result, "aws_ecs_task_definition", "web").body).toMatchObject({
      cpu: "512",
      memory: "1024",
    });
    expect(() => findBlock(result, "aws_ecs_service", "report")).toThrow();
  });

  it("puts the public web service behind the ALB with HTTPS on an ACM certificate for its domain", () => {
    expect(findBlock(result, "aws_acm_certificate", "web").body.domain_name).toBe("shop.example.com");
    expect(findBlock(result, "aws_lb_listener", "https").body.ssl_policy).toMatch(/^ELBSecurityPolicy-TLS13/);
    expect(nested(findBlock(result, "aws_lb_listener", "http").body, "default_action").type).toBe("redirect");
    expect(nested(findBlock(result, "aws_lb_target_group", "web").body, "health_check").path).toBe(
      "/healthz",
    );
  });

  it("autoscales web between the spec's bounds on its CPU target and schedules the cron task", () => {
    expect(findBlock(result, "aws_appautoscaling_target", "web").body).toMatchObject({
      min_capacity: 3,
      max_capacity: 12,
    });
    const policy = nested(
      findBlock(result, "aws_appautoscaling_policy", "web").body,
      "target_tracking_scaling_policy_configuration",
    );
    expect(policy.target_value).toBe(70);
    expect(findBlock(result, "aws_cloudwatch_event_rule", "report").body.schedule_expression).toBe(
      "cron(0 2 * * ? *)",
    );
  });

  it("hands services their dependencies' endpoints, never a password", () => {
    const services = fileText(result, "services.tf");
    expect(services).toContain("value = aws_db_instance.postgres.address");
    expect(services).toContain("value = aws_elasticache_replication_group.redis.primary_endpoint_address");
    expect(services).not.toMatch(/random_password/);
  });
});

describe("aws: a small dev spec", () => {
  const spec = validateSpec({
    name: "tiny",
    cloud: "aws",
    target: "terraform",
    databases: [{ name: "db", engine: "mysql", version: "8.0" }],
    buckets: [{ name: "files", public: true }],
    queues: [{ name: "bus", engine: "nats" }],
  });
  const result = renderTerraform(spec);

  it("keeps a dev database single-zone, without backups, easy to destroy", () => {
    expect(findBlock(result, "aws_db_instance", "db").body).toMatchObject({
      engine: "mysql",
      engine_version: "8.0",
      allocated_storage: 10,
      multi_az: false,
      backup_retention_period: 0,
      deletion_protection: false,
      skip_final_snapshot: true,
    });
  });

  it("opens a public bucket through a read-only policy while ACLs stay blocked", () => {
    expect(findBlock(result, "aws_s3_bucket_public_access_block", "files").body).toMatchObject({
      block_public_acls: true,
      block_public_policy: false,
      restrict_public_buckets: false,
    });
    expect(fileText(result, "buckets.tf")).toContain('Action    = "s3:GetObject"');
  });

  it("runs NATS as an internal ECS service and says why", () => {
    expect(fileText(result, "services.tf")).toContain("# Queue bus: AWS has no managed NATS");
    expect(findBlock(result, "aws_ecs_service", "bus").body.load_balancer).toBeUndefined();
    expect(fileText(result, "variables.tf")).toContain('default     = "nats:2.10"');
  });
});

describe("fargateSize", () => {
  it.each([
    [undefined, undefined, 256, 512],
    ["500m", "512Mi", 512, 1024],
    ["250m", "1.5Gi", 256, 2048],
    ["2", "6Gi", 2048, 6144],
    ["1", "16Gi", 2048, 16384],
    ["100", undefined, 16384, 32768],
  ])("cpu %s memory %s -> %d units, %d MiB", (cpu, memory, units, mib) => {
    expect(fargateSize(cpu, memory)).toEqual({ cpu: units, memory: mib });
  });
});

describe("awsCron", () => {
  it.each([
    ["0 2 * * *", "cron(0 2 * * ? *)"],
    ["30 1 * * 1-5", "cron(30 1 ? * 2-6 *)"],
    ["0 0 * * 0,6", "cron(0 0 ? * 1,7 *)"],
    ["15 3 1 * *", "cron(15 3 1 * ? *)"],
    ["*/10 * * * MON", "cron(*/10 * ? * MON *)"],
  ])("%s -> %s", (input, expected) => {
    expect(awsCron(input)).toBe(expected);
  });
});
