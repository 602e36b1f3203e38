/**
 * GCP queues and buckets: Pub/Sub (a topic and a subscription) for every
 * queue engine, and Cloud Storage buckets with uniform access, versioning
 * and public access prevented unless the spec marks the bucket public.
 */
import type { Bucket, Queue } from "../../../spec/schema.js";
import { envName, ident, named, resource } from "../common.js";
import { block, expr } from "../hcl.js";
import type { GcpContext } from "./context.js";

export function renderGcpQueue(ctx: GcpContext, queue: Queue): void {
  const id = ident(queue.name);
  ctx.apis.add("pubsub.googleapis.com");
  const comment =
    queue.engine === "sqs"
      ? undefined
      : [
          `Queue ${queue.name} (${queue.engine}): GCP's managed messaging is Pub/Sub, so it becomes a topic and a subscription.`,
        ];
  ctx.m.add(
    "queues",
    resource(
      "google_pubsub_topic",
      id,
      { name: named(queue.name), message_retention_duration: "86400s" },
      comment,
    ),
    resource("google_pubsub_subscription", id, {
      name: named(queue.name),
      topic: expr(`google_pubsub_topic.${id}.id`),
      ack_deadline_seconds: 60,
      message_retention_duration: "604800s",
      retry_policy: block({ minimum_backoff: "10s", maximum_backoff: "600s" }),
      expiration_policy: block({ ttl: "" }),
    }),
  );
  ctx.connections.set(queue.name, {
    [`${envName(queue.name)}_TOPIC`]: expr(`google_pubsub_topic.${id}.id`),
    [`${envName(queue.name)}_SUBSCRIPTION`]: expr(`google_pubsub_subscription.${id}.id`),
  });
  ctx.m.output(`${id}_topic`, expr(`google_pubsub_topic.${id}.id`), `Pub/Sub topic of ${queue.name}`);
}

export function renderGcpBucket(ctx: GcpContext, bucket: Bucket): void {
  const id = ident(bucket.name);
  ctx.m.add(
    "buckets",
    resource("google_storage_bucket", id, {
      name: expr(`"\${local.name_prefix}-${bucket.name}-\${random_id.bucket_suffix.hex}"`),
      location: expr("var.region"),
      uniform_bucket_level_access: true,
      public_access_prevention: bucket.public ? "inherited" : "enforced",
      force_destroy: !ctx.production,
      versioning: block({ enabled: true }),
    }),
  );
  if (bucket.public) {
    ctx.m.add(
      "buckets",
      resource(
        "google_storage_bucket_iam_member",
        `${id}_public`,
        {
          bucket: expr(`google_storage_bucket.${id}.name`),
          role: "roles/storage.objectViewer",
          member: "allUsers",
        },
        [`The spec marks bucket ${bucket.name} public: anyone may read its objects.`],
      ),
    );
  }
  ctx.connections.set(bucket.name, {
    [`${envName(bucket.name)}_BUCKET`]: expr(`google_storage_bucket.${id}.name`),
  });
  ctx.m.output(`${id}_bucket`, expr(`google_storage_bucket.${id}.name`), `Name of bucket ${bucket.name}`);
}
