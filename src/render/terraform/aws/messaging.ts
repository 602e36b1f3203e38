/**
 * AWS queues and buckets: SQS (with a dead-letter queue), Amazon MQ for
 * RabbitMQ, MSK for Kafka, and S3 buckets with public access blocked,
 * versioning and server-side encryption. NATS has no managed offer on AWS:
 * services.ts runs it as an ECS service (or the kubernetes target does).
 */
import type { Bucket, Queue } from "../../../spec/schema.js";
import {
  ident,
  majorOf,
  named,
  randomPassword,
  resource,
  shortName,
  variableBlock,
  versionOf,
} from "../common.js";
import { plain, secret } from "../connections.js";
import { block, call, expr, type TopBlock } from "../hcl.js";
import type { AwsContext } from "./context.js";

const DATA_SG = [expr("aws_security_group.data.id")];

function sqsQueue(ctx: AwsContext, queue: Queue): TopBlock[] {
  const id = ident(queue.name);
  ctx.connections.set(queue.name, {
    offer: {
      family: "sqs",
      parts: {
        endpoint: plain(expr(`"https://sqs.\${var.region}.amazonaws.com"`)),
        queueUrl: plain(expr(`aws_sqs_queue.${id}.url`)),
        region: plain(expr("var.region")),
      },
    },
    access: [
      {
        actions: [
          "sqs:SendMessage",
          "sqs:ReceiveMessage",
          "sqs:DeleteMessage",
          "sqs:ChangeMessageVisibility",
          "sqs:GetQueueAttributes",
          "sqs:GetQueueUrl",
        ],
        resources: [expr(`aws_sqs_queue.${id}.arn`)],
      },
    ],
  });
  ctx.m.output(`${id}_url`, expr(`aws_sqs_queue.${id}.url`), `URL of SQS queue ${queue.name}`);
  return [
    resource("aws_sqs_queue", `${id}_dlq`, {
      name: named(`${queue.name}-dlq`),
      sqs_managed_sse_enabled: true,
      message_retention_seconds: 1_209_600,
    }),
    resource("aws_sqs_queue", id, {
      name: named(queue.name),
      sqs_managed_sse_enabled: true,
      visibility_timeout_seconds: 60,
      message_retention_seconds: 345_600,
      // Messages that fail five times move to the dead-letter queue instead of looping.
      redrive_policy: call("jsonencode", {
        deadLetterTargetArn: expr(`aws_sqs_queue.${id}_dlq.arn`),
        maxReceiveCount: 5,
      }),
    }),
  ];
}

function rabbitVersion(queue: Queue): string {
  const version = versionOf(queue);
  return version.includes(".") ? version : majorOf(version) === 3 ? "3.13" : `${version}.0`;
}

function mqBroker(ctx: AwsContext, queue: Queue): TopBlock[] {
  const id = ident(queue.name);
  ctx.dataPorts.set(5671, "rabbitmq (AMQPS)");
  const size = ctx.production ? "mq.m5.large" : "mq.t3.micro";
  ctx.m.variable(
    variableBlock("mq_instance_type", {
      type: "string",
      description: "Amazon MQ broker instance type",
      default: size,
    }),
  );
  // The broker's endpoint reads amqps://b-....mq.<region>.amazonaws.com:5671.
  const endpoint = `aws_mq_broker.${id}.instances[0].endpoints[0]`;
  const password = `random_password.${id}.result`;
  ctx.connections.set(queue.name, {
    offer: {
      family: "amqp",
      parts: {
        url: secret(
          queue.name,
          "url",
          call("replace", expr(endpoint), "amqps://", expr(`"amqps://app:\${${password}}@"`)),
        ),
        host: plain(expr(`regex("^amqps://([^:/]+)", ${endpoint})[0]`)),
        port: plain("5671"),
        user: plain("app"),
        password: secret(queue.name, "password", expr(password)),
      },
    },
    access: [],
  });
  ctx.m.output(`${id}_endpoint`, expr(endpoint), `AMQPS endpoint of broker ${queue.name}`);
  return [
    randomPassword(id),
    resource("aws_mq_broker", id, {
      broker_name: shortName(queue.name, 50),
      engine_type: "RabbitMQ",
      engine_version: rabbitVersion(queue),
      host_instance_type: expr("var.mq_instance_type"),
      // Three brokers over several zones in production; one broker elsewhere.
      deployment_mode: ctx.production ? "CLUSTER_MULTI_AZ" : "SINGLE_INSTANCE",
      publicly_accessible: false,
      auto_minor_version_upgrade: true,
      subnet_ids: ctx.production ? expr("aws_subnet.private[*].id") : [expr("aws_subnet.private[0].id")],
      security_groups: DATA_SG,
      logs: block({ general: true }),
      user: block({ username: "app", password: expr(`random_password.${id}.result`) }),
      tags: { Name: named(queue.name) },
    }),
  ];
}

/** MSK names its versions in full ("3.6.0") or by line ("3.7.x"). */
function kafkaVersion(queue: Queue): string {
  const version = versionOf(queue);
  if (version.split(".").length >= 3) return version;
  const known: Record<string, string> = { "3.5": "3.5.1", "3.6": "3.6.0" };
  return known[version] ?? `${version.includes(".") ? version : `${version}.0`}.x`;
}

function mskCluster(ctx: AwsContext, queue: Queue): TopBlock[] {
  const id = ident(queue.name);
  ctx.dataPorts.set(9094, "kafka (TLS)");
  const size = ctx.production ? "kafka.m5.large" : "kafka.t3.small";
  ctx.m.variable(
    variableBlock("kafka_instance_type", {
      type: "string",
      description: "MSK broker instance type",
      default: size,
    }),
  );
  const brokers = expr(`aws_msk_cluster.${id}.bootstrap_brokers_tls`);
  ctx.connections.set(queue.name, { offer: { family: "kafka", parts: { url: plain(brokers) } }, access: [] });
  ctx.m.output(`${id}_bootstrap_brokers`, brokers, `TLS bootstrap brokers of Kafka cluster ${queue.name}`);
  return [
    resource("aws_msk_cluster", id, {
      cluster_name: named(queue.name),
      kafka_version: kafkaVersion(queue),
      // One broker per private subnet (MSK wants a multiple of the subnet count).
      number_of_broker_nodes: 2,
      broker_node_group_info: block({
        instance_type: expr("var.kafka_instance_type"),
        client_subnets: expr("aws_subnet.private[*].id"),
        security_groups: DATA_SG,
        storage_info: block({ ebs_storage_info: block({ volume_size: 100 }) }),
      }),
      encryption_info: block({ encryption_in_transit: block({ client_broker: "TLS", in_cluster: true }) }),
      tags: { Name: named(queue.name) },
    }),
  ];
}

function renderQueue(ctx: AwsContext, queue: Queue): void {
  if (queue.engine === "sqs") ctx.m.add("queues", ...sqsQueue(ctx, queue));
  else if (queue.engine === "rabbitmq") ctx.m.add("queues", ...mqBroker(ctx, queue));
  else if (queue.engine === "kafka") ctx.m.add("queues", ...mskCluster(ctx, queue));
  // nats: no managed offer; services.ts (ECS) or the kubernetes target runs it.
}

function bucketBlocks(ctx: AwsContext, bucket: Bucket): TopBlock[] {
  const id = ident(bucket.name);
  const ref = expr(`aws_s3_bucket.${id}.id`);
  const blocks = [
    resource("aws_s3_bucket", id, {
      bucket: expr(`"\${local.name_prefix}-${bucket.name}-\${random_id.bucket_suffix.hex}"`),
      force_destroy: !ctx.production,
      tags: { Name: named(bucket.name) },
    }),
    resource("aws_s3_bucket_public_access_block", id, {
      bucket: ref,
      // ACLs stay blocked even for a public bucket: public reads come from the bucket policy.
      block_public_acls: true,
      ignore_public_acls: true,
      block_public_policy: !bucket.public,
      restrict_public_buckets: !bucket.public,
    }),
    resource("aws_s3_bucket_versioning", id, {
      bucket: ref,
      versioning_configuration: block({ status: "Enabled" }),
    }),
    resource("aws_s3_bucket_server_side_encryption_configuration", id, {
      bucket: ref,
      rule: block({ apply_server_side_encryption_by_default: block({ sse_algorithm: "AES256" }) }),
    }),
  ];
  if (!bucket.public) return blocks;
  const statement = {
    Sid: "PublicRead",
    Effect: "Allow",
    Principal: "*",
    Action: "s3:GetObject",
    Resource: expr(`"\${aws_s3_bucket.${id}.arn}/*"`),
  };
  return [
    ...blocks,
    resource(
      "aws_s3_bucket_policy",
      id,
      {
        bucket: ref,
        policy: call("jsonencode", { Version: "2012-10-17", Statement: [statement] }),
        depends_on: [expr(`aws_s3_bucket_public_access_block.${id}`)],
      },
      [`The spec marks bucket ${bucket.name} public: anyone may read its objects.`],
    ),
  ];
}

export function renderAwsMessaging(ctx: AwsContext): void {
  for (const queue of ctx.spec.queues) renderQueue(ctx, queue);
  if (ctx.spec.buckets.length === 0) return;
  // Bucket names are global: a random suffix keeps them unique across accounts.
  ctx.m.add("buckets", resource("random_id", "bucket_suffix", { byte_length: 4 }));
  for (const bucket of ctx.spec.buckets) {
    ctx.m.add("buckets", ...bucketBlocks(ctx, bucket));
    const id = ident(bucket.name);
    ctx.connections.set(bucket.name, {
      offer: {
        family: "bucket",
        parts: {
          bucket: plain(expr(`aws_s3_bucket.${id}.bucket`)),
          endpoint: plain(expr(`"https://s3.\${var.region}.amazonaws.com"`)),
          region: plain(expr("var.region")),
        },
      },
      // The task role reads and writes the objects of this bucket, nothing else.
      access: [
        { actions: ["s3:ListBucket"], resources: [expr(`aws_s3_bucket.${id}.arn`)] },
        {
          actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
          resources: [expr(`"\${aws_s3_bucket.${id}.arn}/*"`)],
        },
      ],
    });
    ctx.m.output(`${id}_bucket`, expr(`aws_s3_bucket.${id}.bucket`), `Name of S3 bucket ${bucket.name}`);
  }
}
