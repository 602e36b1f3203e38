/**
 * Terraform drift end to end, offline, from `plan -refresh-only` of real
 * providers built from the Go module proxy into a filesystem mirror by
 * .ci/run: hashicorp/local 1.4.0 (a `local_file`) and codeploy/codeployfile
 * (test/tools/, on terraform-plugin-framework: its refresh reads a file's
 * content and mode back). One file per service is added to the module that
 * CODE renders through `providers.terraform.moduleFiles`. `codeploy apply`
 * creates them; they are then edited, chmod-ed and deleted by hand, and
 * `codeploy drift` names each resource, and each attribute the refresh read
 * (exit 3), as JSON too, without writing the state. Skipped (with the reason)
 * where the mirror was not built; under CI that is a failure.
 */
import {
  chmodSync,
  type Dirent,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { main } from "../src/cli/main.js";
import { captureIo } from "../src/cli/test-io.js";
import { terraformBinary } from "../src/providers/terraform/test-support.js";

const VERSION = "1.4.0";
const mirror = process.env.CODEPLOY_TF_MIRROR ?? join(homedir(), ".cache/codeploy-tools/tf-mirror");
const plugins = [
  `registry.terraform.io/hashicorp/local/${VERSION}/linux_amd64/terraform-provider-local_v${VERSION}`,
  "registry.terraform.io/codeploy/codeployfile/0.1.0/linux_amd64/terraform-provider-codeployfile_v0.1.0",
].map((p) => join(mirror, p));
const ready = plugins.every((p) => existsSync(p)) && terraformBinary !== undefined;
if (!ready) {
  const reason = `hashicorp/local ${VERSION} or codeploy/codeployfile is not in the mirror ${mirror} (.ci/run builds them)`;
  if (process.env.CI) throw new Error(`${reason}; CI is set, so this fails`);
  console.warn(`skipping terraform refresh drift: ${reason}`);
}

const work = mkdtempSync(join(tmpdir(), "codeploy-tf-drift-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = async (argv: string[]) => {
  const io = captureIo({
    cwd: work,
    env: { ...process.env, CODEPLOY_HOME: join(work, "home"), CODEPLOY_ACTOR: "ana" },
  });
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
};

const files = { web: join(work, "web.txt"), worker: join(work, "worker.txt"), cron: join(work, "cron.txt") };

describe.skipIf(!ready)(
  "terraform drift from refresh-only on real providers (hashicorp/local, codeployfile)",
  () => {
    writeFileSync(
      join(work, "cli.tfrc"),
      `provider_installation {\n  filesystem_mirror {\n    path = "${mirror}"\n  }\n}\n`,
    );
    // Resources named after services: each is owned by its component.
    writeFileSync(
      join(work, "files.tf"),
      [
        `terraform {\n  required_providers {\n    local = { source = "hashicorp/local", version = "${VERSION}" }\n    codeployfile = { source = "codeploy/codeployfile", version = "0.1.0" }\n  }\n}`,
        `resource "local_file" "web" {\n  filename = "${files.web}"\n  content  = "web v1"\n}`,
        ...(["worker", "cron"] as const).map(
          (name) =>
            `resource "codeployfile_file" "${name}" {\n  path    = "${files[name]}"\n  content = "${name} v1"\n  mode    = "0644"\n}`,
        ),
      ].join("\n\n"),
    );
    writeFileSync(
      join(work, "codeploy.yaml"),
      stringify({
        providers: { terraform: { cliConfigFile: "./cli.tfrc", moduleFiles: ["./files.tf"] } },
      }),
    );
    writeFileSync(
      join(work, "spec.yaml"),
      stringify({
        name: "files",
        environment: "staging",
        cloud: "local",
        target: "terraform",
        services: [
          { name: "web", image: "acme/web:1", port: 8080 },
          { name: "worker", kind: "worker", image: "acme/worker:1" },
          { name: "cron", kind: "worker", image: "acme/cron:1" },
        ],
      }),
    );

    it("applies, reports nothing, then names each file changed or deleted by hand (exit 3)", async () => {
      const applied = await run(["apply", "spec.yaml", "--yes"]);
      expect(applied.err).not.toMatch(/error/i);
      expect(applied.code).toBe(0);
      expect(readFileSync(files.web, "utf8")).toBe("web v1");

      const clean = await run(["drift", "files", "--env", "staging", "--json"]);
      expect(clean.code, clean.err).toBe(0);
      expect(JSON.parse(clean.out)).toMatchObject({ drifted: false, resources: 0, provider: "terraform" });

      writeFileSync(files.web, "edited by hand");
      writeFileSync(files.worker, "worker by hand");
      chmodSync(files.worker, 0o600);
      unlinkSync(files.cron);
      const ws = join(work, "home", "terraform");
      const stateBefore = JSON.stringify(snapshot(ws));

      const drifted = await run(["drift", "files", "--env", "staging", "--json"]);
      expect(drifted.code, drifted.err).toBe(3);
      const answer = JSON.parse(drifted.out) as {
        resources: number;
        items: { name: string; change: string }[];
      };
      expect(answer.resources).toBe(3);
      // hashicorp/local reads a file whose content no longer matches its id as gone: the refresh drops it.
      // codeployfile reads content and mode back: each is an attribute of the refresh's resource_drift.
      expect(answer.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: "local_file", name: "local_file.web", change: "missing" }),
          {
            kind: "codeployfile_file",
            name: "codeployfile_file.worker",
            change: "changed",
            path: "/content",
            expected: "worker v1",
            actual: "worker by hand",
          },
          {
            kind: "codeployfile_file",
            name: "codeployfile_file.worker",
            change: "changed",
            path: "/mode",
            expected: "0644",
            actual: "0600",
          },
          expect.objectContaining({
            kind: "codeployfile_file",
            name: "codeployfile_file.cron",
            change: "missing",
          }),
        ]),
      );

      const text = await run(["drift", "files", "--env", "staging"]);
      expect(text.code).toBe(3);
      expect(text.out).toContain("local_file.web");
      expect(text.out).toContain("codeployfile_file.worker /content");
      expect(text.out).toContain("codeployfile_file.cron");
      // Read-only: no state written, the files stay as they were left by hand.
      expect(JSON.stringify(snapshot(ws))).toBe(stateBefore);
      expect(readFileSync(files.web, "utf8")).toBe("edited by hand");
      expect(readFileSync(files.worker, "utf8")).toBe("worker by hand");
      expect(existsSync(files.cron)).toBe(false);

      // The drift is recorded as an event of its own, listed by `drift --history`.
      const history = await run(["drift", "files", "--env", "staging", "--history", "--json"]);
      expect(history.code, history.err).toBe(0);
      const events = (JSON.parse(history.out) as { events: { resources: number; checker: string }[] }).events;
      // Two checks found it (--json, then text): two events.
      expect(events.map((e) => [e.resources, e.checker])).toEqual([
        [3, "ana"],
        [3, "ana"],
      ]);
    }, 240_000);
  },
);

/** Every terraform.tfstate under the provider's folder, with its content. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    const entries: Dirent[] = readdirSync(d, { withFileTypes: true });
    for (const entry of entries) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === "terraform.tfstate") out[path] = readFileSync(path, "utf8");
    }
  };
  walk(dir);
  return out;
}
