/**
 * Secrets never enter the state store. A stored spec is the user's spec, which may
 * carry literal env values (DB_PASSWORD: hunter2); before storing, every string
 * value under a secret-looking name is replaced by "[redacted]", and credentials
 * recognised by value (URL passwords, known token shapes, long random strings)
 * are masked wherever they sit. The rules live in core/ (secrets.ts, redact.ts),
 * shared with the policy rules and the server's log; this module names them for
 * the store.
 */
export { maskUrlPasswords, REDACTED, redactSecrets, redactText } from "../core/redact.js";
export { looksSecretName as looksSecret } from "../core/secrets.js";
