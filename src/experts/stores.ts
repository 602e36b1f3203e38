/**
 * Where consultations go besides the state store: a local folder of Markdown
 * files, or Google Drive (drive-store.ts). One interface, so `experts export`
 * does not care which.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { consultationMarkdown, markdownFileName } from "./markdown.js";
import type { CachedResponse, Consultation, ResponseCache } from "./types.js";

export interface ConsultationExport {
  /** Returns where the document went (a path or a Drive file id and link). */
  write(consultation: Consultation): Promise<string>;
}

export function folderExport(dir: string): ConsultationExport {
  return {
    async write(c) {
      await mkdir(dir, { recursive: true });
      const path = join(dir, markdownFileName(c));
      await writeFile(path, consultationMarkdown(c), "utf8");
      return path;
    },
  };
}

/** What the state store offers for the cache (structural, so experts/ does not import state/). */
export interface CacheBackend {
  cacheGet(key: string): Promise<unknown>;
  cacheSet(key: string, value: unknown): Promise<void>;
}

function isCached(v: unknown): v is CachedResponse {
  return typeof v === "object" && v !== null && "text" in v && "usage" in v && "model" in v;
}

export function storeCache(backend: CacheBackend): ResponseCache {
  return {
    get: async (key) => {
      const v = await backend.cacheGet(key);
      return isCached(v) ? v : undefined;
    },
    set: (key, value) => backend.cacheSet(key, value),
  };
}
