/**
 * `codeploy scan IMAGE|SPEC`. Registered at start-up with commander only; the
 * scanner (dockerode, tar, the CVSS calculator) loads when the command runs.
 */
import type { Command } from "commander";
import type { CliIo } from "../io.js";

const run = () => import("./scan.js");

export function registerScanCommands(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
  configOf: () => string | undefined,
): void {
  program
    .command("scan")
    .description(
      "inventory the packages of an image, or of every image a spec runs (dpkg, apk, rpm), read through the Docker Engine API without running it, and match them against an OSV vulnerability database, offline",
    )
    .argument("<target>", "an image reference (local to the engine), or a spec file (.yaml, .yml, .json)")
    .requiredOption("--db <path>", "OSV JSON: a file (one record or an array) or a folder of record files")
    .option(
      "--fail-on <severity>",
      "lowest severity that is an error: critical, high, medium, low, unknown",
      "high",
    )
    .option("--sbom <file>", "write the inventory as a CycloneDX 1.5 JSON SBOM")
    .option("--json", "print as JSON")
    .action(async (target: string, opts: { db: string; failOn?: string; sbom?: string; json?: boolean }) => {
      setExit(
        await (await run()).scanCommand(io, target, {
          ...opts,
          config: configOf(),
          toolVersion: program.version(),
        }),
      );
    });
}
