import { resolve } from "node:path";
import { renderHelmChart } from "../../render/helm/index.js";
import { render } from "../../render/index.js";
import { resolveSecrets, secretEnvVar } from "../../spec/secret-refs.js";
import { requireSecretScope } from "../../spec/secret-scope.js";
import { EXIT_OK } from "../exit.js";
import { resolveSpecInput } from "../input.js";
import { type CliIo, printJson } from "../io.js";
import { writeRenderOutput } from "../render-output.js";
import { secretSeed } from "../secret-seed.js";
import { loadCliConfig, renderSettings, secretAccess } from "../settings.js";

export interface RenderFlags {
  readonly target?: string;
  readonly out: string;
  readonly json?: boolean;
  readonly config?: string;
  /** Write into a non-empty folder that an earlier render did not write. */
  readonly force?: boolean;
}

export async function renderCommand(io: CliIo, input: string, flags: RenderFlags): Promise<number> {
  const config = await loadCliConfig(io, flags.config);
  // helm: a chart of the kubernetes target's objects (the spec is read for kubernetes).
  const helm = flags.target === "helm";
  const { spec, assumptions } = await resolveSpecInput(
    io,
    input,
    helm ? "kubernetes" : flags.target,
    flags.config,
  );
  // Out-of-scope secrets are refused here too: render writes their values into files.
  requireSecretScope(spec, secretAccess(io, config));
  const secrets = resolveSecrets(spec, io.env);
  const options = { ...renderSettings(config), secretSeed: await secretSeed(io), secrets: secrets.values };
  const result = helm ? renderHelmChart(spec, options) : render(spec, options);
  const target = helm ? "helm" : result.target;
  const out = resolve(io.cwd, flags.out);
  const written = await writeRenderOutput(out, target, result.files, flags.force === true);
  if (flags.json) {
    printJson(io, {
      target,
      out,
      files: result.files.map((f) => f.path),
      removed: written.removed,
      keptEdited: written.keptEdited,
    });
    return EXIT_OK;
  }
  for (const a of assumptions) io.stderr(`assumed: ${a}\n`);
  for (const name of secrets.missing)
    io.stderr(
      `note: secret ${name} is not set (${secretEnvVar(name)}): the files refer to it without a value\n`,
    );
  io.stdout(`wrote ${result.files.length} ${helm ? "helm chart" : target} file(s) to ${out}:\n`);
  for (const f of result.files) io.stdout(`  ${f.path}\n`);
  for (const f of written.removed) io.stdout(`removed ${f} (no longer rendered)\n`);
  for (const f of written.keptEdited)
    io.stderr(`note: kept ${f}: no longer rendered, but edited since the last render\n`);
  return EXIT_OK;
}
