/**
 * `codeploy keys create|list|revoke|expire`: API keys of the server, managed
 * on the local store like the other state commands. `create` prints the key
 * once; only its sha256 is stored. Each change writes an audit record.
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import { UsageError } from "../../core/errors.js";
import type { ApiKey, ApiKeyRole } from "../../state/keys.js";
import type { StateStore } from "../../state/types.js";
import { EXIT_OK } from "../exit.js";
import { type CliIo, printJson } from "../io.js";

interface Common {
  readonly json?: boolean;
  readonly config?: string;
}

export interface CreateKeyFlags extends Common {
  readonly name: string;
  readonly role: ApiKeyRole;
  readonly env?: readonly string[];
  readonly expiresInDays?: number;
}

const DAY_MS = 86_400_000;

async function withStore<T>(io: CliIo, flags: Common, fn: (store: StateStore, actor: string) => Promise<T>) {
  const [{ loadCliConfig }, { openStore, actorOf }] = await Promise.all([
    import("../settings.js"),
    import("../session.js"),
  ]);
  const store = await openStore(io, await loadCliConfig(io, flags.config));
  try {
    return await fn(store, actorOf(io));
  } finally {
    await store.close();
  }
}

export async function keysCreateCommand(io: CliIo, flags: CreateKeyFlags): Promise<number> {
  return withStore(io, flags, async (store, actor) => {
    const { apiKey, token } = await store.apiKeys.create({
      name: flags.name,
      role: flags.role,
      environments: flags.env ?? [],
      ...(flags.expiresInDays ? { expiresAt: new Date(Date.now() + flags.expiresInDays * DAY_MS) } : {}),
      createdBy: actor,
    });
    await store.appendAudit({
      actor,
      command: "keys.create",
      target: `key:${apiKey.name}`,
      outcome: "ok",
      details: { keyId: apiKey.id, role: apiKey.role, environments: apiKey.environments },
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

function scope(key: ApiKey): string {
  return key.environments.length === 0 ? "all environments" : `environments: ${key.environments.join(", ")}`;
}

export async function keysListCommand(io: CliIo, flags: Common): Promise<number> {
  return withStore(io, flags, async (store) => {
    const keys = await store.apiKeys.list();
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
): Promise<number> {
  const at = flags.at === undefined ? undefined : new Date(flags.at);
  if (at !== undefined && Number.isNaN(at.getTime())) {
    throw new UsageError(`--at ${flags.at} is not a date`, {
      hint: "use ISO 8601, such as 2026-12-31T23:59:00Z",
    });
  }
  return withStore(io, flags, async (store, actor) => {
    const key = change === "revoke" ? await store.apiKeys.revoke(id) : await store.apiKeys.expire(id, at);
    await store.appendAudit({
      actor,
      command: `keys.${change}`,
      target: `key:${key.name}`,
      outcome: "ok",
      details: { keyId: key.id, ...(key.expiresAt ? { expiresAt: key.expiresAt } : {}) },
    });
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
  configOf: () => string | undefined,
): void {
  const withConfig = <T extends object>(opts: T) => {
    const config = configOf();
    return config ? { ...opts, config } : opts;
  };
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
    .action(async (opts: CreateKeyFlags) => setExit(await keysCreateCommand(io, withConfig(opts))));
  keys
    .command("list")
    .description("every key with its role, environments and state (never the key itself)")
    .option("--json", "print as JSON")
    .action(async (opts: Common) => setExit(await keysListCommand(io, withConfig(opts))));
  keys
    .command("revoke")
    .description("revoke a key at once")
    .argument("<id>", "the key id (see `codeploy keys list`)")
    .option("--json", "print as JSON")
    .action(async (id: string, opts: Common) =>
      setExit(await keysChangeCommand(io, id, "revoke", withConfig(opts))),
    );
  keys
    .command("expire")
    .description("set a key's expiry (default: now)")
    .argument("<id>", "the key id")
    .option("--at <time>", "ISO 8601 time of expiry")
    .option("--json", "print as JSON")
    .action(async (id: string, opts: Common & { at?: string }) =>
      setExit(await keysChangeCommand(io, id, "expire", withConfig(opts))),
    );
}
