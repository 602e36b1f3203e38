import { describe, expect, it } from "vitest";
import { interpolate, parseEnvFile } from "./interpolate.js";

const vars = new Map([
  ["PW", "s3cret-value-123"],
  ["USER", "app"],
]);
/** `ref("PW")` is the compose reference `${PW}` (written so, since it is not a JS template). */
const ref = (inner: string) => ["$", "{", inner, "}"].join("");

describe("interpolate (the compose subset the renderer writes)", () => {
  it("fills references, required references, bare $VAR, and turns $$ into $", () => {
    expect(interpolate(`postgres://app:${ref("PW")}@pg:5432/shop`, vars, "x")).toBe(
      "postgres://app:s3cret-value-123@pg:5432/shop",
    );
    expect(interpolate(ref("PW:?missing from .env"), vars, "x")).toBe("s3cret-value-123");
    expect(interpolate('pg_isready -U "$$POSTGRES_USER" costs $$5', vars, "x")).toBe(
      'pg_isready -U "$POSTGRES_USER" costs $5',
    );
    expect(interpolate("$USER-home", vars, "x")).toBe("app-home");
  });

  it("names a missing variable without printing any value", () => {
    expect(() => interpolate(`${ref("NOPE")}:${ref("PW")}`, vars, "service web environment X")).toThrow(
      `service web environment X refers to ${ref("NOPE")}, which .env does not set`,
    );
  });

  it("reads .env files, skipping comments and blank lines", () => {
    expect([...parseEnvFile("# header\n\nA=1\nB=x=y\n")]).toEqual([
      ["A", "1"],
      ["B", "x=y"],
    ]);
  });
});
