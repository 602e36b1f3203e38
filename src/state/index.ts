export { GENESIS_HASH } from "./audit-chain.js";
export { AbortedError, LockedError, LockLostError, StateStoreError } from "./errors.js";
export { looksSecret, REDACTED, redactSecrets, redactText } from "./redact.js";
export { type OpenStateStoreOptions, openStateStore } from "./store.js";
export type * from "./types.js";
