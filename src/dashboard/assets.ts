/**
 * The dashboard's static files, all shipped in the package: htmx from its npm
 * package, the stylesheet and script from `assets/dashboard/`. Read once,
 * served with a content hash as ETag; nothing comes from another origin.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export interface Asset {
  readonly body: string;
  readonly type: string;
  readonly etag: string;
}

/** From src/dashboard/ and from dist/dashboard/ alike, the package root is two folders up. */
const OWN = fileURLToPath(new URL("../../assets/dashboard/", import.meta.url));

/** Where each served file comes from (the scripts are what a first load fetches). */
export function assetFiles(): Record<string, { path: string; type: string }> {
  const require = createRequire(import.meta.url);
  return {
    "htmx.min.js": {
      path: require.resolve("htmx.org/dist/htmx.min.js"),
      type: "text/javascript; charset=utf-8",
    },
    "dashboard.js": { path: `${OWN}dashboard.js`, type: "text/javascript; charset=utf-8" },
    "dashboard.css": { path: `${OWN}dashboard.css`, type: "text/css; charset=utf-8" },
  };
}

export function loadAssets(): ReadonlyMap<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const [name, { path, type }] of Object.entries(assetFiles())) {
    const body = readFileSync(path, "utf8");
    assets.set(name, {
      body,
      type,
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 16)}"`,
    });
  }
  return assets;
}
