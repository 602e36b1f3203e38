/**
 * GCP queues and buckets: Pub/Sub (a topic and a subscription) for every
 * queue engine, and Cloud Storage buckets with uniform access, versioning
 * and public access prevented unless the spec marks the bucket public.
 */
import type { Bucket, Queue } from "../../../spec/schema.js";
import { ident, named, resource } from "../common.js";
import { plain } from "../connections.js";
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
    offer: {
      family: "pubsub",
      parts: {
        topic: plain(expr(`google_pubsub_topic.${id}.id`)),
        subscription: plain(expr(`google_pubsub_subscription.${id}.id`)),
      },
    },
    access: [
      {
        type: "google_pubsub_topic_iam_member",
        target: { topic: expr(`google_pubsub_topic.${id}.name`) },
        role: "roles/pubsub.publisher",
        label: `${id}_publisher`,
      },
      {
        type: "google_pubsub_subscription_iam_member",
        target: { subscription: expr(`google_pubsub_subscription.${id}.name`) },
        role: "roles/pubsub.subscriber",
        label: `${id}_subscriber`,
      },
    ],
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
    offer: {
      family: "bucket",
      parts: {
        bucket: plain(expr(`google_storage_bucket.${id}.name`)),
        endpoint: plain("https://storage.googleapis.com"),
      },
    },
    access: [
      {
        type: "google_storage_bucket_iam_member",
        target: { bucket: expr(`google_storage_bucket.${id}.name`) },
        role: "roles/storage.objectUser",
        label: `${id}_objects`,
      },
    ],
  });
  ctx.m.output(`${id}_bucket`, expr(`google_storage_bucket.${id}.name`), `Name of bucket ${bucket.name}`);
}
