import { describe, expect, it } from "vitest";
import { read } from "../read/read.js";

const negated = (text: string, amending: boolean) =>
  read(text, { amending }).negated.map((m) => (m.type === "data" ? m.engine : m.name));

describe("negation scope", () => {
  it('reads "instead of X" as a negation for a fresh spec', () => {
    expect(negated("deploy an api with postgres instead of mysql", false)).toEqual(["mysql"]);
  });

  it('leaves "instead of X" to the amendment (a swap) when the context amends a base', () => {
    expect(negated("use postgres instead of mysql", true)).toEqual([]);
  });

  it('chains "no X or Y" in both modes', () => {
    expect(negated("deploy the api, no redis or memcached", false)).toEqual(["redis", "memcached"]);
    expect(negated("deploy the api, no redis or memcached", true)).toEqual(["redis", "memcached"]);
  });

  it('"no X but Y" still rules X out; "no X other than Y" does not', () => {
    expect(negated("deploy the api with postgres, no redis but a memcached cache", false)).toEqual(["redis"]);
    expect(negated("deploy a web and an api; no service other than the web is public", false)).toEqual([]);
    expect(negated("deploy a web and an api; nothing is public except for the api", false)).toEqual([]);
  });
});
