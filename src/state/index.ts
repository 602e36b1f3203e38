export { GENESIS_HASH } from "./audit-chain.js";
export type { ConsultationStore, StoredConsultation } from "./consultations.js";
export { AbortedError, LockedError, LockHeldError, LockLostError, StateStoreError } from "./errors.js";
export {
  API_KEY_ROLES,
  type ApiKey,
  type ApiKeyInput,
  type ApiKeyRole,
  type ApiKeyState,
  type ApiKeyStore,
  apiKeyId,
  type CreatedApiKey,
  hashApiKey,
} from "./keys.js";
export { looksSecret, REDACTED, redactSecrets, redactText } from "./redact.js";
export { type OpenStateStoreOptions, openStateStore } from "./store.js";
export type * from "./types.js";
