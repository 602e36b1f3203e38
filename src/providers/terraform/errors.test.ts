/** Classification of failures captured once from the real terraform 1.11 (`__fixtures__/*.jsonl`). */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { classifyFailure, diagnosticsFromText } from "./errors.js";
import { type Diagnostic, parseEventLines } from "./events.js";

function diagnostics(fixture: string): Diagnostic[] {
  const text = readFileSync(new URL(`./__fixtures__/${fixture}`, import.meta.url), "utf8");
  return parseEventLines(text).flatMap((e) => (e.type === "diagnostic" ? [e.diagnostic] : []));
}

const classify = (fixture: string, command = "plan") =>
  classifyFailure({ command, dir: "/work/mod", diagnostics: diagnostics(fixture), stderr: "", exitCode: 1 });

describe("classifyFailure", () => {
  it("turns a held state lock into LOCKED with the lock id, the holder and the force-unlock hint", () => {
    const error = classify("state-lock.jsonl");
    expect(error.code).toBe("LOCKED");
    expect(error.lockId).toBe("321fd639-07aa-bdd2-b52e-915bd453ad7e");
    expect(error.message).toContain("locked by root@vm since 2026-11-22 00:42:16");
    expect(error.hint).toContain("terraform force-unlock 321fd639-07aa-bdd2-b52e-915bd453ad7e");
    expect(error.hint).toContain("/work/mod");
    expect(error.retryable).toBe(false);
  });

  it("explains a registry that cannot be reached, with mirrors and TF_CLI_CONFIG_FILE in the hint", () => {
    const error = classify("provider-download.jsonl", "init");
    expect(error.code).toBe("TF_PROVIDER_DOWNLOAD");
    expect(error.message).toContain("hashicorp/aws");
    expect(error.message).toContain("could not connect to registry.terraform.io");
    expect(error.hint).toContain("mirror");
    expect(error.hint).toContain("TF_CLI_CONFIG_FILE");
  });

  it("names missing credentials of the s3 and gcs backends", () => {
    const s3 = classify("auth-s3.jsonl", "init");
    expect(s3.code).toBe("TF_AUTH");
    expect(s3.message).toContain("No valid credential sources found");
    const gcs = classify("auth-gcs.jsonl", "init");
    expect(gcs.code).toBe("TF_AUTH");
    expect(gcs.message).toContain("could not find default credentials");
    expect(gcs.hint).toContain("GOOGLE_APPLICATION_CREDENTIALS");
  });

  it("lists invalid configuration with file:line, once per problem", () => {
    const error = classify("invalid-config.jsonl", "init");
    expect(error.code).toBe("TF_CONFIG_INVALID");
    expect(error.message).toContain("main.tf:4: Unclosed configuration block");
    expect(error.message.match(/Missing name for resource/g)).toHaveLength(1);
  });

  it("keeps Terraform's words for a failed provisioner, with the resource address", () => {
    const error = classify("provisioner-failed.jsonl", "apply");
    expect(error.code).toBe("TF_FAILED");
    expect(error.message).toBe(
      "terraform apply failed: terraform_data.bad at fail.tf:2: local-exec provisioner error: Error running command 'echo boom >&2; exit 3': exit status 3. Output: boom",
    );
  });

  it("recognises a stale saved plan and a changed backend", () => {
    expect(classify("plan-stale.jsonl", "apply").code).toBe("TF_PLAN_STALE");
    const changed = classify("backend-changed.jsonl", "init");
    expect(changed.code).toBe("TF_BACKEND_CHANGED");
    expect(changed.hint).toContain("terraform init -migrate-state");
  });

  it("reads diagnostics from Terraform's boxed text when there is no JSON", () => {
    const stderr =
      '\u001b[31m╷\u001b[0m\n│ Error: Workspace "x" doesn\'t exist.\n│ \n│ You can create this workspace with the "new" subcommand.\n╵\n';
    expect(diagnosticsFromText(stderr)).toEqual([
      {
        severity: "error",
        summary: 'Workspace "x" doesn\'t exist.',
        detail: 'You can create this workspace with the "new" subcommand.',
      },
    ]);
    const error = classifyFailure({ command: "workspace", dir: "/m", diagnostics: [], stderr, exitCode: 1 });
    expect(error.message).toContain('terraform workspace failed: Workspace "x" doesn\'t exist.');
  });
});
