import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  appReleaseName,
  chartReleaseName,
  containerName,
  deriveName,
  moduleAppName,
  namespaceName,
  networkName,
  pgSchemaName,
  serviceVolumeName,
  terraformWorkspaceName,
  volumeName,
  wrappedModuleName,
  wrappedSchemaName,
} from "./naming.js";

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const PG_IDENT = /^[a-z_][a-z0-9_]*$/;

/** A kebab-case name as the spec allows it (1..63 characters). */
const kebab = fc
  .array(fc.stringMatching(/^[a-z0-9]{1,12}$/), { minLength: 1, maxLength: 8 })
  .map((words) => words.join("-").slice(0, 63).replace(/-+$/, ""))
  .filter((s) => s.length > 0 && DNS_LABEL.test(s));

/** Two different (app, env) pairs that join to the same `app-env` text: the attack. */
const splitPair = fc
  .array(fc.stringMatching(/^[a-z0-9]{1,10}$/), { minLength: 3, maxLength: 8 })
  .chain((words) =>
    fc
      .tuple(fc.integer({ min: 1, max: words.length - 1 }), fc.integer({ min: 1, max: words.length - 1 }))
      .filter(([a, b]) => a !== b)
      .map(
        ([a, b]) =>
          [
            { app: words.slice(0, a).join("-"), environment: words.slice(a).join("-") },
            { app: words.slice(0, b).join("-"), environment: words.slice(b).join("-") },
          ] as const,
      ),
  );

const ALL_NAMES = [
  (id: { app: string; environment: string }) => namespaceName(id),
  networkName,
  terraformWorkspaceName,
  (id: { app: string; environment: string }) => pgSchemaName(id),
  (id: { app: string; environment: string }) => volumeName(id, "db"),
  (id: { app: string; environment: string }) => containerName(id, "web", 0),
  appReleaseName,
  (id: { app: string; environment: string }) => chartReleaseName(id, "redis"),
];

describe("naming", () => {
  it("keeps the readable form and adds a hash of the exact pair", () => {
    expect(namespaceName({ app: "shop", environment: "prod" })).toMatch(/^shop-prod-[0-9a-f]{8}$/);
    expect(networkName({ app: "shop", environment: "prod" })).toMatch(/^codeploy-shop-prod-[0-9a-f]{8}$/);
    expect(pgSchemaName({ app: "shop", environment: "prod" })).toMatch(/^codeploy_shop_prod_[0-9a-f]{8}$/);
    expect(containerName({ app: "shop", environment: "prod" }, "web", 2)).toMatch(
      /^codeploy-shop-prod-web-[0-9a-f]{8}-2$/,
    );
  });

  it("tells my/shop-production from my-shop/production in every name", () => {
    const a = { app: "my", environment: "shop-production" };
    const b = { app: "my-shop", environment: "production" };
    for (const name of ALL_NAMES) expect(name(a)).not.toBe(name(b));
  });

  it("is injective over pairs that spell the same joined text (property)", () => {
    fc.assert(
      fc.property(splitPair, ([a, b]) => {
        for (const name of ALL_NAMES) if (name(a) === name(b)) return false;
        return true;
      }),
      { numRuns: 500 },
    );
  });

  it("is injective over arbitrary distinct pairs and stays within platform limits (property)", () => {
    fc.assert(
      fc.property(kebab, kebab, kebab, kebab, (app1, env1, app2, env2) => {
        const a = { app: app1, environment: env1 };
        const b = { app: app2, environment: env2 };
        for (const name of ALL_NAMES) {
          const na = name(a);
          expect(na.length).toBeLessThanOrEqual(63);
          if (name !== ALL_NAMES[3]) expect(na).toMatch(DNS_LABEL);
          else expect(Buffer.byteLength(na)).toBeLessThanOrEqual(63);
          if (app1 !== app2 || env1 !== env2) expect(na).not.toBe(name(b));
        }
        expect(pgSchemaName(a)).toMatch(PG_IDENT);
      }),
      { numRuns: 500 },
    );
  });

  it("gives two 60-character apps that differ only at the end different workspaces and schemas", () => {
    const stem = "a".repeat(59);
    const one = { app: `${stem}1`, environment: "production" };
    const two = { app: `${stem}2`, environment: "production" };
    expect(terraformWorkspaceName(one)).not.toBe(terraformWorkspaceName(two));
    expect(pgSchemaName(one)).not.toBe(pgSchemaName(two));
    expect(namespaceName(one)).not.toBe(namespaceName(two));
    for (const n of [terraformWorkspaceName(one), pgSchemaName(one), namespaceName(one)]) {
      expect(n.length).toBeLessThanOrEqual(63);
      // Shortened: the readable part is cut and a 64-bit hash is appended, never plain truncation.
      expect(n).toMatch(/[0-9a-f]{16}$/);
    }
  });

  it("separates components and replicas without ambiguity (property)", () => {
    fc.assert(
      fc.property(kebab, kebab, kebab, kebab, fc.nat(99), fc.nat(99), (env, app, c1, c2, r1, r2) => {
        const id = { app, environment: env };
        if (c1 !== c2) expect(volumeName(id, c1)).not.toBe(volumeName(id, c2));
        if (c1 !== c2 || r1 !== r2) expect(containerName(id, c1, r1)).not.toBe(containerName(id, c2, r2));
        expect(containerName(id, c1, r1).length).toBeLessThanOrEqual(63 - 9);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps service volumes apart from each other and from data volumes (property)", () => {
    fc.assert(
      fc.property(kebab, kebab, kebab, kebab, kebab, (app, env, service, v1, v2) => {
        const id = { app, environment: env };
        const name = serviceVolumeName(id, service, v1);
        expect(name).toMatch(/^codeploy-[a-z0-9-]+$/);
        expect(name.length).toBeLessThanOrEqual(63);
        if (v1 !== v2) expect(name).not.toBe(serviceVolumeName(id, service, v2));
        // ("a-b", "c") and ("a", "b-c") spell the same words: the hash of the exact tuple tells them apart.
        expect(serviceVolumeName(id, `${service}-${v1}`, v2)).not.toBe(
          serviceVolumeName(id, service, `${v1}-${v2}`),
        );
        expect(name).not.toBe(volumeName(id, `${service}-${v1}`));
      }),
      { numRuns: 300 },
    );
  });

  it("names Helm releases within 53 characters, chart releases apart from the app's and from each other (property)", () => {
    expect(appReleaseName({ app: "shop", environment: "dev" })).toMatch(/^shop-dev-[0-9a-f]{8}$/);
    fc.assert(
      fc.property(kebab, kebab, kebab, kebab, (app, env, c1, c2) => {
        const id = { app, environment: env };
        const names = [appReleaseName(id), chartReleaseName(id, c1), chartReleaseName(id, c2)];
        for (const n of names) {
          expect(n.length).toBeLessThanOrEqual(53);
          expect(n).toMatch(DNS_LABEL);
        }
        expect(names[1]).not.toBe(names[0]);
        if (c1 !== c2) expect(names[1]).not.toBe(names[2]);
        // The app release of ("shop", "dev-redis") and the chart release of ("shop", "dev", "redis") read alike, hash apart.
        expect(chartReleaseName(id, c1)).not.toBe(appReleaseName({ app, environment: `${env}-${c1}` }));
      }),
      { numRuns: 300 },
    );
  });

  it("never truncates plainly: the cut name carries the long hash of the exact parts", () => {
    const long = ["x".repeat(63), "y".repeat(63)];
    const name = deriveName(long);
    expect(name.length).toBe(63);
    expect(deriveName(["x".repeat(63), `${"y".repeat(62)}z`])).not.toBe(name);
  });

  it("keys wrapped modules by their whole real path", () => {
    const id = { app: "network", environment: "default" };
    const prod = "/srv/infra/envs/prod/network";
    const staging = "/srv/infra/envs/staging/network";
    expect(moduleAppName(prod)).toMatch(/^network-[0-9a-f]{8}$/);
    expect(moduleAppName(prod)).not.toBe(moduleAppName(staging));
    expect(wrappedModuleName(prod, id)).toMatch(/^network-default-[0-9a-f]{8}$/);
    expect(wrappedModuleName(prod, id)).not.toBe(wrappedModuleName(staging, id));
    expect(wrappedSchemaName(prod, id)).not.toBe(wrappedSchemaName(staging, id));
    expect(wrappedSchemaName(prod, id)).not.toBe(pgSchemaName(id));
    expect(moduleAppName("/a/b")).not.toBe(moduleAppName("/x/b"));
  });
});
