/**
 * JWT authentication against the real app: HS256 with a shared secret, and
 * RS256 / ES256 / EdDSA with keys served by a real JWKS HTTP server on
 * loopback. The attack cases (alg none, wrong key, expired, not yet valid,
 * wrong audience or issuer, HMAC with a public key) are all refused with 401.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, exportSPKI, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, keyFor, serverConfig, startHarness } from "./__fixtures__/harness.js";

const SECRET = "s3cret-for-tests-only-0123456789abcdef";
const ISSUER = "https://idp.test";
const AUDIENCE = "codeploy-api";
const now = () => Math.floor(Date.now() / 1000);

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
const keys = new Map<string, KeyPair>();
let jwks: Server;
let jwksUrl: string;
let h: Harness;

beforeAll(async () => {
  for (const alg of ["RS256", "ES256", "EdDSA"])
    keys.set(alg, await generateKeyPair(alg, { extractable: true }));
  const published = await Promise.all(
    [...keys].map(async ([alg, pair]) => ({
      ...(await exportJWK(pair.publicKey)),
      alg,
      kid: alg,
      use: "sig",
    })),
  );
  jwks = createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
  h = await startHarness({
    jwtSecret: SECRET,
    config: serverConfig({ jwt: { issuer: ISSUER, audience: AUDIENCE, jwksUrl } }),
  });
  await h.seed("shop", "staging");
});

afterAll(async () => {
  await h.close();
  await new Promise((resolve) => jwks.close(resolve));
});

const claims = (extra: JWTPayload = {}): JWTPayload => ({
  sub: "alice@example.com",
  role: "viewer",
  iss: ISSUER,
  aud: AUDIENCE,
  iat: now(),
  exp: now() + 600,
  ...extra,
});

async function hs256(payload: JWTPayload, secret = SECRET): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(secret));
}

async function signed(alg: string, payload: JWTPayload, pair = keys.get(alg)): Promise<string> {
  if (!pair) throw new Error(`no key for ${alg}`);
  return new SignJWT(payload).setProtectedHeader({ alg, kid: alg }).sign(pair.privateKey);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function status(token: string, path = "/v1/apps") {
  const res = await h.request(path, { token });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
}

describe("JWT: accepted", () => {
  it("accepts HS256 with the shared secret", async () => {
    expect((await status(await hs256(claims()))).status).toBe(200);
  });

  it.each(["RS256", "ES256", "EdDSA"])("accepts %s signed by a key of the JWKS", async (alg) => {
    expect((await status(await signed(alg, claims()))).status).toBe(200);
  });

  it("uses the subject as the actor and the environments claim as the scope", async () => {
    const token = await hs256(claims({ sub: "ci-bot", role: "deployer", environments: ["staging"] }));
    const spec = {
      name: "jwt-app",
      environment: "staging",
      services: [{ name: "web", image: "nginx:1.27" }],
    };
    const ok = await h.request("/v1/deployments", {
      method: "POST",
      token,
      json: { spec, acceptRisk: true },
    });
    expect(ok.status).toBe(202);
    await h.api.runs.idle();
    const [d] = await h.store.listDeployments({ app: "jwt-app" });
    expect(d?.actor).toBe("jwt:ci-bot");
    const audit = await h.store.listAudit({ newestFirst: true, limit: 5 });
    expect(audit.find((r) => r.command === "api:deploy")).toMatchObject({
      actor: "jwt:ci-bot",
      outcome: "ok",
    });
    const dev = await h.request("/v1/deployments", {
      method: "POST",
      token,
      json: { spec: { ...spec, environment: "dev" }, acceptRisk: true },
    });
    expect(dev.status).toBe(403);
  });
});

describe("JWT: actors", () => {
  const spec = (name: string) => ({
    name,
    environment: "staging",
    services: [{ name: "web", image: "nginx:1.27" }],
  });

  it("records `jwt:<sub>` and `key:<name>` so a subject cannot pass for the key of the same name", async () => {
    const key = await keyFor(h.store, "alice", "deployer");
    const jwt = await hs256(claims({ sub: "alice", role: "deployer" }));
    for (const [token, app] of [
      [key, "actor-key"],
      [jwt, "actor-jwt"],
    ] as const) {
      const r = await h.request("/v1/deployments", {
        method: "POST",
        token,
        json: { spec: spec(app), acceptRisk: true },
      });
      expect(r.status).toBe(202);
    }
    await h.api.runs.idle();
    const [byKey] = await h.store.listDeployments({ app: "actor-key" });
    const [byJwt] = await h.store.listDeployments({ app: "actor-jwt" });
    expect([byKey?.actor, byJwt?.actor]).toEqual(["key:alice", "jwt:alice"]);
    const audit = await h.store.listAudit({ newestFirst: true, limit: 20 });
    const actors = audit.filter((r) => r.command === "api:deploy").map((r) => r.actor);
    expect(actors).toEqual(expect.arrayContaining(["key:alice", "jwt:alice"]));
  });

  it("removes control and format characters from the subject before recording it", async () => {
    const sub = "mallory\u001b[2K\r\nroot\u202e\u0007";
    const token = await hs256(claims({ sub, role: "deployer" }));
    const r = await h.request("/v1/deployments", {
      method: "POST",
      token,
      json: { spec: spec("actor-ctl"), acceptRisk: true },
    });
    expect(r.status).toBe(202);
    await h.api.runs.idle();
    const [d] = await h.store.listDeployments({ app: "actor-ctl" });
    expect(d?.actor).toBe("jwt:mallory[2Kroot");
    const audit = await h.store.listAudit({ newestFirst: true, limit: 5 });
    const mallory = audit.filter((a) => a.actor.startsWith("jwt:mallory")).map((a) => a.actor);
    expect(mallory.length).toBeGreaterThan(0);
    expect(new Set(mallory)).toEqual(new Set(["jwt:mallory[2Kroot"]));
  });
});

describe("JWT: refused", () => {
  it("refuses alg none", async () => {
    const token = `${b64({ alg: "none", typ: "JWT" })}.${b64(claims({ role: "admin" }))}.`;
    const r = await status(token);
    expect(r.status).toBe(401);
    expect(r.body.error?.code).toBe("UNAUTHENTICATED");
  });

  it("refuses HS256 signed with another secret", async () => {
    expect((await status(await hs256(claims(), "another-secret-that-is-long-enough-000"))).status).toBe(401);
  });

  it("refuses an RS256 token signed by a key outside the JWKS", async () => {
    const stranger = await generateKeyPair("RS256");
    expect((await status(await signed("RS256", claims(), stranger))).status).toBe(401);
  });

  it("refuses HS256 'signed' with the RSA public key (algorithm confusion)", async () => {
    const pair = keys.get("RS256");
    if (!pair) throw new Error("no RS256 key");
    const pem = await exportSPKI(pair.publicKey);
    const forged = await new SignJWT(claims({ role: "admin" }))
      .setProtectedHeader({ alg: "HS256", kid: "RS256" })
      .sign(new TextEncoder().encode(pem));
    expect((await status(forged)).status).toBe(401);
  });

  it("refuses an expired token", async () => {
    const r = await status(await hs256(claims({ iat: now() - 7200, exp: now() - 3600 })));
    expect(r).toMatchObject({ status: 401, body: { error: { message: "invalid token: expired" } } });
  });

  it("refuses a token that is not valid yet (nbf)", async () => {
    const r = await status(await signed("ES256", claims({ nbf: now() + 3600 })));
    expect(r.status).toBe(401);
    expect(r.body.error?.message).toMatch(/nbf/);
  });

  it("refuses the wrong audience and the wrong issuer", async () => {
    expect((await status(await hs256(claims({ aud: "someone-else" })))).status).toBe(401);
    expect((await status(await signed("EdDSA", claims({ iss: "https://evil.test" })))).status).toBe(401);
  });

  it("refuses a token without exp or sub", async () => {
    const { exp: _exp, ...noExp } = claims();
    const { sub: _sub, ...noSub } = claims();
    expect((await status(await hs256(noExp))).status).toBe(401);
    expect((await status(await hs256(noSub))).status).toBe(401);
  });

  it.each([
    ["a number", 42],
    ["an object", { name: "alice" }],
    ["a list", ["alice"]],
    ["null", null],
    ["a boolean", true],
  ])("refuses a subject that is %s with 401, before looking at the role", async (_, sub) => {
    const r = await status(await hs256(claims({ role: "admin", sub: sub as unknown as string })));
    expect(r.status).toBe(401);
    expect(r.body.error?.message).toContain('claim "sub" must be a string');
  });

  it("refuses a subject with nothing printable in it", async () => {
    const r = await status(await hs256(claims({ sub: "\u0000\u001b\u200e" })));
    expect(r.status).toBe(401);
    expect(r.body.error?.message).toContain("no printable characters");
  });

  it("refuses garbage, and a token without a codeploy role with 403", async () => {
    expect((await status("not.a.jwt")).status).toBe(401);
    expect((await status(await hs256(claims({ role: "root" })))).status).toBe(403);
    expect((await status(await hs256(claims({ environments: "staging" })))).status).toBe(403);
  });
});

describe("JWT: configuration", () => {
  it("refuses HS256 when only a JWKS is configured, and answers 503 when the JWKS is unreachable", async () => {
    const dead = await startHarness({
      config: serverConfig({
        jwt: { issuer: ISSUER, audience: AUDIENCE, jwksUrl: "http://127.0.0.1:9/jwks.json" },
      }),
    });
    try {
      const hs = await dead.request("/v1/apps", { token: await hs256(claims()) });
      expect(hs.status).toBe(401);
      const rs = await dead.request("/v1/apps", { token: await signed("RS256", claims()) });
      expect(rs.status).toBe(503);
      expect(((await rs.json()) as { error: { code: string } }).error.code).toBe("JWKS_UNAVAILABLE");
    } finally {
      await dead.close();
    }
  });

  it("refuses to start with a short HS256 secret", async () => {
    await expect(startHarness({ jwtSecret: "short" })).rejects.toMatchObject({ code: "CONFIG" });
  });
});
