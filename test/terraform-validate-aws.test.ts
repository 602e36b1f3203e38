/**
 * `terraform validate` of the rendered AWS modules against the real AWS
 * provider's schema (hashicorp/aws from a local filesystem mirror, offline):
 * every argument and block the renderer writes (Secrets Manager secrets, the
 * ECS `secrets`, per-service roles, the ElastiCache AUTH token...) must exist.
 * hashicorp/random is not in the mirror: its two resources are stood in for
 * by the built-in terraform_data, the only change made to the files.
 * Skips (with the reason) where the machine has no mirror of the provider.
 */
import { existsSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderTerraform } from "../src/render/terraform/index.js";
import {
  FRANKFURT,
  filesOf,
  fixtureSpec,
  removeTree,
  runTerraform,
  terraformBinary,
  writeTree,
} from "../src/render/terraform/test-io.js";
import { validateSpec } from "../src/spec/validate.js";

const MIRROR = "/opt/tf-plugins";
const hasAws = existsSync(`${MIRROR}/registry.terraform.io/hashicorp/aws`);

/** random_password / random_id -> terraform_data (same references, offline), and no random provider. */
function withoutRandom(text: string): string {
  return text
    .replace(
      /resource "random_password" "(\w+)" \{[^}]*\}/g,
      'resource "terraform_data" "rp_$1" {\n  input = "x"\n}',
    )
    .replace(
      /resource "random_id" "(\w+)" \{[^}]*\}/g,
      'resource "terraform_data" "ri_$1" {\n  input = "x"\n}',
    )
    .replace(/random_password\.(\w+)\.result/g, "terraform_data.rp_$1.output")
    .replace(/random_id\.(\w+)\.hex/g, "terraform_data.ri_$1.output")
    .replace(/\n\s*random\s*=\s*\{[^}]*\}/g, "");
}

/** rich-prod on ECS with named volumes (EFS) on a web service and a cron job, and commands. */
function withVolumes() {
  const rich = fixtureSpec("rich-prod", { cloud: "aws", region: FRANKFURT.aws, target: "terraform" });
  return validateSpec({
    ...rich,
    services: rich.services.map((s) => ({
      ...s,
      command: ["/bin/app"],
      args: ["--data", "/data"],
      volumes: s.kind === "worker" ? undefined : [{ name: "data", path: "/data", sizeGb: 20 }],
    })),
  });
}

const CASES = [
  { label: "everything (every engine, buckets, cron, NATS on ECS)", spec: () => fixtureSpec("everything") },
  {
    label: "rich-prod on ECS",
    spec: () => fixtureSpec("rich-prod", { cloud: "aws", region: FRANKFURT.aws, target: "terraform" }),
  },
  { label: "rich-prod on ECS with EFS volumes, commands and args", spec: withVolumes },
];

describe.skipIf(!terraformBinary || !hasAws)(
  `terraform validate of the AWS modules (needs terraform and hashicorp/aws in ${MIRROR})`,
  () => {
    it.each(CASES)(
      "$label is valid",
      async ({ spec }) => {
        const files = filesOf(renderTerraform(spec()));
        const module = await writeTree(
          Object.fromEntries(
            Object.entries(files).map(([path, text]) => [
              path.replace(/^terraform\//, ""),
              withoutRandom(text),
            ]),
          ),
        );
        try {
          writeFileSync(
            `${module}/cli.tfrc`,
            `provider_installation {\n  filesystem_mirror {\n    path = "${MIRROR}"\n  }\n}\n`,
          );
          const init = await runTerraform(["init", "-input=false", "-backend=false", "-no-color"], module, {
            TF_CLI_CONFIG_FILE: `${module}/cli.tfrc`,
          });
          expect(init.stderr).toBe("");
          expect(init.code).toBe(0);
          const validate = await runTerraform(["validate", "-no-color"], module, {
            TF_CLI_CONFIG_FILE: `${module}/cli.tfrc`,
          });
          expect(validate.stderr).toBe("");
          expect(validate.stdout).toContain("Success! The configuration is valid.");
          expect(validate.code).toBe(0);
        } finally {
          await removeTree(module);
        }
      },
      180_000,
    );
  },
);
