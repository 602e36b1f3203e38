/**
 * Gauges of the cross-process event path on /metrics: whether the commit feed
 * listens now (0 while it reconnects: streams then lag until the re-read) and
 * how many deployments this server follows for its event streams.
 */
import { Gauge, type Registry } from "prom-client";
import type { CommitFeed } from "../state/commit-feed.js";
import type { EventHub } from "./event-hub.js";

export function registerEventMetrics(registry: Registry, feed: CommitFeed, hub: EventHub): void {
  new Gauge({
    name: "codeploy_event_feed_connected",
    help: "1 while the commit feed (Postgres LISTEN) is connected, 0 while it reconnects",
    registers: [registry],
    collect() {
      this.set(feed.connected ? 1 : 0);
    },
  });
  new Gauge({
    name: "codeploy_event_followed_deployments",
    help: "Deployments running in other processes that this server's event streams follow",
    registers: [registry],
    collect() {
      this.set(hub.size);
    },
  });
}
