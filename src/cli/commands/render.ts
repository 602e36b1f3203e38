import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { render } from "../../render/index.js";
import { resolveSecrets, secretEnvVar } from "../../spec/secret-refs.js";
import { requireSecretScope } from "../../spec/secret-scope.js";
import { EXIT_OK } from "../exit.js";
import { resolveSpecInput } from "../input.js";
import { type CliIo, printJson } from "../io.js";
import { secretSeed } from "../secret-seed.js";
import { loadCliConfig, secretAccess } from "../settings.js";

export interface RenderFlags {
  readonly target?: string;
  readonly out: string;
  readonly json?: boolean;
  readonly config?: string;
}

export async function renderCommand(io: CliIo, input: string, flags: RenderFlags): Promise<number> {
  const config = await loadCliConfig(io, flags.config);
  const { spec, assumptions } = await resolveSpecInput(io, input, flags.target, flags.config);
  // Out-of-scope secrets are refused here too: render writes their values into files.
  requireSecretScope(spec, secretAccess(io, config));
  const secrets = resolveSecrets(spec, io.env);
  const result = render(spec, { secretSeed: await secretSeed(io), secrets: secrets.values });
  const out = resolve(io.cwd, flags.out);
  for (const file of result.files) {
    const path = join(out, file.path);
    await mkdir(dirname(path), { recursive: true });
    // Artifacts can hold generated credentials (Kubernetes Secret, compose env): owner-only.
    await writeFile(path, file.content, { mode: 0o600 });
  }
  if (flags.json) {
    printJson(io, { target: result.target, out, files: result.files.map((f) => f.path) });
    return EXIT_OK;
  }
  for (const a of assumptions) io.stderr(`assumed: ${a}\n`);
  for (const name of secrets.missing)
    io.stderr(
      `note: secret ${name} is not set (${secretEnvVar(name)}): the files refer to it without a value\n`,
    );
  io.stdout(`wrote ${result.files.length} ${result.target} file(s) to ${out}:\n`);
  for (const f of result.files) io.stdout(`  ${f.path}\n`);
  return EXIT_OK;
}
