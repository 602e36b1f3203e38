/**
 * `codeploy logs APP --env ENV [--service S] [--follow] [--tail N]`: the
 * container logs of an app on the Docker engine, one line per log line with
 * the replica it came from (`web-1 | ...`); the containers' stderr goes to
 * stderr. `--follow` streams until Ctrl-C.
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import { CodeError } from "../../core/errors.js";
import type { LogLine } from "../../engine/provider.js";
import type { CodeService } from "../../service/types.js";
import { EXIT_OK } from "../exit.js";
import type { CliIo } from "../io.js";
import { withInterrupts } from "../signals.js";
import type { WithService } from "./keys.js";

export interface LogsFlags {
  readonly env: string;
  readonly service?: string;
  readonly follow?: boolean;
  readonly tail?: number;
  readonly timestamps?: boolean;
}

function printer(io: CliIo, width: number): (line: LogLine) => void {
  return (line) => {
    const text = `${line.source.padEnd(width)} | ${line.text}\n`;
    if (line.stream === "stderr") io.stderr(text);
    else io.stdout(text);
  };
}

export async function logsCommand(
  io: CliIo,
  app: string,
  flags: LogsFlags,
  withService: WithService = (fn) => withLocalService(io, fn),
): Promise<number> {
  const onLine = printer(io, (flags.service?.length ?? 8) + 2);
  const request = {
    app,
    environment: flags.env,
    ...(flags.service ? { service: flags.service } : {}),
    ...(flags.follow ? { follow: true } : {}),
    ...(flags.tail !== undefined ? { tail: flags.tail } : {}),
    ...(flags.timestamps ? { timestamps: true } : {}),
  };
  const count = await withService((service) =>
    flags.follow
      ? withInterrupts(io, (signal) => service.logs(request, onLine, signal))
      : service.logs(request, onLine, new AbortController().signal),
  );
  if (count === 0) {
    const what = `${app}/${flags.env}${flags.service ? ` (service ${flags.service})` : ""}`;
    throw new CodeError("NOT_DEPLOYED", `no containers of ${what} on the engine`, {
      hint: "check the names with `codeploy status`; logs exist only for apps deployed with the docker provider",
    });
  }
  return EXIT_OK;
}

async function withLocalService<T>(io: CliIo, fn: (service: CodeService) => Promise<T>): Promise<T> {
  const { withService } = await import("../service.js");
  return withService(io, undefined, {}, fn);
}

const tailOption = () =>
  new Option("-n, --tail <lines>", "lines from the end of each container's log (default: all)").argParser(
    (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a whole number >= 0");
      return n;
    },
  );

/** Adds `logs` to the program; the docker modules load only when the command runs. */
export function registerLogsCommands(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
  withService?: WithService,
): void {
  program
    .command("logs")
    .description("show the container logs of an app deployed on Docker (or podman)")
    .argument("<app>", "the app")
    .requiredOption("-e, --env <env>", "the environment")
    .option("-s, --service <name>", "one service (or database, cache, queue)")
    .option("-f, --follow", "keep printing new lines until Ctrl-C")
    .addOption(tailOption())
    .option("-t, --timestamps", "prefix each line with the engine's timestamp")
    .addHelpText(
      "after",
      "\nExamples:\n  codeploy logs shop --env staging --service web --tail 50\n  codeploy logs shop -e dev -f",
    )
    .action(async (app: string, opts: LogsFlags) => {
      setExit(await logsCommand(io, app, opts, withService));
    });
}
