import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CodeError, SpecValidationError, UsageError } from "../core/errors.js";
import { checkSpec, validateSpec } from "../spec/validate.js";
import { type Interpreter, interpretRules, readFacts, rulesInterpreter, withFallback } from "./index.js";

const BASE = validateSpec({
  name: "shop",
  environment: "staging",
  target: "kubernetes",
  services: [
    {
      name: "web",
      image: "acme/shop:1.0",
      replicas: 2,
      domain: "shop.example.com",
      env: { A: "1" },
      dependsOn: ["postgres"],
    },
    { name: "worker", kind: "worker", image: "acme/worker:1.0" },
  ],
  databases: [{ name: "postgres", engine: "postgres" }],
});

describe("interpretRules: contract", () => {
  it("refuses empty or blank text with a usage error and a hint", () => {
    for (const text of ["", "   ", "\n\t "]) {
      let error: unknown;
      try {
        interpretRules(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UsageError);
      expect((error as CodeError).code).toBe("USAGE");
      expect((error as CodeError).message).toBe("nothing to interpret: the text is empty");
      expect((error as CodeError).hint).toMatch(/deploy/);
    }
  });

  it("answers with a valid spec, the defaults it applied, and no questions when complete", () => {
    const r = interpretRules("deploy nginx with postgres to staging");
    expect(r.interpreter).toBe("rules");
    expect(r.action).toBe("deploy");
    expect(checkSpec(r.spec).ok).toBe(true);
    expect(r.spec.services).toEqual([
      expect.objectContaining({
        name: "nginx",
        image: "nginx",
        replicas: 1,
        public: true,
        dependsOn: ["postgres"],
      }),
    ]);
    expect(r.questions).toEqual([]);
    expect(r.assumptions).toEqual(
      expect.arrayContaining(["no platform named: docker on this machine", "nginx: the public image nginx"]),
    );
  });

  it("says what it assumed and asks what it cannot know", () => {
    const r = interpretRules("Deploy an API with a database");
    expect(r.assumptions).toEqual(
      expect.arrayContaining([
        "no environment named: using dev",
        "no database engine named: using postgres",
        "no app name given: using app",
      ]),
    );
    expect(r.questions).toEqual([
      'what is the app called? (say "call it NAME"; "app" was used)',
      "which image should api run? (for example ghcr.io/you/api:1.0)",
    ]);
  });

  it("asks for a cloud when a city is named without one", () => {
    const r = interpretRules("deploy nginx in Frankfurt");
    expect(r.spec.cloud).toBe("local");
    expect(r.spec.region).toBeUndefined();
    expect(r.questions.join(" ")).toMatch(/which cloud should run in frankfurt: aws, gcp, azure/);
  });

  it("asks about unsupported engines instead of guessing", () => {
    const r = interpretRules("deploy a worker that writes to DynamoDB");
    expect(r.spec.databases).toEqual([]);
    expect(r.questions.join(" ")).toMatch(/DynamoDB is not a database engine supported here/);
  });

  it("is deterministic", () => {
    const text = "Deploy a Django app with Postgres, Redis and a Celery worker to production on AWS EKS";
    expect(interpretRules(text)).toEqual(interpretRules(text));
  });

  it("gives the same answer through the async Interpreter", async () => {
    const text = "run 3 replicas of acme/api:2 on port 8080";
    await expect(rulesInterpreter.interpret(text)).resolves.toEqual(interpretRules(text));
    expect(rulesInterpreter.name).toBe("rules");
  });
});

describe("interpretRules: amendments of a base spec", () => {
  it("refuses an invalid base", () => {
    expect(() => interpretRules("add redis", { base: { name: "Bad Name" } as never })).toThrow(
      SpecValidationError,
    );
  });

  it("keeps everything not mentioned, exactly, and does not touch the base", () => {
    const before = structuredClone(BASE);
    const r = interpretRules("add a redis cache", { base: BASE });
    expect(BASE).toEqual(before);
    expect(r.action).toBe("deploy");
    expect(r.spec.caches).toEqual([{ name: "redis", engine: "redis" }]);
    expect(r.spec.services[0]).toEqual({ ...BASE.services[0], dependsOn: ["postgres", "redis"] });
    expect({ ...r.spec, caches: [], services: [] }).toEqual({ ...BASE, services: [] });
  });

  it("reads a pure replica change as scale", () => {
    const r = interpretRules("scale the worker to 4", { base: BASE });
    expect(r.action).toBe("scale");
    expect(r.spec.services.map((s) => s.replicas)).toEqual([2, 4]);
    expect(interpretRules("scale the worker to 4 and add redis", { base: BASE }).action).toBe("deploy");
  });

  it("re-derives environment defaults only where the base had them", () => {
    const r = interpretRules("move it to production", { base: BASE });
    expect(r.spec.environment).toBe("production");
    expect(r.spec.services.map((s) => s.replicas)).toEqual([2, 2]);
    expect(r.spec.databases[0]?.backups).toBe(true);
    expect(r.spec.monitoring.enabled).toBe(true);
    expect(r.assumptions).toEqual(
      expect.arrayContaining(["worker: replicas 1 -> 2 (the production default)"]),
    );
  });

  it("removes parts and their dependencies; tearing down everything is destroy", () => {
    const r = interpretRules("remove the database", { base: BASE });
    expect(r.action).toBe("deploy");
    expect(r.spec.databases).toEqual([]);
    expect(r.spec.services[0]?.dependsOn).toEqual([]);
    const d = interpretRules("tear everything down", { base: BASE });
    expect(d.action).toBe("destroy");
    expect(d.spec).toEqual(BASE);
  });

  it("changes an engine and follows the rename", () => {
    const r = interpretRules("switch the database to mysql 8.0", { base: BASE });
    expect(r.spec.databases).toEqual([
      expect.objectContaining({ name: "mysql", engine: "mysql", version: "8.0" }),
    ]);
    expect(r.spec.services[0]?.dependsOn).toEqual(["mysql"]);
  });
});

describe("readFacts: what the words say for sure", () => {
  it("lists replicas, ports, versions, engines, domains, schedules, env and settings", () => {
    const f = readFacts(
      "Run 3 replicas of acme/shop:2 on port 8080 behind https://shop.example.com in production on AWS in eu-west-1 with postgres 16, LOG_LEVEL=debug and a job every night at 2am, $300 a month",
    );
    expect(f).toMatchObject({
      action: "deploy",
      environment: "production",
      cloud: "aws",
      region: "eu-west-1",
      replicas: [3],
      ports: [8080],
      versions: [{ engine: "postgres", version: "16" }],
      engines: ["postgres"],
      domains: ["shop.example.com"],
      schedules: ["0 2 * * *"],
      images: ["acme/shop:2"],
      env: { LOG_LEVEL: "debug" },
      budgetUsd: 300,
    });
    expect(readFacts("deploy nginx").environment).toBeUndefined();
  });
});

describe("withFallback", () => {
  const failing: Interpreter = {
    name: "llm:test/model",
    async interpret() {
      throw new Error("network down");
    },
  };

  it("answers with the rules when the primary fails, and says so", async () => {
    const chain = withFallback(failing, rulesInterpreter);
    const r = await chain.interpret("deploy nginx");
    expect(r.interpreter).toBe("rules");
    expect(r.assumptions[0]).toBe("llm:test/model failed (network down): answered by rules");
    expect(chain.name).toBe("llm:test/model>rules");
  });

  it("does not retry usage errors", async () => {
    const empty: Interpreter = { name: "x", interpret: async (t) => interpretRules(t) };
    await expect(withFallback(empty, rulesInterpreter).interpret("  ")).rejects.toBeInstanceOf(UsageError);
  });
});

const netted = (questions: readonly string[]) =>
  questions.filter((q) => q.startsWith("the request could not be read") || q.startsWith("could not use"));

describe("never throws on any non-blank text (property)", () => {
  const valid = (text: string) => {
    const r = interpretRules(text);
    const check = checkSpec(r.spec);
    if (!check.ok)
      throw new Error(
        `invalid spec for ${JSON.stringify(text.slice(0, 80))}: ${JSON.stringify(check.issues)}`,
      );
    expect(r.interpreter).toBe("rules");
    // The safety nets (a caught error, a dropped invalid part) must not be what kept it valid.
    expect(netted(r.questions), text.slice(0, 200)).toEqual([]);
  };

  it("arbitrary grapheme strings up to 10,000 characters", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 10_000 }).filter((s) => s.trim() !== ""),
        valid,
      ),
      { numRuns: 60 },
    );
  });

  it("arbitrary full-unicode strings", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 2_000 }).filter((s) => s.trim() !== ""),
        valid,
      ),
      {
        numRuns: 100,
      },
    );
  });

  const VOCAB =
    `deploy run add remove scale roll back tear down status what is the a an api web worker cron job frontend
    backend app site service called named for one two 3 10 0 replicas instances pods copies of on port 8080 :3000 with and
    , . ; postgres mysql mariadb mongodb redis memcached valkey rabbitmq kafka nats sqs s3 bucket database cache queue
    version 16 8.0 100GB 512MB 2 CPUs half a CPU in production staging dev qa environment on aws gcp azure kubernetes k8s
    docker terraform eks gke aks rds us-east-1 europe-west1 westeurope frankfurt tokyo us eu every night at 2am monday
    9am 15 minutes hourly nightly weekly daily $200 per month budget monitoring https tls shop.example.com
    https://api.example.com internal private public highly available backups standby replica /healthz health check
    LOG_LEVEL=debug image acme/api:1 nginx wordpress grafana prometheus minio autoscale from to between up 60% cpu
    memory storage disk x3 each all everything it them move switch bump upgrade rename`.split(/\s+/);

  it("any sentence made of the grammar's own words yields a valid spec", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...VOCAB), { minLength: 1, maxLength: 40 }), (words) =>
        valid(words.join(" ")),
      ),
      { numRuns: 1500 },
    );
  });

  it("the same with a base spec", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...VOCAB), { minLength: 1, maxLength: 25 }), (words) => {
        const r = interpretRules(words.join(" "), { base: BASE });
        const check = checkSpec(r.spec);
        if (!check.ok) throw new Error(`${words.join(" ")}: ${JSON.stringify(check.issues)}`);
        expect(netted(r.questions), words.join(" ")).toEqual([]);
      }),
      { numRuns: 800 },
    );
  });
});
