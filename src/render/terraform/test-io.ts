/**
 * Test support only (excluded from the build as test-io.ts): runs the real
 * terraform binary on rendered files in a temporary directory, offline (no
 * CLI config, no checkpoint, no input), and loads the fixture specs.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "../../spec/parse.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import { validateSpec } from "../../spec/validate.js";
import type { RenderResult, TerraformBlock } from "../types.js";
import { type HclBody, isBlock } from "./hcl.js";

export interface TerraformRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const CANDIDATES = ["/usr/local/bin/terraform", "/usr/bin/terraform"];

/** The terraform binary, or undefined when none is installed (tests then skip with that reason). */
export const terraformBinary: string | undefined = CANDIDATES.find((path) => existsSync(path));

/** `extraEnv` may replace the defaults (a CLI config naming a provider mirror, for validate). */
export function runTerraform(
  args: readonly string[],
  cwd: string,
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<TerraformRun> {
  const binary = terraformBinary;
  if (!binary) return Promise.reject(new Error("terraform is not installed"));
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: cwd,
    TF_CLI_CONFIG_FILE: "/dev/null",
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    TF_DATA_DIR: join(cwd, ".terraform"),
    ...extraEnv,
  };
  return new Promise((resolve) => {
    execFile(binary, [...args], { cwd, env, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Writes `files` (relative path -> content) into a fresh temporary directory. */
export async function writeTree(files: Readonly<Record<string, string>>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "codeploy-tf-"));
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content, "utf8");
  }
  return dir;
}

export function removeTree(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** `terraform fmt -check -diff -recursive` over the files; `diff` is empty when every file is canonical. */
export async function terraformFmtCheck(
  files: Readonly<Record<string, string>>,
): Promise<{ code: number; diff: string; stderr: string }> {
  const dir = await writeTree(files);
  try {
    const run = await runTerraform(["fmt", "-check", "-diff", "-recursive", "-no-color", "."], dir);
    return { code: run.code, diff: run.stdout, stderr: run.stderr };
  } finally {
    await removeTree(dir);
  }
}

// Fixture specs
export type Fixture = "rich-prod" | "everything";

function fixtureText(name: Fixture): string {
  return readFileSync(fileURLToPath(new URL(`./__fixtures__/${name}.yaml`, import.meta.url)), "utf8");
}

/** A fixture spec with fields replaced; `region: undefined` removes the region. */
export function fixtureSpec(name: Fixture, overrides: Record<string, unknown> = {}): DeploymentSpec {
  const doc = parseDocument(fixtureText(name), name);
  if (doc === null || typeof doc !== "object" || Array.isArray(doc))
    throw new Error(`fixture ${name} is not an object`);
  const merged: Record<string, unknown> = { ...doc, ...overrides };
  for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete merged[key];
  return validateSpec(merged);
}

/** The region near Frankfurt on each cloud, so that rich-prod stays valid when its cloud changes. */
export const FRANKFURT = { aws: "eu-central-1", gcp: "europe-west3", azure: "germanywestcentral" } as const;

export function findBlock(result: RenderResult, type: string, name: string): TerraformBlock {
  const found = (result.terraform ?? []).find(
    (b) => b.blockType === "resource" && b.labels[0] === type && b.labels[1] === name,
  );
  if (!found) throw new Error(`no resource ${type}.${name} in the rendered module`);
  return found;
}

/** The body of the nested block `key` (the first one when it repeats). */
export function nested(body: Readonly<Record<string, unknown>>, key: string): HclBody {
  const value = body[key];
  const first = Array.isArray(value) ? value[0] : value;
  if (!isBlock(first)) throw new Error(`${key} is not a nested block`);
  return first.body;
}

export function resourceTypes(result: RenderResult): string[] {
  return (result.terraform ?? []).filter((b) => b.blockType === "resource").map((b) => b.labels[0] ?? "");
}

export function fileText(result: RenderResult, name: string): string {
  const file = result.files.find((f) => f.path === `terraform/${name}`);
  if (!file) throw new Error(`no file terraform/${name}`);
  return file.content;
}

export function filesOf(result: RenderResult): Record<string, string> {
  return Object.fromEntries(result.files.map((f) => [f.path, f.content]));
}
