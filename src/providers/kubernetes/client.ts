/**
 * The provider's one seam to the cluster: apply, read, list, remove, over the
 * official client's KubernetesObjectApi (discovery of resource names, auth
 * from the kubeconfig, TLS). Two departures from its defaults, both on purpose:
 *
 * - Objects go over the wire exactly as rendered, and come back as the
 *   server's JSON. client-node 1.4's typed (de)serialisation drops fields that
 *   its models spell differently: a NetworkPolicy rule's `from` (model `_from`)
 *   vanishes, which would turn "allow from web" into "allow from anyone".
 *   The plan people reviewed must be what runs.
 * - Every request carries an AbortSignal: the step's (cancellation, deadline)
 *   combined with a per-request timeout, and reuses a keep-alive connection.
 *
 * This file only imports the library's types; kubeconfig.ts loads it.
 */

import { type AgentOptions, Agent as HttpsAgent } from "node:https";
import type {
  Configuration,
  KubeConfig,
  KubernetesObject,
  ResponseContext,
  V1APIResourceList,
} from "@kubernetes/client-node";
import { ProviderError } from "../../engine/provider.js";
import type { KubeObject } from "../../render/types.js";
import { type ErrorContext, toProviderError, type Verb } from "./errors.js";
import { describeRef, type ObjectRef } from "./objects.js";

type ClientLib = typeof import("@kubernetes/client-node");

/** Server-side apply identity: `kubectl get -o yaml --show-managed-fields` shows these fields as ours. */
export const FIELD_MANAGER = "codeploy";

export interface LiveObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly generation?: number;
    readonly resourceVersion?: string;
    /** Set while the object is being deleted (a terminating Namespace). */
    readonly deletionTimestamp?: unknown;
    /** Who owns which fields (server-side apply); FieldsV1 as `{"f:spec":{"f:replicas":{}}}`. */
    readonly managedFields?: readonly {
      readonly manager?: string;
      readonly operation?: string;
      readonly fieldsV1?: unknown;
    }[];
  };
  readonly spec?: unknown;
  readonly status?: unknown;
  readonly [field: string]: unknown;
}

export interface KubeClient {
  /** The API server URL and the kubeconfig context, for messages. */
  readonly server: string;
  readonly context: string;
  /** Server-side apply as field manager `codeploy` (or the one named), forced (see index.ts). */
  apply(object: KubeObject, signal: AbortSignal, fieldManager?: string): Promise<LiveObject>;
  /** Undefined when the object does not exist. */
  read(ref: ObjectRef, signal: AbortSignal): Promise<LiveObject | undefined>;
  list(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    labelSelector: string,
    signal: AbortSignal,
  ): Promise<LiveObject[]>;
  /** False when it was already gone. Dependents go in the background (pods of a Deployment). */
  remove(ref: ObjectRef, signal: AbortSignal): Promise<boolean>;
  /** The server's version (`v1.31.2`): proves that it answers, over TLS the kubeconfig trusts. */
  version(signal: AbortSignal): Promise<string>;
}

/** KubernetesObjectApi with the rendered JSON on the wire and the server's JSON back (see the file comment). */
function rawObjectApi(k8s: ClientLib) {
  return class RawObjectApi extends k8s.KubernetesObjectApi {
    constructor(configuration: Configuration, cache: Record<string, V1APIResourceList>) {
      super(configuration);
      // Shared across requests: discovery is asked once per API version, not once per call.
      this.apiVersionResourceCache = cache;
    }

    async applyRaw(object: KubernetesObject, fieldManager: string): Promise<KubernetesObject> {
      const path = await this.specUriPath(object, "patch");
      const request = this.configuration.baseServer.makeRequestContext(path, k8s.HttpMethod.PATCH);
      request.setHeaderParam("Accept", "application/json");
      request.setHeaderParam("Content-Type", k8s.PatchStrategy.ServerSideApply);
      request.setQueryParam("fieldManager", fieldManager);
      request.setQueryParam("force", "true");
      request.setBody(JSON.stringify(object));
      return this.requestPromise(request);
    }

    protected override async processResponse<T extends KubernetesObject>(
      response: ResponseContext,
    ): Promise<T> {
      const body = await response.body.text();
      if (response.httpStatusCode < 200 || response.httpStatusCode > 299)
        throw new k8s.ApiException(
          response.httpStatusCode,
          "Unsuccessful HTTP Request",
          body,
          response.headers,
        );
      // The server's JSON as is: typed models would drop fields (see the file comment).
      return JSON.parse(body) as T;
    }
  };
}

const header = (ref: ObjectRef) => ({
  apiVersion: ref.apiVersion,
  kind: ref.kind,
  metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
});

const isNotFound = (error: unknown) => error instanceof ProviderError && error.code === "KUBE_NOT_FOUND";

type CallContext = Omit<ErrorContext, "server" | "context" | "requestTimeoutMs">;

function callContext(ref: ObjectRef, verb: Verb, signal: AbortSignal): CallContext {
  return {
    what: describeRef(ref),
    verb,
    kind: ref.kind,
    signal,
    ...(ref.namespace ? { namespace: ref.namespace } : {}),
  };
}

export class ObjectApiClient implements KubeClient {
  readonly server: string;
  readonly context: string;
  private readonly cache: Record<string, V1APIResourceList> = {};
  private readonly agents = new Map<string, HttpsAgent>();
  private readonly RawObjectApi: ReturnType<typeof rawObjectApi>;

  constructor(
    private readonly k8s: ClientLib,
    private readonly kc: KubeConfig,
    private readonly requestTimeoutMs: number,
  ) {
    this.server = kc.getCurrentCluster()?.server ?? "";
    this.context = kc.getCurrentContext();
    this.RawObjectApi = rawObjectApi(k8s);
  }

  private configuration(signal: AbortSignal): Configuration {
    const timeoutMs = this.requestTimeoutMs;
    return this.k8s.createConfiguration({
      baseServer: new this.k8s.ServerConfiguration(this.server, {}),
      authMethods: { default: this.kc },
      promiseMiddleware: [
        {
          pre: async (request) => {
            request.setSignal(AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]));
            const agent = request.getAgent();
            if (agent instanceof HttpsAgent) request.setAgent(this.pooled(agent));
            return request;
          },
          post: async (response) => response,
        },
      ],
    });
  }

  /**
   * client-node builds a new TLS agent for every request, so every request
   * paid a TLS handshake (3x slower on loopback, far more across a WAN).
   * One keep-alive agent per TLS identity instead; free sockets are unref'd
   * by Node and never hold the process open.
   */
  private pooled(agent: HttpsAgent): HttpsAgent {
    const o: AgentOptions | undefined = (agent as HttpsAgent & { options?: AgentOptions }).options;
    if (!o) return agent;
    const key = JSON.stringify([o.ca, o.cert, o.key, o.pfx, o.servername, o.rejectUnauthorized]);
    let pooled = this.agents.get(key);
    if (!pooled) {
      pooled = new HttpsAgent({ ...o, keepAlive: true });
      this.agents.set(key, pooled);
    }
    return pooled;
  }

  private api(signal: AbortSignal) {
    return new this.RawObjectApi(this.configuration(signal), this.cache);
  }

  private async run<T>(c: CallContext, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const { server, context, requestTimeoutMs } = this;
      throw toProviderError(error, { ...c, server, context, requestTimeoutMs });
    }
  }

  apply(object: KubeObject, signal: AbortSignal, fieldManager = FIELD_MANAGER): Promise<LiveObject> {
    const c = { ...callContext(refOf(object), "apply", signal), redact: secretRedactor(object) };
    // A copy: the client library fills in defaults on the object it is given.
    return this.run(c, async () =>
      toLive(await this.api(signal).applyRaw(structuredClone(object), fieldManager)),
    );
  }

  async read(ref: ObjectRef, signal: AbortSignal): Promise<LiveObject | undefined> {
    try {
      return toLive(
        await this.run(callContext(ref, "read", signal), () => this.api(signal).read(header(ref))),
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async list(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    labelSelector: string,
    signal: AbortSignal,
  ): Promise<LiveObject[]> {
    const what = `${kind} objects${namespace ? ` in ${namespace}` : ""}`;
    const c = { what, verb: "list" as const, kind, signal, ...(namespace ? { namespace } : {}) };
    const none = undefined;
    const out = await this.run(c, () =>
      this.api(signal).list(apiVersion, kind, namespace, none, none, none, none, labelSelector),
    );
    // A real API server leaves kind and apiVersion out of list items (the fake put them in):
    // everything that reads `kind` (observe, readiness) would see none.
    return out.items.map((item) =>
      toLive({ ...item, apiVersion: item.apiVersion ?? apiVersion, kind: item.kind ?? kind }),
    );
  }

  async remove(ref: ObjectRef, signal: AbortSignal): Promise<boolean> {
    const none = undefined;
    try {
      await this.run(callContext(ref, "delete", signal), () =>
        this.api(signal).delete(header(ref), none, none, none, none, "Background"),
      );
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async version(signal: AbortSignal): Promise<string> {
    const c = {
      what: `the API server at ${this.server}`,
      verb: "connect" as const,
      kind: "Namespace",
      signal,
    };
    const info = await this.run(c, () => new this.k8s.VersionApi(this.configuration(signal)).getCode());
    return info.gitVersion;
  }
}

/** The server's JSON with the one field everything reads made certain. */
function toLive(o: KubernetesObject): LiveObject {
  const metadata = o.metadata ?? {};
  return { ...o, metadata: { ...metadata, name: metadata.name ?? "" } };
}

export function refOf(o: KubeObject): ObjectRef {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  };
}

/** A Secret's values, plain and base64, replaced in anything the server says back about it. */
function secretRedactor(o: KubeObject): ((text: string) => string) | undefined {
  if (o.kind !== "Secret") return undefined;
  const data = o.data;
  if (typeof data !== "object" || data === null) return undefined;
  const values = Object.values(data)
    .filter((v): v is string => typeof v === "string" && v.length > 0)
    .flatMap((v) => [v, Buffer.from(v, "base64").toString("utf8")])
    .filter((v) => v.length >= 4)
    .sort((a, b) => b.length - a.length);
  return (text) => values.reduce((acc, v) => acc.split(v).join("[redacted]"), text);
}
