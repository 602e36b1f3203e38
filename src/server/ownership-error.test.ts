import { describe, expect, it } from "vitest";
import { exitCodeOf, formatError } from "../cli/exit.js";
import { OwnershipConflictError } from "../engine/provider.js";
import { errorAnswer } from "./errors.js";

describe("OWNERSHIP_CONFLICT", () => {
  const error = new OwnershipConflictError(
    "network codeploy-my-shop-production-1a2b3c4d",
    { app: "my-shop", environment: "production" },
    { app: "my", environment: "shop-production" },
  );

  it("names the owner found and the way out", () => {
    expect(error.message).toBe(
      'network codeploy-my-shop-production-1a2b3c4d exists and is not my/shop-production\'s: it carries app "my-shop", environment "production"',
    );
    expect(error.retryable).toBe(false);
    expect(formatError(error)).toContain("--adopt");
  });

  it("is HTTP 409 and exit 1", () => {
    expect(errorAnswer(error).status).toBe(409);
    expect(errorAnswer(error).body.error.details).toMatchObject({ owner: { app: "my-shop" } });
    expect(exitCodeOf(error)).toBe(1);
  });

  it("says when the object carries no owner labels at all", () => {
    const bare = new OwnershipConflictError("volume v", {}, { app: "a", environment: "b" });
    expect(bare.message).toContain("it carries no owner labels");
  });
});
