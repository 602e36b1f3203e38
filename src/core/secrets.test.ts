import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { maskSecretValues, maskUrlPasswords, REDACTED, redactSecrets, redactText } from "./redact.js";
import { isHighEntropyToken, secretKindOf, shannonEntropy, urlHasPassword } from "./secrets.js";

const B62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const random = (n: number, alphabet = B62) =>
  Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join("");

/** Built at run time so this file holds no credential-shaped literal for scanners to trip on. */
const TOKENS: ReadonlyArray<readonly [string, string]> = [
  ["sk_live_", `sk_live_${random(24)}`],
  ["sk_test_", `sk_test_${random(24)}`],
  ["rk_live_", `rk_live_${random(24)}`],
  ["ghp_", `ghp_${random(36)}`],
  ["gho_", `gho_${random(36)}`],
  ["github_pat_", `github_pat_${random(22)}_${random(59)}`],
  ["xoxb-", `xoxb-${random(11, "0123456789")}-${random(12, "0123456789")}-${random(24)}`],
  ["xoxp-", `xoxp-${random(11, "0123456789")}-${random(24)}`],
  ["AKIA", `AKIA${random(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`],
  ["ASIA", `ASIA${random(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`],
  ["AIza", `AIza${random(35)}`],
  ["glpat-", `glpat-${random(20)}`],
  [
    "PEM",
    `-----BEGIN ${"RSA PRIVATE"} KEY-----\n${random(64)}\n${random(64)}\n-----END ${"RSA PRIVATE"} KEY-----`,
  ],
  [
    "PEM (openssh)",
    `-----BEGIN OPENSSH ${"PRIVATE"} KEY-----\n${random(70)}\n-----END OPENSSH ${"PRIVATE"} KEY-----`,
  ],
  [
    "JWT",
    `${Buffer.from('{"alg":"HS256"}').toString("base64url")}.${Buffer.from('{"sub":"alice","n":1}').toString("base64url")}.${random(43)}`,
  ],
];

describe("secrets recognised by value", () => {
  it.each(TOKENS)("%s: detected alone and inside text, masked whole", (_, token) => {
    expect(secretKindOf(token)).toBeDefined();
    expect(secretKindOf(`Authorization header was ${token} yesterday`)).toBeDefined();
    const masked = maskSecretValues(`x ${token} y`);
    expect(masked).toBe(`x ${REDACTED} y`);
    expect(redactText(`note: ${token}`)).not.toContain(token.slice(8, 20));
  });

  it("flags long random tokens by entropy: 24+ characters of mixed case and digits", () => {
    let flagged = 0;
    for (let i = 0; i < 200; i++) if (isHighEntropyToken(random(40))) flagged++;
    expect(flagged).toBeGreaterThanOrEqual(196);
    let short = 0;
    for (let i = 0; i < 200; i++) if (isHighEntropyToken(random(24))) short++;
    expect(short).toBeGreaterThan(170);
    expect(isHighEntropyToken(random(23))).toBe(false);
  });

  it.each([
    ["a sha256 digest", randomBytes(32).toString("hex")],
    ["a git commit", randomBytes(20).toString("hex")],
    ["a UUID", randomUUID()],
    ["an upper-case UUID", randomUUID().toUpperCase()],
    ["a kebab name", "eu-west-1-production-cluster-17"],
    ["a path", "/var/lib/postgresql/data/pgdata-2024"],
    ["an image", "ghcr.io/acme/payments-service-api:2024.11.3"],
    ["a camel-case class", "ThisIsAVeryLongCamelCaseIdentifier2"],
    ["a Java package", "com.example.service.ApiController1"],
    ["a sentence", "Deploy the shop with Postgres 16 and Redis to staging"],
    ["a secret reference", "secret:stripe-live-key-2024-production"],
    ["JVM flags", "-Xms512m -Xmx2048m -XX:+UseG1GC -XX:MaxGCPauseMillis=200"],
  ])("leaves %s alone", (_, value) => {
    expect(secretKindOf(value)).toBeUndefined();
    expect(maskSecretValues(value)).toBe(value);
  });

  it("measures entropy in bits per character", () => {
    expect(shannonEntropy("aaaa")).toBe(0);
    expect(shannonEntropy("abcd")).toBe(2);
  });
});

describe("URL passwords are masked whole, whatever characters they hold", () => {
  it.each([
    ["postgres://u:p@ss:w0rd/x@host/db", "postgres://u:[redacted]@host/db"],
    ["postgres://u:pw@db:5432/shop", "postgres://u:[redacted]@db:5432/shop"],
    ["redis://:hunter2@cache:6379/0", "redis://:[redacted]@cache:6379/0"],
    ["redis://:p@ss@cache:6379", "redis://:[redacted]@cache:6379"],
    ["amqp://user:p/a/s/s@mq:5672/vhost", "amqp://user:[redacted]@mq:5672/vhost"],
    [
      "mongodb+srv://app:p%40ss%3Aw@cluster0.ab.mongodb.net/db?w=majority",
      "mongodb+srv://app:[redacted]@cluster0.ab.mongodb.net/db?w=majority",
    ],
    ["mysql://root:a#b?c@db/x", "mysql://root:[redacted]@db/x"],
    ["https://u:pa:ss:wo:rd@[::1]:8443/p", "https://u:[redacted]@[::1]:8443/p"],
    ["POSTGRES://U:Secret@H/D", "POSTGRES://U:[redacted]@H/D"],
    ["ftp://anon:@host/f", "ftp://anon:@host/f"],
    ["https://example.com/a@b", "https://example.com/a@b"],
    ["https://user@host/x", "https://user@host/x"],
  ])("%s", (url, masked) => {
    expect(maskUrlPasswords(url, true)).toBe(masked);
    expect(redactSecrets({ DATABASE_URL: url })).toEqual({ DATABASE_URL: masked });
  });

  it("keeps each URL of a list to itself and stops at whitespace in free text", () => {
    expect(maskUrlPasswords("a postgres://u:p@h/x, redis://:q@r/0 and https://site/@page")).toBe(
      "a postgres://u:[redacted]@h/x, redis://:[redacted]@r/0 and https://site/@page",
    );
    expect(maskUrlPasswords("postgres://u:p@h/db,redis://:q@r/0", true)).toBe(
      "postgres://u:[redacted]@h/db,redis://:[redacted]@r/0",
    );
  });

  it("masks a password holding spaces when the value is a whole URL", () => {
    expect(maskUrlPasswords("postgres://u:two words@h/db", true)).toBe("postgres://u:[redacted]@h/db");
  });

  it("tells literal passwords from variables for the policy rule", () => {
    expect(urlHasPassword("postgres://u:p@ss:w0rd/x@host/db")).toBe(true);
    expect(urlHasPassword(["postgres://u:$", "{DB_PASSWORD}@host/db"].join(""))).toBe(false);
    expect(urlHasPassword("postgres://u:***@host/db")).toBe(false);
    expect(urlHasPassword("postgres://u@host/db")).toBe(false);
  });
});

describe("redactSecrets on a spec", () => {
  it("masks credentials by value under any key, and keeps digests, references and names", () => {
    const digest = `sha256:${randomBytes(32).toString("hex")}`;
    const ghp = `ghp_${random(36)}`;
    const spec = {
      name: "shop",
      services: [
        {
          name: "web",
          image: `ghcr.io/acme/web@${digest}`,
          env: { NOTE: ghp, STRIPE: "secret:stripe-key", REGION: "eu-west-1", RANDOM: random(40) },
          healthCheck: { path: "/healthz" },
        },
      ],
    };
    expect(redactSecrets(spec)).toEqual({
      name: "shop",
      services: [
        {
          name: "web",
          image: `ghcr.io/acme/web@${digest}`,
          env: { NOTE: REDACTED, STRIPE: "secret:stripe-key", REGION: "eu-west-1", RANDOM: REDACTED },
          healthCheck: { path: "/healthz" },
        },
      ],
    });
  });

  it("keeps a __proto__ key as data instead of changing the copy's prototype", () => {
    const input = JSON.parse('{"__proto__": {"polluted": "yes"}, "a": 1}') as object;
    const out = redactSecrets(input) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(["__proto__", "a"]);
    expect((out as { polluted?: string }).polluted).toBeUndefined();
  });

  it("masks Bearer tokens and secret-named pairs in free text", () => {
    expect(redactText("curl -H 'Authorization: Bearer abc.def.ghi' and API_KEY=xyz")).toBe(
      "curl -H 'Authorization: Bearer [redacted]' and API_KEY=[redacted]",
    );
  });
});
