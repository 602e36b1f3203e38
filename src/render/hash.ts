/** Artifact hashes, apart from the renderers: the CLI records them without loading every renderer first. */
import { createHash } from "node:crypto";
import type { RenderResult } from "./types.js";

/** What a sensitive file is recorded as: a plain hash of a short secret in a known layout gives it away. */
export const SENSITIVE_ARTIFACT = "sensitive";

/** sha256 of every file, by path: recorded with each revision to show what exactly was deployed. */
export function hashArtifacts(result: RenderResult): Record<string, string> {
  return Object.fromEntries(
    result.files.map((f) => [
      f.path,
      f.sensitive ? SENSITIVE_ARTIFACT : createHash("sha256").update(f.content).digest("hex"),
    ]),
  );
}
