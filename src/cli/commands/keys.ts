/**
 * `codeploy keys create|list|revoke|expire`: API keys of the server. Locally
 * they are managed on the store like the other state commands (each change
 * audited here); with `--server` the server does it and audits it, under the
 * token's name. `create` prints the key once; only its sha256 is stored.
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import { UsageError } from "../../core/errors.js";
import type { ApiClient } from "../../server/client.js";
import type { ApiKey, ApiKeyRole } from "../../state/keys.js";
import type { StateStore } from "../../state/types.js";
import { EXIT_OK } from "../exit.js";
import { type CliIo, printJson } from "../io.js";
import type { RemoteTarget } from "./remote.js";

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

/** A key as both the store and the API describe it. */
type KeyView = Omit<ApiKey, "expiresAt" | "revokedAt"> & {
  readonly expiresAt?: string | undefined;
  readonly revokedAt?: string | undefined;
};

interface KeyRequest {
  readonly name: string;
  readonly role: ApiKeyRole;
  readonly environments: readonly string[];
  readonly expiresInDays?: number;
}

/** Where keys are managed: the local store, or a server. */
interface KeyAdmin {
  create(request: KeyRequest): Promise<{ readonly apiKey: KeyView; readonly token: string }>;
  list(): Promise<readonly KeyView[]>;
  revoke(id: string): Promise<KeyView>;
  expire(id: string, at: Date | undefined): Promise<KeyView>;
}

/** The server named by --server (or CODEPLOY_SERVER); undefined: the local store. */
export type KeyAdminSource = () => Promise<RemoteTarget | undefined>;

const DAY_MS = 86_400_000;

async function withKeyAdmin<T>(
  io: CliIo,
  flags: Common,
  remoteOf: KeyAdminSource,
  fn: (admin: KeyAdmin) => Promise<T>,
): Promise<T> {
  const remote = await remoteOf();
  if (remote) return fn(serverKeyAdmin(await (await import("./remote.js")).clientFor(remote)));
  const [{ loadCliConfig }, { openStore, actorOf }] = await Promise.all([
    import("../settings.js"),
    import("../session.js"),
  ]);
  const store = await openStore(io, await loadCliConfig(io, flags.config));
  try {
    return await fn(storeKeyAdmin(store, actorOf(io)));
  } finally {
    await store.close();
  }
}

/** The server manages and audits the keys, under the token's name. */
function serverKeyAdmin(client: ApiClient): KeyAdmin {
  return {
    async create(r) {
      const { key, apiKey } = await client.createKey({
        name: r.name,
        role: r.role,
        environments: [...r.environments],
        ...(r.expiresInDays !== undefined ? { expiresInDays: r.expiresInDays } : {}),
      });
      return { apiKey, token: key };
    },
    list: async () => (await client.listKeys()).keys,
    revoke: (id) => client.revokeKey(id),
    expire: (id, at) => client.expireKey(id, at?.toISOString()),
  };
}

/** Keys on this machine's store; each change is audited here under the local actor. */
function storeKeyAdmin(store: StateStore, actor: string): KeyAdmin {
  const audit = (command: string, key: KeyView, details: Record<string, unknown>) =>
    store.appendAudit({ actor, command, target: `key:${key.name}`, outcome: "ok", details });
  return {
    async create(r) {
      const created = await store.apiKeys.create({
        name: r.name,
        role: r.role,
        environments: r.environments,
        ...(r.expiresInDays ? { expiresAt: new Date(Date.now() + r.expiresInDays * DAY_MS) } : {}),
        createdBy: actor,
      });
      const { apiKey } = created;
      await audit("keys.create", apiKey, {
        keyId: apiKey.id,
        role: apiKey.role,
        environments: apiKey.environments,
      });
      return created;
    },
    list: () => store.apiKeys.list(),
    async revoke(id) {
      const key = await store.apiKeys.revoke(id);
      await audit("keys.revoke", key, { keyId: key.id });
      return key;
    },
    async expire(id, at) {
      const key = await store.apiKeys.expire(id, at);
      await audit("keys.expire", key, { keyId: key.id, expiresAt: key.expiresAt });
      return key;
    },
  };
}

export async function keysCreateCommand(
  io: CliIo,
  flags: CreateKeyFlags,
  remoteOf: KeyAdminSource = async () => undefined,
): Promise<number> {
  return withKeyAdmin(io, flags, remoteOf, async (admin) => {
    const { apiKey, token } = await admin.create({
      name: flags.name,
      role: flags.role,
      environments: flags.env ?? [],
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

export async function keysListCommand(
  io: CliIo,
  flags: Common,
  remoteOf: KeyAdminSource = async () => undefined,
): Promise<number> {
  return withKeyAdmin(io, flags, remoteOf, async (admin) => {
    const keys = await admin.list();
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
  remoteOf: KeyAdminSource = async () => undefined,
): Promise<number> {
  const at = flags.at === undefined ? undefined : new Date(flags.at);
  if (at !== undefined && Number.isNaN(at.getTime())) {
    throw new UsageError(`--at ${flags.at} is not a date`, {
      hint: "use ISO 8601, such as 2026-12-31T23:59:00Z",
    });
  }
  return withKeyAdmin(io, flags, remoteOf, async (admin) => {
    const key = change === "revoke" ? await admin.revoke(id) : await admin.expire(id, at);
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
  remoteOf: KeyAdminSource = async () => undefined,
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
    .action(async (opts: CreateKeyFlags) => setExit(await keysCreateCommand(io, withConfig(opts), remoteOf)));
  keys
    .command("list")
    .description("every key with its role, environments and state (never the key itself)")
    .option("--json", "print as JSON")
    .action(async (opts: Common) => setExit(await keysListCommand(io, withConfig(opts), remoteOf)));
  keys
    .command("revoke")
    .description("revoke a key at once")
    .argument("<id>", "the key id (see `codeploy keys list`)")
    .option("--json", "print as JSON")
    .action(async (id: string, opts: Common) =>
      setExit(await keysChangeCommand(io, id, "revoke", withConfig(opts), remoteOf)),
    );
  keys
    .command("expire")
    .description("set a key's expiry (default: now)")
    .argument("<id>", "the key id")
    .option("--at <time>", "ISO 8601 time of expiry")
    .option("--json", "print as JSON")
    .action(async (id: string, opts: Common & { at?: string }) =>
      setExit(await keysChangeCommand(io, id, "expire", withConfig(opts), remoteOf)),
    );
}
