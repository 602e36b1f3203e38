/**
 * Where it runs: target (docker | kubernetes | terraform), cloud and region,
 * from cue words, managed services, region codes and place names.
 */
import type { CloudName } from "../../spec/regions.js";
import type { Cloud, Target } from "../../spec/schema.js";
import type { Mention } from "../mentions/mention-types.js";
import { negatedAt } from "../mentions/negation.js";
import type { Ctx } from "../tokens/context.js";
import { TARGET_CUES, type TargetCue } from "../vocab/cues.js";
import { findPlaces, findRegionCodes, type PlaceHit, type RegionCodeHit, regionFor } from "./places.js";

export interface PlatformReading {
  /** The target the words name, before defaults ("weak-docker": only "container" was said). */
  readonly target?: Target | "weak-docker";
  readonly cloud?: Exclude<Cloud, "local">;
  /** How the cloud was decided: named ("on AWS") or implied (RDS, eu-west-1). */
  readonly cloudHow?: "named" | "implied";
  readonly region?: string;
  /** Cloud-independent: the cloud was not decided, or the place is served by several clouds. */
  readonly place?: PlaceHit;
  readonly managed: boolean;
  readonly notes: readonly string[];
  readonly questions: readonly string[];
}

interface CueHit {
  readonly cue: TargetCue;
  readonly start: number;
  readonly text: string;
}

/** Region codes are read first: "us-east-1" must not feed the place table ("us"). */
export function readRegionCodes(ctx: Ctx): RegionCodeHit[] {
  const hits = findRegionCodes(ctx.tokens, ctx.skipUsed);
  for (const h of hits) ctx.use(h.start, h.end);
  return hits;
}

export function readPlatform(
  ctx: Ctx,
  codes: readonly RegionCodeHit[],
  mentions: readonly Mention[],
): PlatformReading {
  const cues: CueHit[] = [];
  for (const hit of TARGET_CUES.all(ctx.tokens, ctx.skipUsed)) {
    ctx.use(hit.start, hit.end);
    // "not kubernetes", "rather than k8s", "not on AWS": the platform the words rule out.
    if (negatedAt(ctx, hit.start)) continue;
    const text = ctx.tokens
      .slice(hit.start, hit.end)
      .map((t) => t.text)
      .join(" ");
    cues.push({ cue: hit.value, start: hit.start, text });
  }
  const places = findPlaces(ctx.tokens, ctx.skipUsed);
  for (const p of places) ctx.use(p.start, p.end);
  const notes: string[] = [];
  const questions: string[] = [];
  for (const c of cues) {
    if (c.cue.unsupported) {
      questions.push(
        `"${c.text}" is not a supported cloud: should it run on aws, gcp, azure or locally with docker?`,
      );
    }
  }
  const cloud = decideCloud(cues, codes, mentions, notes);
  const target = decideTarget(cues);
  const region = decideRegion(cloud.cloud, codes, places, notes, questions);
  return {
    ...(target ? { target } : {}),
    ...(cloud.cloud ? { cloud: cloud.cloud, cloudHow: cloud.how } : {}),
    ...(region.region ? { region: region.region } : {}),
    ...(region.place ? { place: region.place } : {}),
    managed: cloud.managed,
    notes,
    questions,
  };
}

function decideCloud(
  cues: readonly CueHit[],
  codes: readonly RegionCodeHit[],
  mentions: readonly Mention[],
  notes: string[],
): { cloud?: CloudName; how?: "named" | "implied"; managed: boolean } {
  const named = cues.filter((c) => c.cue.cloud && !c.cue.managed && !c.cue.target);
  const managedCues = cues.filter((c) => c.cue.cloud && (c.cue.managed || c.cue.target));
  const managedData = mentions.filter((m) => m.type === "data" && m.managed);
  const managed = managedCues.some((c) => c.cue.managed) || managedData.length > 0;
  const namedClouds = [
    ...new Set(named.map((c) => c.cue.cloud).filter((c): c is CloudName => c !== undefined)),
  ];
  // The last one named wins: "move it from aws to gcp".
  const cloud = namedClouds[namedClouds.length - 1];
  if (cloud !== undefined) {
    if (namedClouds.length > 1)
      notes.push(`several clouds named (${namedClouds.join(", ")}): using ${cloud}`);
    return { cloud, how: "named", managed };
  }
  const implied: CloudName[] = [
    ...managedCues.map((c) => c.cue.cloud).filter((c): c is CloudName => c !== undefined),
    ...managedData
      .map((m) => (m.type === "data" ? m.managed : undefined))
      .filter((c): c is CloudName => c !== undefined),
    ...codes.map((c) => c.cloud).filter((c): c is CloudName => c !== undefined),
  ];
  const first = implied[0];
  if (first === undefined) return { managed };
  if (new Set(implied).size > 1)
    notes.push(`the words point at several clouds (${[...new Set(implied)].join(", ")}): using ${first}`);
  return { cloud: first, how: "implied", managed };
}

/** The target the words name; a weak docker cue ("container") only counts as `weakDocker`. */
function decideTarget(cues: readonly CueHit[]): Target | "weak-docker" | undefined {
  if (cues.some((c) => c.cue.target === "terraform")) return "terraform";
  if (cues.some((c) => c.cue.target === "kubernetes")) return "kubernetes";
  if (cues.some((c) => c.cue.target === "docker" && !c.cue.weak)) return "docker";
  if (cues.some((c) => c.cue.target === "docker")) return "weak-docker";
  return undefined;
}

function decideRegion(
  cloud: CloudName | undefined,
  codes: readonly RegionCodeHit[],
  places: readonly PlaceHit[],
  notes: string[],
  questions: string[],
): { region?: string; place?: PlaceHit } {
  for (const code of codes) {
    if (code.region && (cloud === undefined || code.region.cloud === cloud))
      return { region: code.region.code };
    if (code.region) {
      questions.push(
        `region "${code.text}" belongs to ${code.region.cloud}, not ${cloud}: which region of ${cloud} should it use?`,
      );
    } else
      questions.push(
        `"${code.text}" is not a region I know: which ${code.cloud ?? cloud ?? "cloud"} region should it use?`,
      );
  }
  const place = places[0];
  if (place === undefined) return {};
  if (cloud) {
    const region = regionFor(place, cloud);
    if (region) {
      notes.push(`"${place.phrase}" on ${cloud}: region ${region.code} (${region.displayName})`);
      return { region: region.code };
    }
    questions.push(`${cloud} has no region I know for "${place.phrase}": which region should it use?`);
    return {};
  }
  return { place };
}
