/**
 * Regions from words: cloud region codes ("us-east-1", "europe-west1",
 * "westeurope"), display names ("West Europe", "East US") and cities or
 * countries ("Frankfurt", "Tokyo"), which map to the named cloud's region.
 * Cities and display names count anywhere; short or everyday place words
 * ("us", "eu", "europe", "phoenix") only after a location word ("in",
 * "near"), next to a cloud's name or before "region", so "for us" or
 * "let us" never become a region.
 */
import { type CloudName, findRegion, REGIONS, type Region } from "../../spec/regions.js";
import { PhraseTable } from "../tokens/phrases.js";
import { gluedRun, type Token } from "../tokens/tokenizer.js";

export interface RegionCodeHit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** The region when the code is known. */
  readonly region?: Region;
  /** The cloud whose naming pattern the code follows, known or not. */
  readonly cloud?: CloudName;
}

export interface PlaceHit {
  readonly start: number;
  readonly end: number;
  readonly phrase: string;
  /** Candidate regions, at most one per cloud, in table order. */
  readonly regions: readonly Region[];
}

const AWS_CODE =
  /^(us|eu|ap|sa|ca|me|af|il|mx|cn)-(gov-)?(east|west|north|south|central|northeast|southeast|northwest|southwest)-\d{1,2}[a-f]?$/;
const GCP_CODE =
  /^(us|europe|asia|australia|northamerica|southamerica|me|africa)-(east|west|north|south|central|northeast|southeast|northwest|southwest)\d{1,2}(-[a-c])?$/;

/** Region codes written in the text. */
export function findRegionCodes(tokens: readonly Token[], skip: (i: number) => boolean): RegionCodeHit[] {
  const hits: RegionCodeHit[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (skip(i) || t.kind !== "word" || (t.glue !== undefined && i > 0)) continue;
    const run = gluedRun(tokens, i);
    const text = run.text.toLowerCase();
    const hit = codeHit(text, i, run.end);
    if (hit) {
      hits.push(hit);
      i = run.end - 1;
    }
  }
  return hits;
}

function codeHit(text: string, start: number, end: number): RegionCodeHit | undefined {
  const known =
    findRegion(text) ?? findRegion(text.replace(/[a-f]$/, "")) ?? findRegion(text.replace(/-[a-c]$/, ""));
  if (known) return { start, end, text, region: known, cloud: known.cloud };
  // Both patterns hold a hyphen: asked only then, they are not compiled for most requests (issue 26).
  if (!text.includes("-")) return undefined;
  if (AWS_CODE.test(text)) return { start, end, text, cloud: "aws" };
  if (GCP_CODE.test(text)) return { start, end, text, cloud: "gcp" };
  return undefined;
}

/** Place phrases -> the regions they name, at most one per cloud (no phrase holds a "|"). */
function placeEntries(): [string, Region[]][] {
  const byPhrase = new Map<string, Region[]>();
  for (const region of REGIONS) {
    const phrases = [...region.places];
    if (region.cloud === "azure") phrases.push(region.displayName.toLowerCase());
    for (const phrase of phrases) {
      const normalized = phrase.replace(/\./g, "").replace(/\s+/g, " ").trim();
      const list = byPhrase.get(normalized) ?? [];
      if (!list.some((r) => r.cloud === region.cloud)) list.push(region);
      byPhrase.set(normalized, list);
    }
  }
  return [...byPhrase.entries()];
}

const PLACES = new PhraseTable("places.PLACES", placeEntries);
const BEFORE = new Set([
  "in",
  "near",
  "to",
  "into",
  "at",
  "around",
  "within",
  "from",
  "across",
  "out",
  "region",
  "location",
]);
const AFTER = new Set(["region", "datacenter", "data", "zone", "area", "based", "location", "dc"]);
/** Short, everyday words that are places only when written in capitals or clearly as a place. */
const SHY = new Set([
  "us",
  "eu",
  "uk",
  "usa",
  "europe",
  "asia",
  "america",
  "africa",
  "united states",
  "south america",
  "southeast asia",
  "phoenix",
  "washington",
  "washington state",
  "columbus",
  "portland",
  "victoria",
]);

/** Place names in location context. */
export function findPlaces(tokens: readonly Token[], skip: (i: number) => boolean): PlaceHit[] {
  const hits: PlaceHit[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (skip(i)) continue;
    const hit = PLACES.at(tokens, i);
    if (hit === undefined) continue;
    const phrase = tokens
      .slice(i, hit.end)
      .map((t) => t.w)
      .join(" ");
    if (inContext(tokens, i, hit.end, phrase)) {
      hits.push({ start: i, end: hit.end, phrase, regions: hit.value });
      i = hit.end - 1;
    }
  }
  return hits;
}

function inContext(tokens: readonly Token[], start: number, end: number, phrase: string): boolean {
  let b = start - 1;
  while (b >= 0 && ["the", "northern", "southern"].includes(tokens[b]?.w ?? "")) b--;
  const before = tokens[b]?.w ?? "";
  const after = tokens[end]?.w ?? "";
  const located = BEFORE.has(before) || AFTER.has(after) || (before === "close" && tokens[b + 1]?.w === "to");
  // "AWS Frankfurt", "Azure East US": right after a cloud's name.
  const nextToCloud = CLOUD_WORDS.has(before) || (before === "," && CLOUD_WORDS.has(tokens[b - 1]?.w ?? ""));
  if (SHY.has(phrase)) {
    if (!located && !nextToCloud) return false;
    const text = tokens[start]?.text ?? "";
    return (
      phrase.length > 2 || text === text.toUpperCase() || before === "in" || AFTER.has(after) || nextToCloud
    );
  }
  // A city or a region's display name stands on its own ("GCP, Tokyo"; "(West Europe)").
  return true;
}

const CLOUD_WORDS = new Set([
  "aws",
  "amazon",
  "gcp",
  "google",
  "cloud",
  "azure",
  "microsoft",
  "eks",
  "gke",
  "aks",
]);

/** The region of `cloud` for a place, if that cloud serves it. */
export function regionFor(place: PlaceHit, cloud: CloudName): Region | undefined {
  return place.regions.find((r) => r.cloud === cloud);
}
