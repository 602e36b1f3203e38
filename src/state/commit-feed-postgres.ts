/**
 * The Postgres commit feed: one dedicated connection per process, outside the
 * pool (a pooled connection would lose its LISTEN when handed back), doing
 * `LISTEN codeploy_events`. When the connection drops (server restart, a
 * terminated backend, a half-open TCP link found by the ping) it reconnects
 * with jittered backoff and then tells every subscriber to resync, because
 * the notices sent meanwhile are gone; the store still has the events.
 */
import type pg from "pg";
import { importPackage } from "../core/import-package.js";
import { hidePassword } from "./backend.js";
import { COMMIT_CHANNEL, type CommitFeed, type CommitFeedHandlers, decodeNotice } from "./commit-feed.js";

export interface PostgresFeedOptions {
  /** First wait before a reconnect; doubles up to maxReconnectMs. @default 100 */
  readonly minReconnectMs?: number;
  /** @default 5000 */
  readonly maxReconnectMs?: number;
  /** A `select 1` on the listening connection this often finds a link that died silently. @default 30_000 */
  readonly pingMs?: number;
  /** Told about a lost connection and each failed attempt (the server logs it). */
  readonly onError?: (message: string, error: unknown) => void;
}

/** Shown in pg_stat_activity, so operators (and tests) can tell the listener from the pool. */
export const LISTENER_APPLICATION_NAME = "codeploy-listen";

/**
 * Starts listening in the background and returns at once: a database that is
 * not reachable yet is retried, and subscribers get `resync` once it is.
 */
export async function listenForCommits(url: string, options: PostgresFeedOptions = {}): Promise<CommitFeed> {
  const { default: pgModule } = await importPackage<typeof import("pg")>("pg");
  const feed = new PostgresCommitFeed(
    () =>
      new pgModule.Client({
        connectionString: url,
        application_name: LISTENER_APPLICATION_NAME,
        keepAlive: true,
      }),
    hidePassword(url),
    options,
  );
  feed.start();
  return feed;
}

class PostgresCommitFeed implements CommitFeed {
  private readonly handlers = new Set<CommitFeedHandlers>();
  private client: pg.Client | undefined;
  private closed = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private ping: NodeJS.Timeout | undefined;
  connected = false;

  constructor(
    private readonly newClient: () => pg.Client,
    private readonly where: string,
    private readonly options: PostgresFeedOptions,
  ) {}

  subscribe(handlers: CommitFeedHandlers): () => void {
    this.handlers.add(handlers);
    return () => this.handlers.delete(handlers);
  }

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    this.timer = undefined;
    if (this.closed) return;
    const client = this.newClient();
    this.client = client;
    // A dropped link emits `error` and/or `end`; either one schedules a single reconnect.
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client, new Error("the listening connection ended")));
    client.on("notification", (message) => {
      if (message.channel === COMMIT_CHANNEL) this.dispatch(message.payload ?? "");
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${COMMIT_CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.client !== client || this.closed) return;
    this.connected = true;
    this.attempt = 0;
    this.ping = setInterval(() => {
      client.query("select 1").catch((error: unknown) => this.lost(client, error));
    }, this.options.pingMs ?? 30_000);
    this.ping.unref();
    // Whatever was committed before LISTEN took effect (or while down) only the store knows now.
    for (const h of [...this.handlers]) h.resync("listening");
  }

  private dispatch(payload: string): void {
    const notice = decodeNotice(payload);
    for (const h of [...this.handlers]) {
      if (notice === "resync") h.resync("a notice without a readable deployment");
      else h.notice(notice);
    }
  }

  private lost(client: pg.Client, error: unknown): void {
    if (this.client !== client) return; // an old connection's late event
    this.client = undefined;
    this.connected = false;
    clearInterval(this.ping);
    client.removeAllListeners("notification");
    client.on("error", () => undefined); // late errors of the dead client must not crash the process
    void client.end().catch(() => undefined);
    if (this.closed) return;
    this.options.onError?.(
      `commit feed: lost the listening connection to ${this.where}; reconnecting`,
      error,
    );
    const min = this.options.minReconnectMs ?? 100;
    const max = this.options.maxReconnectMs ?? 5000;
    const delay = Math.min(max, min * 2 ** Math.min(this.attempt, 16));
    this.attempt++;
    this.timer = setTimeout(() => void this.connect(), delay / 2 + Math.random() * (delay / 2));
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.ping);
    this.handlers.clear();
    const client = this.client;
    this.client = undefined;
    this.connected = false;
    if (client) {
      client.on("error", () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
