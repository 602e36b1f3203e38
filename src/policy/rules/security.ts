/** Security rules over the spec itself: exposure without TLS, public buckets, secrets in env, image pinning. */

import { dataComponents, MINIO_CLIENT_IMAGE } from "../../render/data-services.js";
import { isProduction } from "../../spec/environment.js";
import type { DeploymentSpec } from "../../spec/schema.js";
import { foreignKubeImages, parseImage } from "../images.js";
import { isLiteralSecretValue, isSecretName, secretKindOf, urlHasPassword } from "../secrets.js";
import type { PolicyRule } from "../types.js";
import { indexed, prodSeverity, renderedServices, serviceLabel, servicePath, specPath } from "../util.js";

export const publicBucket = {
  id: "CODE-SEC-001",
  severity: "error",
  category: "security",
  title: "Public bucket",
  description: "A bucket readable by anyone leaks whatever lands in it; in production this is refused.",
  *check({ spec }) {
    for (const [bucket, i] of indexed(spec.buckets)) {
      if (!bucket.public) continue;
      yield {
        path: specPath("buckets", i, "public"),
        message: `bucket "${bucket.name}" is public: anyone on the internet can read its objects`,
        hint: "set public: false and serve files through the app or a CDN with signed URLs",
        severity: prodSeverity(spec),
      };
    }
  },
} satisfies PolicyRule;

export const productionWithoutTls = {
  id: "CODE-SEC-003",
  severity: "error",
  category: "security",
  title: "Public production service without TLS",
  description: "Production traffic over plain HTTP exposes sessions and credentials on the way.",
  *check({ spec }) {
    if (!isProduction(spec)) return;
    for (const [service, i] of renderedServices(spec)) {
      if (!service.public || service.tls) continue;
      yield {
        path: servicePath(i, "tls"),
        message: `${serviceLabel(service)} is public in production without TLS`,
        hint: "set tls: true (and a domain) so that it is served over HTTPS",
      };
    }
  },
} satisfies PolicyRule;

export const domainWithoutTls = {
  id: "CODE-SEC-004",
  severity: "warning",
  category: "security",
  title: "Domain without TLS",
  description:
    "A service with a domain but tls: false serves that domain over plain HTTP (production is CODE-SEC-003).",
  *check({ spec }) {
    if (isProduction(spec)) return;
    for (const [service, i] of renderedServices(spec)) {
      if (service.domain === undefined || service.tls) continue;
      yield {
        path: servicePath(i, "tls"),
        message: `${serviceLabel(service)} has the domain ${service.domain} but tls is off`,
        hint: "set tls: true so that the domain is served over HTTPS",
      };
    }
  },
} satisfies PolicyRule;

const SECRET_HINT =
  "remove the value from the spec: codeploy generates and injects the credentials of the spec's own databases, caches and queues; other secrets belong in a secret store, referenced rather than written here";

export const secretByName = {
  id: "CODE-SEC-005",
  severity: "error",
  category: "security",
  title: "Literal secret in env",
  description:
    "An env variable named like a secret (PASSWORD, TOKEN, SECRET, KEY...) holds a literal value, which ends up in files, history and logs.",
  *check({ spec }) {
    for (const [service, i] of renderedServices(spec)) {
      for (const name of Object.keys(service.env).sort()) {
        const value = service.env[name] ?? "";
        if (!isSecretName(name) || !isLiteralSecretValue(value) || urlHasPassword(value)) continue;
        yield {
          path: servicePath(i, "env", name),
          message: `env.${name} of ${serviceLabel(service)} holds a literal value`,
          hint: SECRET_HINT,
          severity: prodSeverity(spec),
        };
      }
    }
  },
} satisfies PolicyRule;

export const secretByValue = {
  id: "CODE-SEC-006",
  severity: "error",
  category: "security",
  title: "Credential-shaped env value",
  description:
    "An env value looks like a real credential (AWS key, private key, JWT, GitHub/Slack/Stripe/Google token, long random string) whatever the variable is called.",
  *check({ spec }) {
    for (const [service, i] of renderedServices(spec)) {
      for (const name of Object.keys(service.env).sort()) {
        const value = service.env[name] ?? "";
        // Secret-named variables are CODE-SEC-005's, URLs with passwords CODE-SEC-007's.
        if (isSecretName(name) || urlHasPassword(value)) continue;
        const kind = secretKindOf(value);
        if (kind === undefined) continue;
        yield {
          path: servicePath(i, "env", name),
          message: `env.${name} of ${serviceLabel(service)} looks like ${kind}`,
          hint: "revoke the credential (it is now in files and history) and keep its replacement in a secret store, not in the spec",
        };
      }
    }
  },
} satisfies PolicyRule;

export const passwordInUrl = {
  id: "CODE-SEC-007",
  severity: "error",
  category: "security",
  title: "Password inside a URL",
  description: "A connection URL such as postgres://user:pass@host carries its password in clear text.",
  *check({ spec }) {
    for (const [service, i] of renderedServices(spec)) {
      for (const name of Object.keys(service.env).sort()) {
        if (!urlHasPassword(service.env[name] ?? "")) continue;
        yield {
          path: servicePath(i, "env", name),
          message: `env.${name} of ${serviceLabel(service)} is a URL with a literal password`,
          hint: "drop the password from the URL: codeploy builds the connection URLs of the databases a service dependsOn, with generated passwords; keep URLs of outside systems in a secret store",
          severity: prodSeverity(spec),
        };
      }
    }
  },
} satisfies PolicyRule;

export const imageDigest = {
  id: "CODE-SEC-018",
  severity: "info",
  category: "security",
  title: "Production image not pinned by digest",
  description:
    "A tag can be moved to other content; a digest (@sha256:...) names exactly what was reviewed. Production only; judged on the spec's services, on the official images CODE runs for its databases, caches, queues and buckets (docker and kubernetes targets), and on Kubernetes workloads handed in that CODE did not render.",
  *check({ spec, artifacts }) {
    if (!isProduction(spec)) return;
    for (const [service, i] of renderedServices(spec)) {
      if (service.image === undefined) continue;
      const ref = parseImage(service.image);
      // Untagged and :latest images are CODE-REL-006's.
      if (ref.digest !== undefined || ref.tag === undefined || ref.tag === "latest") continue;
      yield {
        path: servicePath(i, "image"),
        message: `${serviceLabel(service)} uses the tag ${ref.tag} without a digest`,
        hint: "append the digest: image@sha256:<digest> (docker buildx imagetools inspect prints it)",
      };
    }
    yield* dataImagesByTag(spec);
    for (const foreign of foreignKubeImages(artifacts)) {
      const ref = parseImage(foreign.image);
      if (ref.digest !== undefined || ref.tag === undefined || ref.tag === "latest") continue;
      yield {
        path: foreign.path,
        message: `${foreign.label} uses the tag ${ref.tag} without a digest`,
        hint: "append the digest: image@sha256:<digest> (docker buildx imagetools inspect prints it)",
      };
    }
  },
} satisfies PolicyRule;

/**
 * CODE runs the spec's databases, caches and queues from the engine's official
 * image by tag unless the spec names an image; only the docker and kubernetes
 * targets run them as containers (terraform uses the cloud's managed services).
 */
function* dataImagesByTag(spec: DeploymentSpec) {
  if (spec.target === "terraform") return;
  const paths = new Map<string, string>();
  const lists = [
    ["databases", spec.databases],
    ["caches", spec.caches],
    ["queues", spec.queues],
  ] as const;
  for (const [key, items] of lists)
    for (const [item, i] of indexed<{ readonly name: string }>(items))
      paths.set(item.name, specPath(key, i, "image"));
  for (const c of dataComponents(spec)) {
    if (parseImage(c.image).digest !== undefined) continue;
    if (c.engine === "minio") {
      yield {
        path: specPath("buckets"),
        message: `the buckets are served by ${c.image} and created by ${MINIO_CLIENT_IMAGE}, by tag without a digest`,
        hint: "the bucket store's images are CODE's choice here; target terraform for the cloud's managed buckets, or mirror and pin them at the registry",
      };
      continue;
    }
    yield {
      path: paths.get(c.name) ?? specPath(c.name),
      message: `${c.profile.kind} "${c.name}" runs ${c.image} by tag without a digest`,
      hint: `set image: ${c.image}@sha256:<digest> (or a mirror of it pinned the same way)`,
    };
  }
}
