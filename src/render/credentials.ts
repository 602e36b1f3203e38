import { createHmac } from "node:crypto";
import type { CredentialSource } from "./types.js";

/** Seed used when none is given: fine for tests and local dev, never for a real environment. */
export const DEV_SECRET_SEED = "codeploy-dev-seed";

/** Derives stable passwords from a seed: HMAC-SHA256(seed, app/env/component/purpose), base64url, 32 chars. */
export function seededCredentials(seed: string, scope: string): CredentialSource {
  return {
    password(component, purpose) {
      return createHmac("sha256", seed)
        .update(`${scope}\0${component}\0${purpose}`)
        .digest("base64url")
        .slice(0, 32);
    },
  };
}
