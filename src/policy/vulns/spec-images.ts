/** The images a spec runs, each with the spec path a scan finding points at. */
import { dataComponents, MINIO_CLIENT_IMAGE } from "../../render/data-services.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import { specPath } from "../util.js";

export interface SpecImage {
  readonly image: string;
  readonly path: string;
}

/**
 * Services' images, then (docker and kubernetes targets, where CODE runs them
 * as containers) the data services' images and the bucket store's; each image once.
 */
export function specImages(spec: DeploymentSpec): SpecImage[] {
  const out: SpecImage[] = [];
  spec.services.forEach((s, i) => {
    if (s.image !== undefined) out.push({ image: s.image, path: specPath("services", i, "image") });
  });
  if (spec.target !== "terraform") {
    const paths = new Map<string, string>();
    for (const [key, items] of [
      ["databases", spec.databases],
      ["caches", spec.caches],
      ["queues", spec.queues],
    ] as const)
      items.forEach((item: { readonly name: string }, i: number) => {
        paths.set(item.name, specPath(key, i, "image"));
      });
    for (const c of dataComponents(spec)) {
      out.push({ image: c.image, path: paths.get(c.name) ?? specPath("buckets") });
      if (c.engine === "minio") out.push({ image: MINIO_CLIENT_IMAGE, path: specPath("buckets") });
    }
  }
  const seen = new Set<string>();
  return out.filter((s) => !seen.has(s.image) && seen.add(s.image));
}
