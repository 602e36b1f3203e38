/**
 * Where a GitOps repository is: a local path (made absolute) or a remote URL.
 * Credentials written into a URL (`https://user:token@host/...`) are taken
 * out of it: the URL the working copy records, the folder name and every
 * message use the URL without them; they reach git only through its
 * environment (git.ts). Its working copy is `<home>/gitops/<name>`, where
 * the name is injective in the URL (spec/naming.ts's tuple digest).
 */
import { isAbsolute, join, resolve } from "node:path";
import { UsageError } from "../core/errors.js";
import { tupleDigest } from "../spec/naming.js";

export interface GitCredentials {
  readonly username: string;
  readonly password: string;
}

export interface RepoLocation {
  /** What git is given: an absolute path, or the URL without credentials. */
  readonly url: string;
  /** A local path (created as a bare repository when it does not exist). */
  readonly local: boolean;
  /** Credentials that were written into the URL. */
  readonly credentials?: GitCredentials;
}

/** scp-like SSH address: `git@host:owner/repo.git`. */
const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^/\\]/;
const URL_SCHEMES = ["https:", "http:", "ssh:", "git:", "file:"];

/** Reads a repository argument or `gitops.repo`; a relative path is relative to `baseDir`. */
export function repoLocation(repo: string, baseDir: string): RepoLocation {
  const text = repo.trim();
  // An argument starting with "-" would be read by git as an option (--upload-pack=...).
  if (text === "" || text.startsWith("-") || text.includes("\n") || text.includes("\0")) {
    throw new UsageError(`not a repository location: ${JSON.stringify(redactUrl(repo))}`, {
      hint: "give a path (./deployments.git) or a URL (https://host/owner/repo.git)",
    });
  }
  if (SCP_LIKE.test(text)) return { url: text, local: false };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1];
  if (scheme === undefined) return { url: isAbsolute(text) ? text : resolve(baseDir, text), local: true };
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new UsageError(`not a repository URL: ${redactUrl(text)}`, { hint: "check the URL" });
  }
  if (!URL_SCHEMES.includes(parsed.protocol)) {
    throw new UsageError(`unsupported repository scheme ${parsed.protocol}//`, {
      hint: "use https://, ssh://, git://, file:// or a path",
    });
  }
  if (parsed.protocol === "file:") return { url: decodeURIComponent(parsed.pathname), local: true };
  const credentials =
    parsed.password !== ""
      ? { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) }
      : undefined;
  parsed.password = "";
  if (credentials !== undefined) parsed.username = "";
  return { url: parsed.toString(), local: false, ...(credentials ? { credentials } : {}) };
}

/** `<readable>-<32 hex>`: the hash covers the exact URL, the readable part is only for people. */
export function workingCopyName(url: string): string {
  const readable = url
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(-40)
    .replace(/^-+/, "");
  return `${readable || "repo"}-${tupleDigest([url]).slice(0, 32)}`;
}

/** The working copy of a repository: `<home>/gitops/<name>`, or `<name>-<purpose>` (sync reads its own). */
export function workingCopyPath(home: string, url: string, purpose?: string): string {
  return join(home, "gitops", `${workingCopyName(url)}${purpose ? `-${purpose}` : ""}`);
}

/** A URL's password (and any user:password@) masked, for messages. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, "$1***@");
}
