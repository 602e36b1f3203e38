/**
 * What every command's registration receives: the io, how to set the exit
 * code, the global options, and the service to call (local, or the server's
 * over HTTP). Registration modules are light (commander only); each command's
 * module is imported when it runs.
 */
import { InvalidArgumentError, Option } from "commander";
import { PROVIDER_NAMES } from "../providers/names.js";
import type { CodeService } from "../service/types.js";
import { TARGETS } from "../spec/targets.js";
import type { WithService } from "./commands/keys.js";
import type { CliIo } from "./io.js";
import type { LocalFlags, RemoteTarget } from "./service.js";

export interface CommandContext {
  readonly io: CliIo;
  readonly setExit: (code: number) => void;
  /** --config of the program. */
  readonly configOf: () => string | undefined;
  /** The server named by --server or CODEPLOY_SERVER; undefined runs locally. */
  readonly remoteOf: () => Promise<RemoteTarget | undefined>;
  /** The service of a command, with the flags the local one needs (provider settings). */
  readonly withService: (flags?: LocalFlags) => WithService;
  /** Runs a command with its service and sets the exit code from its answer. */
  readonly run: (flags: LocalFlags, command: (service: CodeService) => Promise<number>) => Promise<void>;
}

export const targetOption = () => new Option("-t, --target <target>", "deployment target").choices(TARGETS);

export const providerOption = () =>
  new Option("--provider <name>", "provider to deploy with (default: the spec's target)").choices(
    PROVIDER_NAMES,
  );

/** A whole number >= 1. */
export const intOption = (flag: string, description: string) =>
  new Option(flag, description).argParser((v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a whole number >= 1");
    return n;
  });
