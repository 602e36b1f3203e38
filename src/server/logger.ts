/**
 * The server's log: one JSON object per line on stderr by default. Messages
 * and error texts pass through the store's redaction, so a secret in a spec
 * that made something fail does not end up in the log; stacks are logged
 * here and never sent to clients.
 */
import { redactText } from "../core/redact.js";

export type LogLevel = "info" | "warn" | "error";

export interface ServerLogger {
  log(level: LogLevel, message: string, fields?: Readonly<Record<string, unknown>>): void;
}

export function jsonLogger(write: (line: string) => void = (l) => process.stderr.write(l)): ServerLogger {
  return {
    log(level, message, fields = {}) {
      const entry = { at: new Date().toISOString(), level, message: redactText(message), ...fields };
      write(`${JSON.stringify(entry, errorReplacer)}\n`);
    },
  };
}

export const silentLogger: ServerLogger = { log: () => undefined };

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactText(value.message),
      stack: value.stack && redactText(value.stack),
    };
  }
  return value;
}
