/**
 * Names the cloud modules share for the services' named volumes. A resource
 * of volume `data` of service `web` is `<type>.web_vol-data`: component
 * identifiers never hold "-", so the name belongs to `web` (the ownership
 * rule of providers/terraform/ownership.ts: longest `<ident>_` prefix) and no
 * (service, volume) pair spells another's.
 */
import type { Service } from "../../spec/schema.js";
import type { ServiceVolume } from "../volumes.js";
import { ident } from "./common.js";
import { expr, type HclValue } from "./hcl.js";

export function volumeIdent(v: Pick<ServiceVolume, "service" | "volume">): string {
  return `${ident(v.service)}_vol-${v.volume}`;
}

/** `command` and `args` as the container needs them, or nothing (the image's own). */
export function commandFields(s: Service): { command?: string[]; args?: string[] } {
  return {
    ...(s.command ? { command: [...s.command] } : {}),
    ...(s.args ? { args: [...s.args] } : {}),
  };
}

export const resourceRef = (type: string, v: ServiceVolume, attr: string): HclValue =>
  expr(`${type}.${volumeIdent(v)}.${attr}`);
