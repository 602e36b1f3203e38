/**
 * Credentials and rights of the Cloud Run services. Each service runs as its
 * own service account. Every credential it reads (a database URL, a Redis
 * AUTH string) is a Secret Manager secret that Cloud Run resolves into the
 * environment (`value_source.secret_key_ref`): never a literal in the service
 * or an output. The account may read exactly those secrets, and use exactly
 * the buckets, topics and databases the service depends on.
 */
import type { Service } from "../../../spec/schema.js";
import { ident, resource } from "../common.js";
import { type CloudEnv, type CloudSecret, usedSecrets } from "../connections.js";
import { block, expr, type HclBlock, type HclExpr, type TopBlock } from "../hcl.js";
import type { GcpAccess, GcpContext } from "./context.js";

/** The service's own account: 30 characters at most, unique through a hash of the full name. */
export function serviceAccount(s: Service): string {
  return `google_service_account.${ident(s.name)}_sa`;
}

function member(s: Service): HclExpr {
  return expr(`"serviceAccount:\${${serviceAccount(s)}.email}"`);
}

/** One secret and its current version per credential that some service reads. */
export function secretBlocks(ctx: GcpContext): TopBlock[] {
  const used = usedSecrets(ctx.spec.services, ctx.connections);
  if (used.length > 0) ctx.apis.add("secretmanager.googleapis.com");
  return used.flatMap((s) => [
    resource("google_secret_manager_secret", s.label, {
      secret_id: expr(`"\${local.name_prefix}-${s.id}"`),
      replication: block({ auto: block({}) }),
      depends_on: [expr("google_project_service.apis")],
    }),
    resource("google_secret_manager_secret_version", s.label, {
      secret: expr(`google_secret_manager_secret.${s.label}.id`),
      secret_data: s.value,
    }),
  ]);
}

/** An env entry: a plain value, or a reference Cloud Run resolves from Secret Manager. */
export function envBlocks(env: CloudEnv<GcpAccess>): HclBlock[] {
  return [
    ...env.plain.map(([name, value]) => block({ name, value })),
    ...env.secrets.map(([name, secret]) =>
      block({
        name,
        value_source: block({
          secret_key_ref: block({
            secret: expr(`google_secret_manager_secret.${secret.label}.secret_id`),
            version: "latest",
          }),
        }),
      }),
    ),
  ];
}

function secretLabel(s: Service, secret: CloudSecret): string {
  return `${ident(s.name)}_${secret.label}`;
}

/** The account, its secret reads and its other grants; `depends_on` of the service lists the grants. */
export function serviceIdentity(
  s: Service,
  env: CloudEnv<GcpAccess>,
): { blocks: TopBlock[]; grants: HclExpr[] } {
  const id = ident(s.name);
  const full = `\${local.name_prefix}-${s.name}`;
  const blocks: TopBlock[] = [
    resource("google_service_account", `${id}_sa`, {
      account_id: expr(`"\${trim(substr("${full}", 0, 21), "-")}-\${substr(sha256("${full}"), 0, 8)}"`),
      display_name: expr(`"Cloud Run ${s.kind} ${s.name} of \${local.name_prefix}"`),
    }),
  ];
  const grants: HclExpr[] = [];
  for (const secret of env.readSecrets) {
    const label = secretLabel(s, secret);
    blocks.push(
      resource("google_secret_manager_secret_iam_member", label, {
        secret_id: expr(`google_secret_manager_secret.${secret.label}.secret_id`),
        role: "roles/secretmanager.secretAccessor",
        member: member(s),
      }),
    );
    grants.push(expr(`google_secret_manager_secret_iam_member.${label}`));
  }
  for (const a of env.access) {
    const label = `${id}_${a.label}`;
    blocks.push(
      resource(a.type, label, {
        ...a.target,
        role: a.role,
        member: member(s),
        condition: a.condition
          ? block({ title: a.condition.title, expression: a.condition.expression })
          : undefined,
      }),
    );
    grants.push(expr(`${a.type}.${label}`));
  }
  return { blocks, grants };
}
