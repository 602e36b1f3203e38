/**
 * What keeps the audit log honest lives outside the database: the HMAC key
 * (`$CODEPLOY_HOME/audit.key`, mode 600, created on first use; or
 * CODEPLOY_AUDIT_KEY for servers) and the anchor (`audit.head` next to it): the
 * sequence number and MAC of the last record this installation appended, and
 * how many legacy (unkeyed) records preceded the key. A database emptied,
 * replaced, or cut short at its end no longer reaches the anchor.
 */
import { randomBytes } from "node:crypto";
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../core/errors.js";

/** Where a chain stood: record `seq` has MAC `mac`. */
export interface AuditHead {
  readonly seq: number;
  readonly mac: string;
}

export interface AnchorState extends AuditHead {
  /** Legacy (unkeyed) records at the start of the chain. */
  readonly legacy: number;
}

/** The anchor: read and written inside the store's audit write transaction (serialised across processes). */
export interface AuditAnchor {
  readonly location: string;
  read(): AnchorState | undefined;
  /** Keeps the highest sequence number ever written (monotonic), never a lower one. */
  write(state: AnchorState): void;
}

export interface AuditKeyring {
  readonly key: Uint8Array;
  readonly anchor?: AuditAnchor;
}

const MIN_KEY_CHARS = 32;

/** `42:ab12...` <-> {seq, mac}: what `codeploy audit head` prints and `--head` takes. */
export function formatHead(head: AuditHead): string {
  return `${head.seq}:${head.mac}`;
}

export function parseHead(text: string): AuditHead {
  const match = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text.trim());
  if (match === null)
    throw new ConfigError(`not an audit head: ${JSON.stringify(text.slice(0, 80))}`, {
      hint: "give what `codeploy audit head` printed: <seq>:<64 hex digits>",
    });
  return { seq: Number(match[1]), mac: match[2] ?? "" };
}

/** The anchor as a small JSON file, replaced atomically (write + rename), mode 600. */
export function fileAnchor(path: string): AuditAnchor {
  const read = (): AnchorState | undefined => {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    const value: unknown = JSON.parse(text);
    if (
      typeof value === "object" &&
      value !== null &&
      "seq" in value &&
      "mac" in value &&
      typeof value.seq === "number" &&
      typeof value.mac === "string"
    ) {
      const legacy = "legacy" in value && typeof value.legacy === "number" ? value.legacy : 0;
      return { seq: value.seq, mac: value.mac, legacy };
    }
    throw new ConfigError(`${path} is not an audit anchor`, {
      hint: "it was changed by hand; restore it from a backup, or compare with a head you stored (`audit verify --head`)",
    });
  };
  return {
    location: path,
    read,
    write: (state) => {
      const current = read();
      if (current !== undefined && current.seq >= state.seq) return;
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(state)}\n`, { mode: 0o600 });
      renameSync(tmp, path);
    },
  };
}

/**
 * The key from CODEPLOY_AUDIT_KEY (at least 32 characters), else
 * `<home>/audit.key`, created (32 random bytes, mode 600) on first use. The
 * anchor is `<home>/audit.head` either way.
 */
export function loadAuditKeyring(
  home: string,
  env: Readonly<Record<string, string | undefined>>,
): AuditKeyring {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const anchor = fileAnchor(join(home, "audit.head"));
  const fromEnv = env.CODEPLOY_AUDIT_KEY;
  if (fromEnv !== undefined && fromEnv !== "") {
    if (fromEnv.length < MIN_KEY_CHARS)
      throw new ConfigError(`CODEPLOY_AUDIT_KEY is too short (${fromEnv.length} characters)`, {
        hint: `use at least ${MIN_KEY_CHARS} random characters, e.g. \`openssl rand -hex 32\``,
      });
    return { key: Buffer.from(fromEnv, "utf8"), anchor };
  }
  const path = join(home, "audit.key");
  // Written whole to a private file, then linked into place: two processes
  // starting at once never see a half-written key nor overwrite each other's.
  if (!existsSync(path)) {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, randomBytes(32).toString("hex"), { mode: 0o600 });
    try {
      linkSync(tmp, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      unlinkSync(tmp);
    }
  }
  const text = readFileSync(path, "utf8").trim();
  if (text.length < MIN_KEY_CHARS)
    throw new ConfigError(`${path} holds no usable audit key`, {
      hint: "restore it from a backup; without it the audit chain cannot be verified",
    });
  return { key: Buffer.from(text, "utf8"), anchor };
}
