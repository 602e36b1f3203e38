/**
 * Image references in the text: an engine's image ("postgres:16") is a data
 * service with that version, any other image a service that runs it.
 */

import type { Ctx } from "../tokens/context.js";
import { appOfImage } from "../vocab/apps.js";
import { isNameWord, kebab } from "../vocab/names.js";
import type { DataEngine, DataGroup } from "../vocab/vocab.js";
import type { Mention } from "./mention-types.js";

const ENGINE_IMAGES: ReadonlyMap<string, { group: DataGroup; engine: DataEngine }> = new Map([
  ["postgres", { group: "databases", engine: "postgres" }],
  ["postgresql", { group: "databases", engine: "postgres" }],
  ["mysql", { group: "databases", engine: "mysql" }],
  ["mariadb", { group: "databases", engine: "mariadb" }],
  ["mongo", { group: "databases", engine: "mongodb" }],
  ["mongodb", { group: "databases", engine: "mongodb" }],
  ["redis", { group: "caches", engine: "redis" }],
  ["valkey", { group: "caches", engine: "valkey" }],
  ["memcached", { group: "caches", engine: "memcached" }],
  ["rabbitmq", { group: "queues", engine: "rabbitmq" }],
  ["nats", { group: "queues", engine: "nats" }],
  ["kafka", { group: "queues", engine: "kafka" }],
  ["cp-kafka", { group: "queues", engine: "kafka" }],
]);

export function parseImage(ref: string): { repo: string; last: string; tag?: string } {
  const noDigest = ref.replace(/@.*$/, "");
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  const hasTag = colon > slash;
  const repo = hasTag ? noDigest.slice(0, colon) : noDigest;
  const last = repo.slice(repo.lastIndexOf("/") + 1).toLowerCase();
  return hasTag ? { repo, last, tag: noDigest.slice(colon + 1) } : { repo, last };
}

export function imageMention(ctx: Ctx, i: number): Mention {
  const ref = ctx.t(i)?.text ?? "";
  const { last, tag } = parseImage(ref);
  const engine = ENGINE_IMAGES.get(last);
  if (engine) {
    const version = /^\d+(\.\d+)*/.exec(tag ?? "")?.[0];
    return {
      type: "data",
      start: i,
      end: i + 1,
      group: engine.group,
      engine: engine.engine,
      generic: false,
      definite: false,
      fresh: false,
      names: [],
      ...(version ? { version } : {}),
    };
  }
  const app = appOfImage(ref)?.key;
  // "search: opensearchproject/opensearch:2": a name and its image.
  const labelled =
    ctx.w(i - 1) === ":" && isNameWord(ctx, i - 2) && (i === 2 || ctx.t(i - 3)?.kind === "punct");
  const name = labelled ? kebab(ctx.t(i - 2)?.text ?? "") : "";
  if (name) ctx.use(i - 2, i);
  return {
    type: "service",
    start: name ? i - 2 : i,
    end: i + 1,
    role: name ? "named" : "image",
    weak: false,
    definite: false,
    fresh: false,
    image: ref,
    ...(name ? { name } : {}),
    ...(app ? { app } : {}),
  };
}
