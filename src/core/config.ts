/**
 * codeploy.yaml: one zod-validated object, loaded at the edge (CLI, server).
 * Order: the file named by --config, else $CODEPLOY_CONFIG, else ./codeploy.yaml
 * when present; environment variables CODEPLOY_* and flags override it there.
 */
import { z } from "zod";

const severity = z.enum(["error", "warning", "info"]);

/** `codeploy serve`: limits, CORS and token checks of the HTTP API. */
const serverSchema = z.strictObject({
  /** Token bucket per principal and per client IP; several processes share it through REDIS_URL. */
  rateLimit: z
    .strictObject({
      /** Refill rate. @default 600 */
      requestsPerMinute: z.number().int().min(1).default(600),
      /** Bucket size: requests allowed at once after a quiet spell. @default 100 */
      burst: z.number().int().min(1).default(100),
    })
    .default({ requestsPerMinute: 600, burst: 100 }),
  /** Origins allowed to call the API from a browser; none (CORS off) by default. */
  cors: z.strictObject({ origins: z.array(z.string().min(1)).default([]) }).default({ origins: [] }),
  /** Largest request body accepted. @default 1 MiB */
  bodyLimitBytes: z
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  /** Bearer JWTs: HS256 with CODEPLOY_JWT_SECRET, or RS256/ES256/EdDSA from a JWKS URL. */
  jwt: z
    .strictObject({
      /** Required `iss`. @default "codeploy" */
      issuer: z.string().min(1).default("codeploy"),
      /** Required `aud`. @default "codeploy" */
      audience: z.string().min(1).default("codeploy"),
      jwksUrl: z.url().optional(),
      /** Claim holding viewer | deployer | admin. @default "role" */
      roleClaim: z.string().min(1).default("role"),
      /** Claim holding the list of environments (absent: all). @default "environments" */
      environmentsClaim: z.string().min(1).default("environments"),
      /** Allowed clock skew for exp / nbf. @default 30 */
      clockToleranceSeconds: z.number().int().min(0).max(300).default(30),
    })
    .default({
      issuer: "codeploy",
      audience: "codeploy",
      roleClaim: "role",
      environmentsClaim: "environments",
      clockToleranceSeconds: 30,
    }),
  /** One JSON line per request on stderr (probes and scrapes that succeed are left out). @default true */
  accessLog: z.boolean().default(true),
  /**
   * Proxies you run in front of the server: true (one) or their number. The client IP is then the
   * X-Forwarded-For entry that many places from the right; without it the header is ignored. @default false
   */
  trustProxy: z.union([z.boolean(), z.number().int().min(1).max(16)]).default(false),
  /** How long SIGTERM waits for running deployments before cancelling them. @default 30 */
  shutdownGraceSeconds: z.number().int().min(0).default(30),
  /** Providers a request may choose with `provider` (for example ["null"] on a rehearsal server). @default [] */
  requestProviders: z.array(z.string().min(1)).default([]),
  /** Components (services, databases, caches, queues, buckets) one spec may hold; more: 413. @default 500 */
  maxComponents: z.number().int().min(1).default(500),
  /** Worker threads that plan and render off the event loop; 0 plans in the server's own thread. @default 2 */
  planWorkers: z.number().int().min(0).max(16).default(2),
  /** Deployments that run at once in this server; later ones wait in order. @default 4 */
  maxConcurrentDeployments: z.number().int().min(1).default(4),
  /** Deployments that may wait for a free slot; beyond that: 429 with Retry-After. @default 16 */
  maxQueuedDeployments: z.number().int().min(0).default(16),
  /**
   * POST /v1/video: the server downloads a video URL a caller names (public hosts only) and
   * turns it into a document. @default false
   */
  video: z.boolean().default(false),
  /** The Model Context Protocol at /mcp: the same tokens, RBAC, rate limits and audit as /v1. */
  mcp: z
    .strictObject({
      /** @default true */
      enabled: z.boolean().default(true),
      /** List no tool that changes what runs (apply, rollback, destroy). @default false */
      readOnly: z.boolean().default(false),
      /** Host header names accepted besides localhost, 127.0.0.1 and [::1] (DNS rebinding). @default [] */
      allowedHosts: z.array(z.string().min(1)).default([]),
      /** Browser Origin host names accepted besides the loopback ones; requests without Origin pass. @default [] */
      allowedOrigins: z.array(z.string().min(1)).default([]),
    })
    .default({ enabled: true, readOnly: false, allowedHosts: [], allowedOrigins: [] }),
  /** The deployment queue of `serve --role api` and `codeploy worker` (Postgres only). */
  queue: z
    .strictObject({
      /** Deployments one worker runs at once. @default 4 */
      concurrency: z.number().int().min(1).max(64).default(4),
      /** Lease of a claimed job and of its deployment's lock; renewed at a third of it. @default 15 */
      leaseSeconds: z.number().min(1).max(600).default(15),
      /** Attempts of one submitted deployment in all (interrupted or handed back, then retried). @default 3 */
      maxAttempts: z.number().int().min(1).max(10).default(3),
      /** Pause between claims when nothing is free, in ms. @default 250 */
      pollMs: z.number().int().min(10).max(10_000).default(250),
    })
    .default({ concurrency: 4, leaseSeconds: 15, maxAttempts: 3, pollMs: 250 }),
});

/** One model behind one API; the key is read from the environment variable named by apiKeyEnv, never from this file. */
const llmModelSchema = z.strictObject({
  provider: z.enum(["anthropic", "openai", "openai-compatible", "gemini", "ollama"]),
  model: z.string().min(1),
  /** API root; required for openai-compatible servers. @default the provider's public endpoint */
  baseUrl: z.url().optional(),
  /** Environment variable holding the API key. @default ANTHROPIC_API_KEY, OPENAI_API_KEY, GEMINI_API_KEY by provider */
  apiKeyEnv: z.string().min(1).optional(),
  /** USD per million tokens; overrides the shipped price table. */
  price: z
    .strictObject({
      inputPerMTok: z.number().min(0),
      outputPerMTok: z.number().min(0),
      cachedInputPerMTok: z.number().min(0).optional(),
    })
    .optional(),
});

/** The project's LLM client: the default model (the LLM interpreter) and retry settings. */
const llmSchema = z.strictObject({
  default: llmModelSchema.optional(),
  /** Retries of 408/429/5xx answers. @default 2 */
  maxRetries: z.number().int().min(0).max(10).default(2),
});

/** The Circle of Experts: members asked in parallel, the chairs who write the synthesis, limits. */
const expertsSchema = z.strictObject({
  members: z.array(llmModelSchema.extend({ name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i) })).default([]),
  /** Synthesis order: the next one takes over if one fails. @default [] (a deterministic summary) */
  chair: z.array(z.string().min(1)).default([]),
  /** @default 30 */
  deadlineSeconds: z.number().positive().max(3600).default(30),
  /** Most a consultation may cost, checked before each stage. @default none */
  budgetUsd: z.number().min(0).optional(),
  /** Output limit of each answer. @default 800 */
  maxOutputTokens: z.number().int().min(16).default(800),
});

/** `codeploy interpret`: which interpreter answers and how long a model may take. */
const interpretSchema = z.strictObject({
  /** rules: never ask a model; hybrid: ask only when the rules leave questions; llm: always ask. @default hybrid when a model is configured, else rules */
  mode: z.enum(["rules", "hybrid", "llm"]).optional(),
  /** The model: an experts member's name, or a model of its own. @default llm.default */
  llm: z.union([z.string().min(1), llmModelSchema]).optional(),
  /** Rounds in which the model gets its schema errors back. @default 2 */
  maxRepairs: z.number().int().min(0).max(5).default(2),
  /** Deadline of all calls of one request; past it the rules answer. @default 20 */
  deadlineSeconds: z.number().positive().max(600).default(20),
});

/** `codeploy video`: transcription engine, chunking, keyframes (checked here, used by src/video/). */
const videoSchema = z.strictObject({
  /** auto: captions, else the endpoint below, else pocketsphinx. @default "auto" */
  engine: z.enum(["auto", "captions", "openai", "pocketsphinx"]).default("auto"),
  /** ISO 639-1 language of the videos. @default "en" */
  language: z.string().min(2).default("en"),
  /** An OpenAI-compatible /v1/audio/transcriptions server (OpenAI, whisper.cpp, faster-whisper-server). */
  transcription: z
    .strictObject({
      baseUrl: z.url(),
      /** @default "whisper-1" */
      model: z.string().min(1).default("whisper-1"),
      /** Environment variable holding the API key (never the key itself in this file). */
      apiKeyEnv: z.string().min(1).optional(),
    })
    .optional(),
  /** Audio chunk length for speech engines. @default 60 */
  chunkSeconds: z.number().int().min(5).default(60),
  /** Overlap between chunks, so words at a cut are heard whole. @default 5 */
  overlapSeconds: z.number().min(0).max(30).default(5),
  /** Scene-change score that starts a keyframe. @default 0.1 */
  sceneThreshold: z.number().gt(0).lt(1).default(0.1),
  /** @default 2 */
  minKeyframes: z.number().int().min(0).default(2),
  /** @default 40 */
  maxKeyframes: z.number().int().min(1).default(40),
});

export type VideoConfig = z.output<typeof videoSchema>;

/** RFC 6901: `/spec/replicas`, `/env/A~1B` ("" would name the whole object: not a field). */
const jsonPointer = z
  .string()
  .regex(/^(\/([^~]|~[01])*)+$/, "a JSON pointer such as /spec/replicas or /env/LOG_LEVEL");

/** `codeploy drift` and `serve`'s drift check: what is not drift, how often, and self-heal. */
const driftSchema = z.strictObject({
  /** `serve` compares every deployed app with its last applied revision this often; fractions allowed. @default off */
  intervalMinutes: z.number().min(0.05).max(1440).optional(),
  /** `serve` re-applies the last applied revision (never a newer one) when it finds drift; audited. @default false */
  selfHeal: z.boolean().default(false),
  /** Apps checked at once by `serve`. @default 2 */
  concurrency: z.number().int().min(1).max(16).default(2),
  /** Fields that are not drift: per kind (`container`, `Deployment`, a terraform type, `*`). */
  ignore: z
    .array(
      z.strictObject({
        kind: z.string().min(1),
        paths: z.array(jsonPointer).min(1),
        apps: z.array(z.string().min(1)).min(1).optional(),
        environments: z.array(z.string().min(1)).min(1).optional(),
      }),
    )
    .default([]),
  /** Replica counts of autoscaled services (an HPA changes them) are not drift. @default true */
  ignoreAutoscaledReplicas: z.boolean().default(true),
  /** Drift events (each check that found drift, each self-heal) kept per app + environment. */
  events: z
    .strictObject({
      /** @default 500 */
      keep: z.number().int().min(1).max(100_000).default(500),
      /** Older events are dropped. @default 90 */
      maxAgeDays: z.number().int().min(1).max(3650).default(90),
    })
    .default({ keep: 500, maxAgeDays: 90 }),
});

export type DriftConfig = z.output<typeof driftSchema>;

/**
 * `secrets:` who may use each `secret:NAME` reference. The server refuses
 * names not declared here; the CLI warns about them.
 */
const secretsSchema = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, "a secret name: letters, digits, _ . - (as in secret:NAME)"),
  z.strictObject({
    /** Environments whose deployments may use the secret. */
    environments: z.array(z.string().min(1)).min(1),
    /** Only these apps (in those environments). @default every app */
    apps: z.array(z.string().min(1)).min(1).optional(),
  }),
);

/** GitOps: each applied revision committed to a repository; `codeploy sync` applies a repository's specs. */
const gitopsSchema = z.strictObject({
  /** A local path (created as a bare repository when missing) or a URL; credentials come from the environment. */
  repo: z.string().min(1).optional(),
  /** The branch commits go to. @default "main" */
  branch: z.string().min(1).default("main"),
  /** Environment variable holding the token (HTTPS basic auth password). @default CODEPLOY_GIT_TOKEN */
  tokenEnv: z.string().min(1).default("CODEPLOY_GIT_TOKEN"),
  /** Environment variable holding the user name for the token. @default CODEPLOY_GIT_USER, else "x-access-token" */
  userEnv: z.string().min(1).default("CODEPLOY_GIT_USER"),
  /** Commit author and committer. @default codeploy <codeploy@localhost> */
  author: z.strictObject({ name: z.string().min(1), email: z.string().min(3) }).optional(),
  /** Environments `codeploy sync` may apply without --yes or a terminal (unattended). @default [] */
  autoSync: z.array(z.string().min(1)).default([]),
  /** `codeploy serve` watches a repository and syncs its specs when the ref's commit changes. @default off */
  watch: z
    .strictObject({
      /** A path or a URL, as `gitops.repo` (credentials from tokenEnv/userEnv, never in the URL on disk). */
      repo: z.string().min(1),
      /** Branch or tag followed. @default "main" */
      ref: z.string().min(1).max(255).default("main"),
      /** Folder of the spec files, as `codeploy sync --path`. @default "specs" */
      path: z.string().min(1).max(1024).default("specs"),
      /** How often the ref is fetched. @default 60 */
      intervalSeconds: z.number().int().min(5).max(86_400).default(60),
      /** Deadline of one git call (fetch, ls-remote) of the watch. @default 60 */
      timeoutSeconds: z.number().int().min(1).max(600).default(60),
      /** Who the deployments are recorded as (history, audit). @default "codeploy-gitops" */
      actor: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._@:-]{0,99}$/, "letters, digits and . _ @ : - (at most 100)")
        .default("codeploy-gitops"),
      /** The RBAC role the watch acts with (as an API key of that role). @default "deployer" */
      role: z.enum(["viewer", "deployer", "admin"]).default("deployer"),
      /** Only these environments (as an API key limited to them). @default every environment */
      environments: z.array(z.string().min(1)).min(1).optional(),
    })
    .optional(),
});

export type GitopsConfig = z.output<typeof gitopsSchema>;

export const configSchema = z.strictObject({
  /** Folder for the embedded state store and the secret seed. @default ~/.codeploy */
  home: z.string().min(1).optional(),
  policy: z
    .strictObject({
      /** JS/TS modules (paths relative to the config file) that export extra policy rules. */
      rules: z.array(z.string().min(1)).default([]),
      /** Rule ids to switch off. */
      disable: z.array(z.string().min(1)).default([]),
      /** Rule id -> severity. */
      severity: z.record(z.string(), severity).default({}),
      /** Rego policy files or patterns (`./policy/*.rego`, relative to the config file), evaluated by OPA. */
      rego: z.array(z.string().min(1)).default([]),
      /** The opa binary. @default `opa` on the PATH */
      opa: z.string().min(1).optional(),
      /** Deadline of one Rego evaluation. */
      regoTimeoutSeconds: z.number().positive().max(300).default(5),
    })
    .default({ rules: [], disable: [], severity: {}, rego: [], regoTimeoutSeconds: 5 }),
  providers: z
    .strictObject({
      /** The null provider (no side effects): for rehearsals, tests and benchmarks. */
      null: z
        .strictObject({
          delayMs: z.number().int().min(0).optional(),
          failureRate: z.number().min(0).max(1).optional(),
          retryable: z.boolean().optional(),
          failSteps: z.array(z.string()).optional(),
          seed: z.number().int().optional(),
        })
        .optional(),
      /** Docker provider settings (host, publishHost, timeouts), checked by providers/docker/settings.ts. */
      docker: z.unknown().optional(),
      /** Kubernetes provider: kubeconfig path, context, namespace override, rollout deadline. */
      kubernetes: z
        .strictObject({
          kubeconfig: z.string().min(1).optional(),
          context: z.string().min(1).optional(),
          namespace: z.string().min(1).optional(),
          rolloutTimeoutSeconds: z.number().int().min(1).optional(),
          /** `helm`: one Helm release per app and environment, `helm upgrade --install --atomic`. */
          mode: z.enum(["apply", "helm"]).optional(),
          /** The helm binary for mode helm and chart services (default $CODEPLOY_HELM, else `helm` on the PATH). */
          helm: z.string().min(1).optional(),
          /** spec.ingressClassName of every rendered Ingress. @default "nginx" */
          ingressClassName: z.string().min(1).max(253).optional(),
          /** cert-manager ClusterIssuer named by TLS Ingresses. @default "letsencrypt" */
          clusterIssuer: z.string().min(1).max(253).optional(),
          /** Namespace of the Prometheus that scrapes the pods, let in by the NetworkPolicies. @default "monitoring" */
          prometheusNamespace: z.string().min(1).max(63).optional(),
          /**
           * The folder services' `chart.path` are relative to, for specs that come without a file of their
           * own (the server, stdin); relative to codeploy.yaml. A spec file given to the CLI uses its own folder.
           */
          chartRoot: z.string().min(1).optional(),
        })
        .optional(),
      /** Terraform provider settings (binary, backend, ...), checked by providers/terraform/settings.ts. */
      terraform: z.unknown().optional(),
    })
    .default({}),
  server: serverSchema.default(() => serverSchema.parse({})),
  secrets: secretsSchema.default({}),
  video: videoSchema.default(() => videoSchema.parse({})),
  llm: llmSchema.default(() => llmSchema.parse({})),
  experts: expertsSchema.default(() => expertsSchema.parse({})),
  interpret: interpretSchema.default(() => interpretSchema.parse({})),
  drift: driftSchema.default(() => driftSchema.parse({})),
  gitops: gitopsSchema.default(() => gitopsSchema.parse({})),
});

export type LlmModelConfig = z.output<typeof llmModelSchema>;
export type ExpertsConfig = z.output<typeof expertsSchema>;
export type InterpretConfig = z.output<typeof interpretSchema>;

export type ServerConfig = z.output<typeof serverSchema>;

export type CodeployConfig = z.output<typeof configSchema> & {
  /** Folder of the config file, to resolve relative paths; the working directory when there is none. */
  readonly baseDir: string;
  /** The file it came from, if any. */
  readonly source?: string;
};

// Reading codeploy.yaml lives in config-load.ts: it builds this schema only when there is a file (issue 26).
export { type LoadConfigOptions, loadConfig } from "./config-load.js";
