/**
 * `providers.terraform` in codeploy.yaml: which binary, which state backend,
 * and a few knobs. Validated here so a typo is reported with its path.
 */
import { z } from "zod";
import { ConfigError } from "../../core/errors.js";

const backendConfig = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const terraformSettingsSchema = z.strictObject({
  /** `terraform`, `tofu`, or a path. @default terraform on PATH, else tofu */
  binary: z.string().min(1).optional(),
  backend: z
    .strictObject({
      /** @default pg when DATABASE_URL is set, else local */
      type: z.enum(["local", "pg", "s3", "gcs", "azurerm"]),
      /** `-backend-config` pairs: bucket, region, key, resource_group_name... Credentials belong in the environment. */
      config: backendConfig.default({}),
    })
    .optional(),
  /** How long Terraform waits for a held state lock before failing, such as `30s`. @default "0s" */
  lockTimeout: z
    .string()
    .regex(/^\d+(ms|s|m)$/, "a duration such as 0s, 30s or 2m")
    .optional(),
  /** Terraform CLI configuration (provider mirrors, plugin cache), relative to codeploy.yaml. @default $TF_CLI_CONFIG_FILE or ~/.terraformrc when present, else none */
  cliConfigFile: z.string().min(1).optional(),
  /**
   * `.tf` files (paths relative to codeploy.yaml) added to every module this provider applies, as
   * `extra_<name>.tf`: resources of other providers beside the rendered ones (a `local_file` per
   * service...), or `*_override.tf` files. Name resources after a component to have them owned by it.
   * @default none
   */
  moduleFiles: z
    .array(z.string().min(1).regex(/\.tf$/, "a .tf file"))
    .max(32)
    .refine((files) => new Set(files.map(baseName)).size === files.length, "two files with the same name")
    .optional(),
  /** Lets a production apply replace or delete resources of data services the spec keeps. @default false */
  allowDataLoss: z.boolean().optional(),
});

function baseName(path: string): string {
  return path.split(/[\\/]/).at(-1) ?? path;
}

/** What `moduleFiles` become in the module: `extra_<name>`, so no rendered file is replaced. */
export function moduleFilePath(path: string): string {
  return `extra_${baseName(path)}`;
}

export type TerraformSettings = z.output<typeof terraformSettingsSchema>;
export type BackendType = NonNullable<TerraformSettings["backend"]>["type"];

/** Validates `providers.terraform` (undefined gives the defaults). */
export function parseTerraformSettings(raw: unknown): TerraformSettings {
  const parsed = terraformSettingsSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map(
    (i) => `providers.terraform${i.path.map((p) => `.${String(p)}`).join("")}: ${i.message}`,
  );
  throw new ConfigError(`invalid terraform settings:\n  ${lines.join("\n  ")}`, {
    hint: "see the README's configuration section (providers.terraform)",
  });
}
