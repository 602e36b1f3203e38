/** Fail/pass fixtures for the rules that read rendered artifacts (Kubernetes, compose, Terraform). */
import {
  compose,
  composeService,
  container,
  deployment,
  hclBlock,
  ingress,
  kube,
  kubeService,
  resource,
  terraform,
} from "./artifacts.js";
import type { RuleCases } from "./rule-cases-spec.js";
import { env, prod, prodWeb, WEB } from "./specs.js";

const spec = prod();
const withCache = prod({ caches: [{ name: "redis", engine: "redis" }] });
const withAdmin = prod({
  services: [WEB, { ...WEB, name: "admin", public: false, domain: undefined, tls: false }],
});
const K8S_WEB = "artifact:kubernetes/web-deployment.yaml#Deployment/web";
const CONTAINER = `${K8S_WEB}.spec.template.spec.containers[0]`;
const TF = "artifact:terraform/main.tf#";

const hostPath = (path: string) => deployment("web", { volumes: [{ name: "host", hostPath: { path } }] });
const db = (body: Record<string, unknown>) => terraform(resource("aws_db_instance", "postgres", body));
const sgIngress = (cidr: string) =>
  terraform(
    resource("aws_security_group", "db", {
      ingress: [
        hclBlock({ from_port: 443, to_port: 443, protocol: "tcp", cidr_blocks: ["0.0.0.0/0"] }),
        hclBlock({ from_port: 5432, to_port: 5432, protocol: "tcp", cidr_blocks: [cidr] }),
      ],
    }),
  );
const publicAccessBlock = resource("aws_s3_bucket_public_access_block", "uploads", {
  bucket: { $hcl: "expr", code: "aws_s3_bucket.uploads.id" },
  block_public_acls: true,
  block_public_policy: true,
  ignore_public_acls: true,
  restrict_public_buckets: true,
});

export const ARTIFACT_CASES: RuleCases = {
  "CODE-SEC-002": [
    {
      label: "RDS publicly accessible",
      fail: { spec, artifacts: db({ publicly_accessible: true, storage_encrypted: true }) },
      pass: { spec, artifacts: db({ publicly_accessible: false, storage_encrypted: true }) },
      path: `${TF}aws_db_instance.postgres.publicly_accessible`,
    },
    {
      label: "public service running a postgres image",
      fail: {
        spec: prod({ services: [WEB, { name: "pg", image: "postgres:16", public: true, replicas: 2 }] }),
      },
      pass: {
        spec: prod({ services: [WEB, { name: "pg", image: "postgres:16", public: false, replicas: 2 }] }),
      },
      path: "services[1].public",
    },
    {
      label: "database behind a LoadBalancer Service",
      fail: { spec, artifacts: kube(kubeService("postgres", "LoadBalancer", 5432)) },
      pass: { spec, artifacts: kube(kubeService("postgres", "ClusterIP", 5432)) },
      path: "artifact:kubernetes/postgres-service.yaml#Service/postgres.spec.type",
    },
    {
      label: "compose database published on every interface",
      fail: { spec, artifacts: compose({ postgres: composeService({ ports: ["5432:5432"] }) }) },
      pass: { spec, artifacts: compose({ postgres: composeService({ ports: ["127.0.0.1:5432:5432"] }) }) },
      path: "artifact:docker/compose.yaml#services.postgres.ports",
    },
    {
      label: "Cloud SQL open to 0.0.0.0/0",
      fail: {
        spec,
        artifacts: terraform(
          resource("google_sql_database_instance", "postgres", {
            settings: hclBlock({
              ip_configuration: hclBlock({
                authorized_networks: [hclBlock({ name: "all", value: "0.0.0.0/0" })],
              }),
            }),
          }),
        ),
      },
      pass: {
        spec,
        artifacts: terraform(
          resource("google_sql_database_instance", "postgres", {
            settings: { ip_configuration: { ipv4_enabled: false } },
          }),
        ),
      },
      path: `${TF}google_sql_database_instance.postgres.settings`,
    },
  ],
  "CODE-SEC-008": [
    {
      label: "no runAsNonRoot",
      fail: { spec, artifacts: kube(deployment("web", {}, [container({ securityContext: {} })])) },
      pass: { spec, artifacts: kube(deployment()) },
      path: `${CONTAINER}.securityContext`,
    },
    {
      label: "runAsUser 0 in spite of the pod's runAsNonRoot",
      fail: {
        spec,
        artifacts: kube(
          deployment("web", { securityContext: { runAsNonRoot: true } }, [container({}, { runAsUser: 0 })]),
        ),
      },
      pass: {
        spec,
        artifacts: kube(
          deployment("web", { securityContext: { runAsNonRoot: true } }, [
            container({}, { runAsUser: 1000 }),
          ]),
        ),
      },
      path: `${CONTAINER}.securityContext`,
    },
    {
      label: "compose user root",
      fail: { spec, artifacts: compose({ web: composeService({ user: "root" }) }) },
      pass: { spec, artifacts: compose({ web: composeService({ user: "1000:1000" }) }) },
      path: "artifact:docker/compose.yaml#services.web.user",
    },
  ],
  "CODE-SEC-009": [
    {
      label: "privileged container",
      fail: { spec, artifacts: kube(deployment("web", {}, [container({}, { privileged: true })])) },
      pass: { spec, artifacts: kube(deployment("web", {}, [container({}, { privileged: false })])) },
      path: `${CONTAINER}.securityContext.privileged`,
    },
    {
      label: "privileged compose service",
      fail: { spec, artifacts: compose({ web: composeService({ privileged: true }) }) },
      pass: { spec, artifacts: compose({ web: composeService() }) },
      path: "artifact:docker/compose.yaml#services.web.privileged",
    },
  ],
  "CODE-SEC-019": [
    {
      label: "SYS_ADMIN and NET_RAW added",
      fail: {
        spec,
        artifacts: kube(
          deployment("web", {}, [container({}, { capabilities: { add: ["SYS_ADMIN", "NET_RAW"] } })]),
        ),
      },
      pass: {
        spec,
        artifacts: kube(
          deployment("web", {}, [container({}, { capabilities: { add: ["CHOWN", "SETUID"] } })]),
        ),
      },
      path: `${CONTAINER}.securityContext.capabilities.add`,
    },
    {
      label: "compose cap_add CAP_SYS_PTRACE",
      fail: { spec, artifacts: compose({ web: composeService({ cap_add: ["CAP_SYS_PTRACE"] }) }) },
      pass: { spec, artifacts: compose({ web: composeService({ cap_add: ["NET_BIND_SERVICE"] }) }) },
      path: "artifact:docker/compose.yaml#services.web.cap_add",
    },
  ],
  "CODE-SEC-010": [
    {
      label: "allowPrivilegeEscalation unset",
      fail: {
        spec,
        artifacts: kube(deployment("web", {}, [container({}, { allowPrivilegeEscalation: undefined })])),
      },
      pass: { spec, artifacts: kube(deployment()) },
      path: `${CONTAINER}.securityContext.allowPrivilegeEscalation`,
    },
  ],
  "CODE-SEC-011": [
    {
      label: "hostNetwork",
      fail: { spec, artifacts: kube(deployment("web", { hostNetwork: true })) },
      pass: { spec, artifacts: kube(deployment("web", { hostNetwork: false })) },
      path: `${K8S_WEB}.spec.template.spec.hostNetwork`,
    },
    {
      label: "compose network_mode host",
      fail: { spec, artifacts: compose({ web: composeService({ network_mode: "host" }) }) },
      pass: { spec, artifacts: compose({ web: composeService({ network_mode: "bridge" }) }) },
      path: "artifact:docker/compose.yaml#services.web.network_mode",
    },
  ],
  "CODE-SEC-012": [
    {
      label: "hostPath volume",
      fail: { spec, artifacts: kube(hostPath("/var/log")) },
      pass: { spec, artifacts: kube(deployment("web", { volumes: [{ name: "tmp", emptyDir: {} }] })) },
      path: `${K8S_WEB}.spec.template.spec.volumes[0].hostPath`,
    },
    {
      label: "docker socket from the node",
      fail: { spec, artifacts: kube(hostPath("/var/run/docker.sock")) },
      pass: { spec, artifacts: kube(deployment()) },
      path: `${K8S_WEB}.spec.template.spec.volumes[0].hostPath`,
      severity: "error",
    },
    {
      label: "compose bind of the docker socket",
      fail: {
        spec,
        artifacts: compose({
          web: composeService({ volumes: ["/var/run/docker.sock:/var/run/docker.sock"] }),
        }),
      },
      pass: {
        spec,
        artifacts: compose({ web: composeService({ volumes: ["./static:/app/static:ro", "data:/data"] }) }),
      },
      path: "artifact:docker/compose.yaml#services.web.volumes[0]",
      severity: "error",
    },
  ],
  "CODE-SEC-013": [
    {
      label: "token mounted by default",
      fail: { spec, artifacts: kube(deployment("web", { automountServiceAccountToken: undefined })) },
      pass: {
        spec,
        artifacts: kube(
          {
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: { name: "web" },
            automountServiceAccountToken: false,
          },
          deployment("web", { automountServiceAccountToken: undefined, serviceAccountName: "web" }),
        ),
      },
      path: `${K8S_WEB}.spec.template.spec.automountServiceAccountToken`,
    },
  ],
  "CODE-SEC-014": [
    {
      label: "cache behind a LoadBalancer in production",
      fail: { spec: withCache, artifacts: kube(kubeService("redis", "LoadBalancer", 6379)) },
      pass: { spec: withCache, artifacts: kube(kubeService("redis", "ClusterIP", 6379)) },
      path: "artifact:kubernetes/redis-service.yaml#Service/redis.spec.type",
    },
    {
      label: "private service behind an Ingress",
      fail: { spec: withAdmin, artifacts: kube(ingress("shop", "admin")) },
      pass: { spec: withAdmin, artifacts: kube(ingress("shop", "web")) },
      path: "artifact:kubernetes/shop-ingress.yaml#Ingress/shop.spec.rules[0].http.paths[0]",
    },
    {
      label: "compose cache published in dev is a warning",
      fail: {
        spec: env("dev", { caches: [{ name: "redis", engine: "redis" }] }),
        artifacts: compose({ redis: composeService({ ports: ["6379:6379"] }) }),
      },
      pass: {
        spec: env("dev", { caches: [{ name: "redis", engine: "redis" }] }),
        artifacts: compose({ redis: composeService({ ports: undefined }) }),
      },
      path: "artifact:docker/compose.yaml#services.redis.ports",
      severity: "warning",
    },
  ],
  "CODE-SEC-015": [
    {
      label: "RDS without storage encryption",
      fail: { spec, artifacts: db({ storage_encrypted: false }) },
      pass: { spec, artifacts: db({ storage_encrypted: true }) },
      path: `${TF}aws_db_instance.postgres.storage_encrypted`,
    },
  ],
  "CODE-SEC-016": [
    {
      label: "bucket without public access block",
      fail: { spec, artifacts: terraform(resource("aws_s3_bucket", "uploads", { bucket: "shop-uploads" })) },
      pass: {
        spec,
        artifacts: terraform(
          resource("aws_s3_bucket", "uploads", { bucket: "shop-uploads" }),
          publicAccessBlock,
        ),
      },
      path: `${TF}aws_s3_bucket.uploads`,
    },
  ],
  "CODE-SEC-017": [
    {
      label: "security group open on 5432",
      fail: { spec, artifacts: sgIngress("0.0.0.0/0") },
      pass: { spec, artifacts: sgIngress("10.0.0.0/16") },
      path: `${TF}aws_security_group.db.ingress[1]`,
    },
    {
      label: "ingress rule open on redis (443 open is fine)",
      fail: {
        spec,
        artifacts: terraform(
          resource("aws_vpc_security_group_ingress_rule", "redis", {
            cidr_ipv4: "0.0.0.0/0",
            from_port: 6379,
            to_port: 6379,
            ip_protocol: "tcp",
          }),
        ),
      },
      pass: {
        spec,
        artifacts: terraform(
          resource("aws_vpc_security_group_ingress_rule", "https", {
            cidr_ipv4: "0.0.0.0/0",
            from_port: 443,
            to_port: 443,
            ip_protocol: "tcp",
          }),
        ),
      },
      path: `${TF}aws_vpc_security_group_ingress_rule.redis`,
    },
  ],
  "CODE-REL-004": [
    {
      label: "web service without a health check (spec)",
      fail: { spec: prodWeb({ healthCheck: undefined }) },
      pass: { spec: prodWeb({ healthCheck: { path: "/healthz" } }) },
      path: "services[0].healthCheck",
    },
    {
      label: "container serving a port without readiness probe (rendered)",
      fail: { spec, artifacts: kube(deployment("web", {}, [container({ readinessProbe: undefined })])) },
      pass: {
        spec,
        artifacts: kube(deployment("web", {}, [container({ ports: undefined, readinessProbe: undefined })])),
      },
      path: `${CONTAINER}.readinessProbe`,
    },
  ],
  "CODE-REL-005": [
    {
      label: "no resources in the spec",
      fail: { spec: prodWeb({ resources: undefined }) },
      pass: { spec: prodWeb({ resources: { cpu: "1", memory: "1Gi" } }) },
      path: "services[0].resources",
    },
    {
      label: "cpu but no memory in the spec",
      fail: { spec: prodWeb({ resources: { cpu: "1" } }) },
      pass: { spec: prodWeb({ resources: { memory: "1Gi" } }) },
      path: "services[0].resources.memory",
    },
    {
      label: "rendered container without memory limit, though the spec has one",
      fail: {
        spec,
        artifacts: kube(deployment("web", {}, [container({ resources: { requests: { cpu: "500m" } } })])),
      },
      pass: { spec: prodWeb({ resources: undefined }), artifacts: kube(deployment()) },
      path: `${CONTAINER}.resources.limits`,
    },
    {
      label: "compose service without memory limit",
      fail: { spec, artifacts: compose({ web: composeService({ deploy: undefined }) }) },
      pass: { spec, artifacts: compose({ web: composeService({ deploy: undefined, mem_limit: "512m" }) }) },
      path: "artifact:docker/compose.yaml#services.web.deploy.resources.limits",
    },
  ],
};
