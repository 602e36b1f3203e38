/**
 * The part of Compose's variable interpolation that the compose renderer
 * uses: `$$` (a literal dollar), `${VAR}` and `${VAR:?message}`. The provider
 * reads the rendered compose document and its `.env`, so the containers get
 * exactly the passwords, URLs and commands that `docker compose up` would.
 */

import { ProviderError } from "../../engine/provider.js";
import type { ArtifactFile } from "../../render/types.js";

/** `.env` lines (`NAME=value`, `#` comments) to a map. */
export function parseEnvFile(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const value = line.slice(eq + 1);
    // 'single-quoted': taken literally, as compose does (the renderer quotes secret values this way).
    const quoted = value.length >= 2 && value.startsWith("'") && value.endsWith("'");
    vars.set(line.slice(0, eq).trim(), quoted ? value.slice(1, -1) : value);
  }
  return vars;
}

export function envFileOf(files: readonly ArtifactFile[]): Map<string, string> {
  const file = files.find((f) => f.path === ".env");
  return file ? parseEnvFile(file.content) : new Map();
}

const PATTERN = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?\?([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Replaces the references in `value`; a missing variable is an error that names it (never its neighbours' values). */
export function interpolate(value: string, vars: ReadonlyMap<string, string>, where: string): string {
  return value.replace(PATTERN, (match, braced?: string, _message?: string, bare?: string) => {
    if (match === "$$") return "$";
    const name = braced ?? bare ?? "";
    const found = vars.get(name);
    if (found === undefined) {
      throw new ProviderError(
        "DOCKER_MISSING_VARIABLE",
        `${where} refers to \${${name}}, which .env does not set`,
        {
          hint: "render the artifacts again (`codeploy render --target docker`): .env holds the generated passwords",
        },
      );
    }
    return found;
  });
}
