import { describe, expect, it } from "vitest";
import { Ctx } from "../tokens/context.js";
import { tokenize } from "../tokens/tokenizer.js";
import { findPlaces, findRegionCodes, regionFor } from "./places.js";

const codes = (text: string) =>
  findRegionCodes(tokenize(text), () => false).map((c) => [c.text, c.region?.code, c.cloud]);
const places = (text: string) => findPlaces(new Ctx(tokenize(text)).tokens, () => false);

describe("region codes", () => {
  it("knows each cloud's codes", () => {
    expect(codes("in us-east-1")).toEqual([["us-east-1", "us-east-1", "aws"]]);
    expect(codes("europe-west1 please")).toEqual([["europe-west1", "europe-west1", "gcp"]]);
    expect(codes("westeurope")).toEqual([["westeurope", "westeurope", "azure"]]);
    expect(codes("us-east-1a")).toEqual([["us-east-1a", "us-east-1", "aws"]]);
  });

  it("flags well-formed codes it does not know", () => {
    expect(codes("ap-southeast-9")).toEqual([["ap-southeast-9", undefined, "aws"]]);
  });
});

describe("places", () => {
  it("maps cities and display names to each cloud's region", () => {
    const [frankfurt] = places("a web app in Frankfurt");
    expect(frankfurt && regionFor(frankfurt, "aws")?.code).toBe("eu-central-1");
    expect(frankfurt && regionFor(frankfurt, "gcp")?.code).toBe("europe-west3");
    expect(frankfurt && regionFor(frankfurt, "azure")?.code).toBe("germanywestcentral");
    const [tokyo] = places("Tokyo region");
    expect(tokyo && regionFor(tokyo, "gcp")?.code).toBe("asia-northeast1");
    const [we] = places("in West Europe");
    expect(we?.regions.map((r) => r.code)).toEqual(["westeurope"]);
  });

  it("reads short place words only in location context, never 'for us' or 'let us'", () => {
    expect(places("Frankfurt")).toHaveLength(1);
    expect(places("AWS Sydney")).toHaveLength(1);
    expect(places("europe")).toEqual([]);
    expect(places("in europe")).toHaveLength(1);
    expect(places("a Phoenix app")).toEqual([]);
    expect(places("a site for us")).toEqual([]);
    expect(places("let us deploy")).toEqual([]);
    expect(places("hosted in the US")).toHaveLength(1);
  });
});
