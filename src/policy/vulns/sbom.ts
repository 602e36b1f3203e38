/**
 * CycloneDX 1.5 JSON of what a scan found: one container component per image,
 * its packages nested under it (type library, with purl, licenses and the
 * source package as properties). Pure: the caller gives the serial number and
 * the time.
 */
import type { Inventory } from "./inventory.js";
import { purlOf } from "./inventory.js";

export interface ScannedImage {
  readonly reference: string;
  /** The engine's image id (`sha256:...`). */
  readonly id: string | undefined;
  readonly inventory: Inventory;
}

export interface BomMeta {
  /** `urn:uuid:...` */
  readonly serialNumber: string;
  /** ISO 8601. */
  readonly timestamp: string;
  readonly toolVersion: string;
  /** The application a spec scan covers; absent for one image. */
  readonly application?: string;
}

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

function containerComponent(image: ScannedImage): { [key: string]: Json } {
  const { distro } = image.inventory;
  const components: Json[] = image.inventory.packages.map((p) => {
    const purl = purlOf(p, distro);
    const properties: Json[] = [
      { name: "codeploy:package:type", value: p.type },
      { name: "codeploy:package:source", value: p.source },
      { name: "codeploy:package:sourceVersion", value: p.sourceVersion },
      { name: "codeploy:package:foundIn", value: p.foundIn },
    ];
    return {
      type: "library",
      "bom-ref": `${image.reference}|${purl}`,
      name: p.name,
      version: p.version,
      purl,
      ...(p.licenses.length > 0 ? { licenses: p.licenses.map((name) => ({ license: { name } })) } : {}),
      properties,
    };
  });
  if (distro)
    components.unshift({
      type: "operating-system",
      "bom-ref": `${image.reference}|os`,
      name: distro.id,
      ...(distro.versionId ? { version: distro.versionId } : {}),
      ...(distro.prettyName ? { description: distro.prettyName } : {}),
    });
  return {
    type: "container",
    "bom-ref": image.reference,
    name: image.reference,
    ...(image.id ? { version: image.id } : {}),
    components,
  };
}

export function cycloneDx(images: readonly ScannedImage[], meta: BomMeta): { [key: string]: Json } {
  const containers = images.map(containerComponent);
  const single = meta.application === undefined && containers.length === 1 ? containers[0] : undefined;
  return {
    bomFormat: "CycloneDX",
    specVersion: "1.5",
    serialNumber: meta.serialNumber,
    version: 1,
    metadata: {
      timestamp: meta.timestamp,
      tools: { components: [{ type: "application", name: "codeploy", version: meta.toolVersion }] },
      component: single
        ? { type: "container", "bom-ref": `${single["bom-ref"]}|subject`, name: single.name ?? "" }
        : { type: "application", "bom-ref": "application", name: meta.application ?? "images" },
    },
    components: single ? (single.components ?? []) : containers,
  };
}
