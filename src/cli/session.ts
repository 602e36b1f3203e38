/** What stateful commands share: the store, the actor, the providers' settings. */
import { homedir, hostname, userInfo } from "node:os";
import { resolve } from "node:path";
import { localActor } from "../core/actor.js";
import type { CodeployConfig } from "../core/config.js";
import { PROVIDER_NAMES, type ProviderName } from "../providers/names.js";
import { loadAuditKeyring } from "../state/audit-key.js";
import { openStateStore } from "../state/index.js";
import type { StateStore } from "../state/types.js";
import type { CliIo } from "./io.js";
import { codeployHome } from "./secret-seed.js";

export function actorOf(io: CliIo): string {
  if (io.env.CODEPLOY_ACTOR) return localActor(io.env.CODEPLOY_ACTOR);
  let user = "unknown";
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers): keep "unknown"
  }
  return localActor(`${user}@${hostname()}`);
}

/** CODEPLOY_HOME, or `home` of codeploy.yaml (~ expanded), or ~/.codeploy. */
export function homeOf(io: CliIo, config: CodeployConfig): string {
  const configured = config.home?.replace(/^~(?=$|\/)/, homedir());
  return configured ? resolve(config.baseDir, configured) : codeployHome(io);
}

/**
 * The store with the audit key and anchor: CODEPLOY_AUDIT_KEY (servers) or
 * `<home>/audit.key`, and `<home>/audit.head`, whichever database it is.
 */
export async function openStore(io: CliIo, config: CodeployConfig): Promise<StateStore> {
  const url = io.env.DATABASE_URL;
  const home = homeOf(io, config);
  return openStateStore({ ...(url ? { url } : {}), home, audit: loadAuditKeyring(home, io.env) });
}

export interface DeployFlags {
  /** destroy: remove data volumes too (docker). */
  readonly purgeData?: boolean;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
  /** The spec file's folder: services' chart.path are relative to it. */
  readonly chartRoot?: string;
}

/** A recorded provider name, when it is one this version knows. */
export function knownProvider(name: string | undefined): ProviderName | undefined {
  return PROVIDER_NAMES.find((n) => n === name);
}
