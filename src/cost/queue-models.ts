/**
 * How queues, buckets, load balancers, NAT and monitoring are priced on each
 * cloud: the managed service and sku used, and the volumes assumed. Data read
 * by the estimate; the tests check every sku named here is in the catalog.
 */
import type { CloudName, QueueEngine } from "../spec/index.js";
import type { Tier } from "./context.js";
import { one, type Size } from "./sizes.js";

export type QueueModel =
  | {
      readonly type: "broker";
      readonly service: string;
      readonly sizes: Readonly<Record<Tier, Size>>;
      readonly storage?: { readonly sku: string; readonly gbPerInstance: number };
    }
  /** Billed by volume: `perMonth` units of the sku's unit, by tier. */
  | {
      readonly type: "volume";
      readonly service: string;
      readonly sku: string;
      readonly perMonth: Readonly<Record<Tier, number>>;
      readonly what: string;
    }
  /** A fixed hourly charge (a namespace, a throughput unit). */
  | { readonly type: "fixed"; readonly service: string; readonly sku: string; readonly what: string }
  /** No managed service: runs as containers beside the app. */
  | { readonly type: "self-hosted" };

const amazonMq: QueueModel = {
  type: "broker",
  service: "Amazon MQ for RabbitMQ",
  sizes: {
    small: one("mq-rabbitmq-mq-t3-micro", "mq.t3.micro, single-instance"),
    large: one("mq-rabbitmq-mq-m5-large", "3 x mq.m5.large, cluster across zones", 3),
  },
};

const msk: QueueModel = {
  type: "broker",
  service: "Amazon MSK",
  sizes: {
    small: one("msk-kafka-t3-small", "2 x kafka.t3.small brokers", 2),
    large: one("msk-kafka-m5-large", "2 x kafka.m5.large brokers", 2),
  },
  storage: { sku: "msk-storage", gbPerInstance: 100 },
};

const pubsub: QueueModel = {
  type: "volume",
  service: "Pub/Sub",
  sku: "pubsub-throughput",
  perMonth: { large: 100 / 1024, small: 10 / 1024 },
  what: "100 GiB of messages a month in production, 10 GiB otherwise",
};

const serviceBus: QueueModel = {
  type: "fixed",
  service: "Azure Service Bus Standard",
  sku: "servicebus-standard-base",
  what: "one Standard namespace; traffic within the 13 million included operations",
};

export const QUEUES: Readonly<Record<CloudName, Readonly<Record<QueueEngine, QueueModel>>>> = {
  aws: {
    rabbitmq: amazonMq,
    kafka: msk,
    sqs: {
      type: "volume",
      service: "Amazon SQS",
      sku: "sqs-standard-requests",
      perMonth: { large: 10, small: 1 },
      what: "10 million requests a month in production, 1 million otherwise",
    },
    nats: { type: "self-hosted" },
  },
  gcp: { rabbitmq: pubsub, kafka: pubsub, sqs: pubsub, nats: { type: "self-hosted" } },
  azure: {
    rabbitmq: serviceBus,
    sqs: serviceBus,
    kafka: {
      type: "fixed",
      service: "Azure Event Hubs Standard (Kafka endpoint)",
      sku: "eventhubs-standard-tu",
      what: "one throughput unit",
    },
    nats: { type: "self-hosted" },
  },
};

/**
 * Buckets, the shared load balancer, NAT and monitoring: one sku each per
 * cloud. `lbServerless`: whether serverless containers sit behind a load
 * balancer (Fargate behind an ALB; Cloud Run and Container Apps bring their
 * own HTTPS endpoint). NAT only where the renderer creates one (aws).
 */
export interface SharedSkus {
  readonly bucket: string;
  readonly lb: readonly { readonly sku: string; readonly label: string }[];
  readonly lbServerless: boolean;
  readonly nat?: string;
  readonly logs: string;
  readonly metric: string;
}

export const SHARED: Readonly<Record<CloudName, SharedSkus>> = {
  aws: {
    bucket: "s3-standard",
    lb: [
      { sku: "alb-hour", label: "Application Load Balancer" },
      { sku: "alb-lcu", label: "Application Load Balancer, 1 LCU on average" },
    ],
    lbServerless: true,
    nat: "nat-gateway-hour",
    logs: "cloudwatch-logs-ingest",
    metric: "cloudwatch-custom-metric",
  },
  gcp: {
    bucket: "gcs-standard",
    lb: [{ sku: "lb-forwarding-rule", label: "load balancer forwarding rule" }],
    lbServerless: false,
    logs: "cloud-logging-ingest",
    metric: "cloud-monitoring-metric",
  },
  azure: {
    bucket: "blob-hot-lrs",
    lb: [{ sku: "lb-standard-rule", label: "Standard Load Balancer rule" }],
    lbServerless: false,
    logs: "log-analytics-ingest",
    metric: "monitor-custom-metric",
  },
};
