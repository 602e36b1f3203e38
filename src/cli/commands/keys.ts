/**
 * `codeploy keys create|list|revoke|expire`: API keys of the server. Locally
 * they are managed on the store like the other state commands (each change
 * audited here); with `--server` the server does it and audits it, under the
 * token's name. `create` prints the key once; only its sha256 is stored.
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import { UsageError } from "../../core/errors.js";
import type { CodeService, KeyView } from "../../service/types.js";
import type { ApiKeyRole } from "../../state/keys.js";
import { EXIT_OK } from "../exit.js";
import { type CliIo, printJson } from "../io.js";

interface Common {
  readonly json?: boolean;
}

export interface CreateKeyFlags extends Common {
  readonly name: string;
  readonly role: ApiKeyRole;
  readonly env?: readonly string[];
  readonly expiresInDays?: number;
}

/** Runs a command with the service (local store, or the server named by --server). */
export type WithService = <T>(fn: (service: CodeService) => Promise<T>) => Promise<T>;

export async function keysCreateCommand(
  io: CliIo,
  flags: CreateKeyFlags,
  withService: WithService,
): Promise<number> {
  return withService(async (service) => {
    const { apiKey, token } = await service.keys.create({
      name: flags.name,
      role: flags.role,
      environments: [...(flags.env ?? [])],
      ...(flags.expiresInDays !== undefined ? { expiresInDays: flags.expiresInDays } : {}),
    });
    if (flags.json) printJson(io, { key: token, apiKey });
    else {
      io.stdout(`${token}\n`);
      io.stderr(
        `created ${apiKey.role} key ${apiKey.id} "${apiKey.name}" (${scope(apiKey)}${apiKey.expiresAt ? `, expires ${apiKey.expiresAt}` : ""})\n` +
          "  this is the only time the key is shown: store it now (only its hash is kept)\n",
      );
    }
    return EXIT_OK;
  });
}

function scope(key: KeyView): string {
  return key.environments.length === 0 ? "all environments" : `environments: ${key.environments.join(", ")}`;
}

export async function keysListCommand(io: CliIo, flags: Common, withService: WithService): Promise<number> {
  return withService(async (service) => {
    const keys = await service.keys.list();
    if (flags.json) {
      printJson(io, { keys });
      return EXIT_OK;
    }
    if (keys.length === 0)
      io.stdout("no API keys: create one with `codeploy keys create --name N --role R`\n");
    for (const k of keys) {
      io.stdout(
        `${k.id}  ${k.name.padEnd(20)} ${k.role.padEnd(8)} ${k.state.padEnd(7)} ${scope(k)}${k.expiresAt ? `  expires ${k.expiresAt}` : ""}\n`,
      );
    }
    return EXIT_OK;
  });
}

export async function keysChangeCommand(
  io: CliIo,
  id: string,
  change: "revoke" | "expire",
  flags: Common & { at?: string },
  withService: WithService,
): Promise<number> {
  const at = flags.at === undefined ? undefined : new Date(flags.at);
  if (at !== undefined && Number.isNaN(at.getTime())) {
    throw new UsageError(`--at ${flags.at} is not a date`, {
      hint: "use ISO 8601, such as 2026-12-31T23:59:00Z",
    });
  }
  return withService(async (service) => {
    const key = change === "revoke" ? await service.keys.revoke(id) : await service.keys.expire(id, at);
    if (flags.json) printJson(io, key);
    else
      io.stdout(
        `${key.id} "${key.name}": ${key.state}${change === "expire" ? ` (expires ${key.expiresAt})` : ""}\n`,
      );
    return EXIT_OK;
  });
}

const days = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a whole number of days >= 1");
  return n;
};

export function registerKeysCommands(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
  withService: WithService,
): void {
  const keys = program
    .command("keys")
    .description("API keys of `codeploy serve` (only their hashes are stored)");
  keys
    .command("create")
    .description("create an API key and print it once")
    .requiredOption("-n, --name <name>", "who or what uses it (recorded as the actor)")
    .addOption(
      new Option("-r, --role <role>", "what it may do")
        .choices(["viewer", "deployer", "admin"])
        .makeOptionMandatory(),
    )
    .option("-e, --env <env...>", "environments it may act on (default: all; production changes need admin)")
    .addOption(new Option("--expires-in-days <days>", "expire after this many days").argParser(days))
    .option("--json", "print {key, apiKey} as JSON")
    .action(async (opts: CreateKeyFlags) => setExit(await keysCreateCommand(io, opts, withService)));
  keys
    .command("list")
    .description("every key with its role, environments and state (never the key itself)")
    .option("--json", "print as JSON")
    .action(async (opts: Common) => setExit(await keysListCommand(io, opts, withService)));
  keys
    .command("revoke")
    .description("revoke a key at once")
    .argument("<id>", "the key id (see `codeploy keys list`)")
    .option("--json", "print as JSON")
    .action(async (id: string, opts: Common) =>
      setExit(await keysChangeCommand(io, id, "revoke", opts, withService)),
    );
  keys
    .command("expire")
    .description("set a key's expiry (default: now)")
    .argument("<id>", "the key id")
    .option("--at <time>", "ISO 8601 time of expiry")
    .option("--json", "print as JSON")
    .action(async (id: string, opts: Common & { at?: string }) =>
      setExit(await keysChangeCommand(io, id, "expire", opts, withService)),
    );
}
