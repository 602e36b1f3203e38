import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { main } from "../main.js";
import { captureIo } from "../test-io.js";

const work = mkdtempSync(join(tmpdir(), "codeploy-validate-"));
const run = async (...argv: string[]) => {
  const io = captureIo({ cwd: work, env: { CODEPLOY_HOME: join(work, "home") } });
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
};

describe("codeploy validate", () => {
  it("reports a dependsOn cycle with the whole cycle named", async () => {
    writeFileSync(
      join(work, "cycle.yaml"),
      stringify({
        services: [
          { name: "a", image: "acme/a:1", dependsOn: ["b"] },
          { name: "b", image: "acme/b:1", dependsOn: ["c"] },
          { name: "c", image: "acme/c:1", dependsOn: ["a"] },
        ],
      }),
    );
    const r = await run("validate", "cycle.yaml", "--json");
    expect(r.code).toBe(1);
    const { valid, issues } = JSON.parse(r.out) as {
      valid: boolean;
      issues: { path: string; message: string }[];
    };
    expect(valid).toBe(false);
    expect(issues).toContainEqual({
      path: "services[0].dependsOn",
      message:
        "dependency cycle: a -> b -> c -> a (each depends on the next); remove one of these dependsOn links",
    });
  });

  it("names the field of a bad cron expression, refuses a bad image and an upper-case domain, without --json", async () => {
    writeFileSync(
      join(work, "fields.yaml"),
      stringify({
        services: [
          { name: "nightly", kind: "cron", image: "Acme/Jobs:1", schedule: "0 24 * * *" },
          { name: "web", image: "nginx:1.27", domain: "Shop.example.com" },
        ],
      }),
    );
    const r = await run("validate", "fields.yaml");
    expect(r.code).toBe(1);
    expect(r.err).toContain('services[0].schedule: hour field "24"');
    expect(r.err).toContain("services[0].image:");
    expect(r.err).toContain('services[1].domain: must be lower case: write "shop.example.com"');
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
