/**
 * Members from codeploy.yaml: the key read from the environment variable the
 * config names (or the provider's usual one), the price from the table or the
 * member's override, and a check of whether each member is usable.
 */
import type { ExpertsConfig } from "../core/config.js";
import { ConfigError } from "../core/errors.js";
import {
  createLlmClient,
  type FetchLike,
  type LlmClientOptions,
  type LlmProviderKind,
  priceOf,
} from "../llm/index.js";
import { keyEnvOf } from "../llm/keys.js";
import type { ExpertMember } from "./types.js";

type MemberConfig = ExpertsConfig["members"][number];
type Env = Readonly<Record<string, string | undefined>>;

/** Why a member cannot be asked before any call (a missing key), or undefined. */
export function configProblem(m: MemberConfig, env: Env): string | undefined {
  const keyEnv = keyEnvOf(m);
  if (keyEnv && !env[keyEnv]) return `missing key: set ${keyEnv}`;
  if (m.provider === "openai-compatible" && !m.baseUrl)
    return "missing baseUrl for an openai-compatible server";
  return undefined;
}

export function buildMember(m: MemberConfig, env: Env, clientOptions: LlmClientOptions = {}): ExpertMember {
  const keyEnv = keyEnvOf(m);
  const apiKey = keyEnv ? env[keyEnv] : undefined;
  return {
    name: m.name,
    client: createLlmClient(
      {
        provider: m.provider,
        model: m.model,
        ...(m.baseUrl ? { baseUrl: m.baseUrl } : {}),
        ...(apiKey ? { apiKey } : {}),
      },
      clientOptions,
    ),
    price: priceOf(m.provider, m.model, m.price),
  };
}

/** The members to ask: all usable ones, or those named (each must exist and be usable). */
export function selectMembers(
  config: ExpertsConfig,
  env: Env,
  names: readonly string[] | undefined,
  clientOptions: LlmClientOptions = {},
): ExpertMember[] {
  if (config.members.length === 0)
    throw new ConfigError("no experts are configured", {
      hint: "add experts.members to codeploy.yaml (see `codeploy experts list --help`)",
    });
  const wanted = names ?? config.members.map((m) => m.name);
  const chosen: ExpertMember[] = [];
  for (const name of wanted) {
    const m = config.members.find((x) => x.name === name);
    if (!m)
      throw new ConfigError(`unknown expert: ${name}`, {
        hint: `configured: ${config.members.map((x) => x.name).join(", ")}`,
      });
    const problem = configProblem(m, env);
    if (problem && names) throw new ConfigError(`expert ${name} cannot be asked: ${problem}`);
    if (!problem) chosen.push(buildMember(m, env, clientOptions));
  }
  if (chosen.length === 0)
    throw new ConfigError("no configured expert is usable", {
      hint: "run `codeploy experts list` to see why",
    });
  return chosen;
}

export interface MemberStatus {
  readonly name: string;
  readonly provider: LlmProviderKind;
  readonly model: string;
  readonly baseUrl: string | undefined;
  readonly usable: boolean;
  readonly reason: string | undefined;
  readonly priced: boolean;
}

function probeUrl(m: MemberConfig): string {
  const base = (m.baseUrl ?? "").replace(/\/+$/, "");
  switch (m.provider) {
    case "ollama":
      return `${base || "http://127.0.0.1:11434"}/api/tags`;
    case "anthropic":
      return `${base || "https://api.anthropic.com"}/v1/models`;
    case "gemini":
      return `${base || "https://generativelanguage.googleapis.com/v1beta"}/models`;
    default:
      return `${base || "https://api.openai.com/v1"}/models`;
  }
}

/** Reachable when the server answers at all; a 401/403 means the key is refused. */
async function probe(
  m: MemberConfig,
  env: Env,
  fetchFn: FetchLike,
  timeoutMs: number,
): Promise<string | undefined> {
  const keyEnv = keyEnvOf(m);
  const key = keyEnv ? env[keyEnv] : undefined;
  const headers: Record<string, string> = {};
  if (key && m.provider === "anthropic")
    Object.assign(headers, { "x-api-key": key, "anthropic-version": "2023-06-01" });
  else if (key && m.provider === "gemini") headers["x-goog-api-key"] = key;
  else if (key) headers.authorization = `Bearer ${key}`;
  try {
    const response = await fetchFn(probeUrl(m), {
      method: "GET",
      headers,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    if (response.status === 401 || response.status === 403) return `key refused (HTTP ${response.status})`;
    return undefined;
  } catch (cause) {
    return `unreachable: ${new URL(probeUrl(m)).origin} (${(cause as Error).name === "TimeoutError" ? "no answer" : (cause as Error).message})`;
  }
}

export async function memberStatuses(
  config: ExpertsConfig,
  env: Env,
  options: { fetch?: FetchLike; probeTimeoutMs?: number; probe?: boolean } = {},
): Promise<MemberStatus[]> {
  const fetchFn = options.fetch ?? ((u, i) => globalThis.fetch(u, i));
  return Promise.all(
    config.members.map(async (m) => {
      const reason =
        configProblem(m, env) ??
        (options.probe === false ? undefined : await probe(m, env, fetchFn, options.probeTimeoutMs ?? 3000));
      return {
        name: m.name,
        provider: m.provider,
        model: m.model,
        baseUrl: m.baseUrl,
        usable: reason === undefined,
        reason,
        priced: priceOf(m.provider, m.model, m.price) !== undefined,
      };
    }),
  );
}
