/**
 * The service a command talks to: the local one (this machine's store,
 * engine, providers and codeploy.yaml) or, with `--server URL` (or
 * CODEPLOY_SERVER), the HTTP one. Commands parse, call it and print; they
 * hold no business rule, so both modes answer alike by construction.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { NotFoundError, SpecValidationError, UsageError } from "../core/errors.js";
import type { ProviderName } from "../providers/names.js";
import type { CodeService, SpecInput } from "../service/types.js";
import { type CliIo, readTextFile } from "./io.js";

export interface RemoteTarget {
  readonly url: string;
  readonly token?: string;
}

/** The server to use, from flags or environment; undefined means: run locally. */
export function remoteTarget(
  io: CliIo,
  flags: { server?: string; token?: string },
): RemoteTarget | undefined {
  const url = flags.server ?? io.env.CODEPLOY_SERVER;
  if (!url) return undefined;
  if (!/^https?:\/\//.test(url)) {
    throw new UsageError(`--server ${url} is not an http(s) URL`, {
      hint: "for example http://127.0.0.1:8080",
    });
  }
  const token = flags.token ?? io.env.CODEPLOY_TOKEN;
  const host = new URL(url).hostname;
  if (token && url.startsWith("http://") && !["127.0.0.1", "localhost", "[::1]"].includes(host)) {
    io.stderr(`warning: sending the token to ${host} over plain HTTP; use https\n`);
  }
  return { url, ...(token ? { token } : {}) };
}

/** What the local service needs from the command line besides codeploy.yaml. */
export interface LocalFlags {
  readonly config?: string | undefined;
  readonly provider?: ProviderName | undefined;
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly namespace?: string | undefined;
  readonly purgeData?: boolean | undefined;
  /** The folder of the spec file on the command line: services' chart.path are relative to it. */
  readonly chartRoot?: string | undefined;
}

/** `{ chartRoot }` when the input names a spec file (a local chart's path is relative to its folder). */
export function specFolder(io: CliIo, input: string): { chartRoot?: string } {
  const path = resolve(io.cwd, input);
  return input !== "-" && existsSync(path) && statSync(path).isFile() ? { chartRoot: dirname(path) } : {};
}

/** Runs `fn` with the service of this command, and closes what it opened. */
export async function withService<T>(
  io: CliIo,
  remote: RemoteTarget | undefined,
  flags: LocalFlags,
  fn: (service: CodeService) => Promise<T>,
): Promise<T> {
  if (remote) {
    const [{ createApiClient }, { createHttpService }] = await Promise.all([
      import("../service/api-client.js"),
      import("../service/http.js"),
    ]);
    const client = createApiClient({ baseUrl: remote.url, ...(remote.token ? { token: remote.token } : {}) });
    return fn(createHttpService(client, remote.url));
  }
  const { openLocalService } = await import("./local-service.js");
  const { service, close } = await openLocalService(io, flags);
  try {
    return await fn(service);
  } finally {
    await close();
  }
}

const SPEC_FILE = /\.(ya?ml|json)$/i;

/**
 * `<spec-file | - | "words">`: a file (or standard input) is read here and
 * sent as a document; anything else is words. A file wins when one exists.
 */
export async function readSpecInput(io: CliIo, input: string, base?: string): Promise<SpecInput> {
  const path = resolve(io.cwd, input);
  if (input === "-" || (existsSync(path) && statSync(path).isFile())) {
    const text = input === "-" ? await readStdin() : await readTextFile(path, input);
    return { spec: await documentOf(text, input === "-" ? "standard input" : input), source: input };
  }
  if (SPEC_FILE.test(input.trim()) && !/\s/.test(input.trim())) {
    throw new NotFoundError(`file not found: ${input}`, {
      hint: "check the path, or quote a request in words",
    });
  }
  if (input.trim() === "") {
    throw new UsageError("nothing to do: the request is empty", {
      hint: 'name a spec file, - for standard input, or say what to deploy: "deploy nginx to staging"',
    });
  }
  if (base === undefined) return { text: input };
  const baseText = await readTextFile(resolve(io.cwd, base), base);
  return { text: input, base: await documentOf(baseText, base) };
}

/** YAML and the spec's schema load with a document: `status` and `history` read none (issue 26). */
async function documentOf(text: string, source: string): Promise<unknown> {
  const { parseDocument } = await import("../spec/parse.js");
  const value = parseDocument(text, source);
  if (value === null || value === undefined)
    throw new SpecValidationError([
      { path: "", message: `${source} is empty: expected a DeploymentSpec object` },
    ]);
  return value;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
