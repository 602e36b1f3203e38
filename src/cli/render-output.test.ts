import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { main } from "./main.js";
import { MANIFEST } from "./render-output.js";
import { captureIo } from "./test-io.js";

const work = mkdtempSync(join(tmpdir(), "codeploy-render-out-"));
const run = async (...argv: string[]) => {
  const io = captureIo({ cwd: work, env: { CODEPLOY_HOME: join(work, "home") } });
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
};
const spec = (services: string[]) =>
  stringify({ name: "shop", services: services.map((name) => ({ name, image: "nginx:1.27", port: 8080 })) });

describe("codeploy render --out", () => {
  it("refuses a non-empty folder it did not write, exit 1 with a hint, and leaves it untouched", async () => {
    const dir = join(work, "mine");
    mkdirSync(dir);
    writeFileSync(join(dir, "compose.yaml"), "my own compose file\n");
    const r = await run("render", "deploy nginx", "--out", "mine");
    expect(r.code).toBe(1);
    expect(r.err).toContain("is not empty (compose.yaml) and was not written by codeploy render");
    expect(r.err).toContain("hint:");
    expect(r.err).toContain("--force");
    expect(readFileSync(join(dir, "compose.yaml"), "utf8")).toBe("my own compose file\n");
    expect(existsSync(join(dir, MANIFEST))).toBe(false);
  });

  it("writes into that folder with --force", async () => {
    const dir = join(work, "forced");
    mkdirSync(dir);
    writeFileSync(join(dir, "notes.txt"), "keep me\n");
    const r = await run("render", "deploy nginx", "--out", "forced", "--force");
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, "compose.yaml"), "utf8")).toContain("services:");
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("keep me\n");
  });

  it("re-renders into its own output, removing what is no longer rendered unless it was edited", async () => {
    writeFileSync(join(work, "two.yaml"), spec(["web", "api"]));
    writeFileSync(join(work, "one.yaml"), spec(["web"]));
    const first = await run("render", "two.yaml", "--target", "kubernetes", "--out", "k8s");
    expect(first.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(work, "k8s", MANIFEST), "utf8")) as {
      files: { path: string }[];
    };
    const apiFiles = manifest.files.map((f) => f.path).filter((p) => p.includes("-api"));
    expect(apiFiles.length).toBeGreaterThan(1);
    const [edited, ...untouched] = apiFiles;
    writeFileSync(join(work, "k8s", edited ?? ""), "# edited by hand\n");

    const again = await run("render", "one.yaml", "--target", "kubernetes", "--out", "k8s", "--json");
    expect(again.code).toBe(0);
    const result = JSON.parse(again.out) as { removed: string[]; keptEdited: string[] };
    expect(result.removed.sort()).toEqual([...untouched].sort());
    expect(result.keptEdited).toEqual([edited]);
    for (const f of untouched) expect(existsSync(join(work, "k8s", f))).toBe(false);
    expect(readFileSync(join(work, "k8s", edited ?? ""), "utf8")).toBe("# edited by hand\n");
  });

  it("refuses to overwrite a file of the folder that an earlier render did not write", async () => {
    expect((await run("render", "deploy nginx", "--out", "mixed")).code).toBe(0);
    // Same folder, another target: its files were never in the manifest.
    mkdirSync(join(work, "mixed", "kubernetes"));
    writeFileSync(join(work, "mixed", "kubernetes", "kustomization.yaml"), "mine\n");
    const r = await run("render", "deploy nginx", "--target", "kubernetes", "--out", "mixed");
    expect(r.code).toBe(1);
    expect(r.err).toContain("kubernetes/kustomization.yaml");
    expect(readFileSync(join(work, "mixed", "kubernetes", "kustomization.yaml"), "utf8")).toBe("mine\n");
  });

  it("replaces a symlink planted in its folder instead of writing through it", async () => {
    expect((await run("render", "deploy nginx", "--out", "linked")).code).toBe(0);
    const victim = join(work, "victim.txt");
    writeFileSync(victim, "precious\n");
    const target = join(work, "linked", "compose.yaml");
    rmSync(target);
    symlinkSync(victim, target);
    expect((await run("render", "deploy nginx", "--out", "linked")).code).toBe(0);
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(readFileSync(target, "utf8")).toContain("services:");
  });

  it("refuses a file named as the folder", async () => {
    writeFileSync(join(work, "plain-file"), "x");
    const r = await run("render", "deploy nginx", "--out", "plain-file");
    expect(r.code).toBe(1);
    expect(r.err).toContain("is not a folder");
  });
});
