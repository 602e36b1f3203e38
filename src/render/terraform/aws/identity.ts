/**
 * Credentials and rights of the ECS services. Every credential a service
 * reads (a database URL, a cache token) is a Secrets Manager secret that ECS
 * hands to the container through `secrets`/`valueFrom`: never a literal in a
 * task definition or an output. Each service that reads some gets its own
 * execution role, allowed to read exactly those secrets; each service that
 * uses a bucket or an SQS queue gets its own task role, allowed exactly that.
 */
import type { Service } from "../../../spec/schema.js";
import { ident, named, resource } from "../common.js";
import { type CloudEnv, type CloudSecret, usedSecrets } from "../connections.js";
import { call, expr, type HclValue, type TopBlock } from "../hcl.js";
import type { AwsAccess, AwsContext } from "./context.js";

export const SHARED_EXECUTION_ROLE = "ecs_execution";

export const assumeRole = (service: string) =>
  call("jsonencode", {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });

export function secretArn(secret: CloudSecret): HclValue {
  return expr(`aws_secretsmanager_secret.${secret.label}.arn`);
}

/** One secret and its value per credential that some service reads. */
export function secretBlocks(ctx: AwsContext, services: readonly Service[]): TopBlock[] {
  return usedSecrets(services, ctx.connections).flatMap((s) => [
    resource("aws_secretsmanager_secret", s.label, {
      name: named(`conn/${s.id}`),
      description: `Connection credential ${s.id}, read by the ECS services that use it`,
      // A deleted secret keeps its name for the recovery window: none outside production.
      recovery_window_in_days: ctx.production ? 7 : 0,
    }),
    resource("aws_secretsmanager_secret_version", s.label, {
      secret_id: expr(`aws_secretsmanager_secret.${s.label}.id`),
      secret_string: s.value,
    }),
  ]);
}

/** The execution role of a service: its own when it reads secrets, else the shared one. */
export function executionRole(s: Service, env: CloudEnv<AwsAccess>): string {
  return env.readSecrets.length > 0 ? `${ident(s.name)}_execution` : SHARED_EXECUTION_ROLE;
}

export function serviceRoles(s: Service, env: CloudEnv<AwsAccess>): TopBlock[] {
  const id = ident(s.name);
  const blocks: TopBlock[] = [];
  if (env.readSecrets.length > 0) {
    blocks.push(
      resource("aws_iam_role", `${id}_execution`, {
        // Role names stop at 64 characters: a prefix (38 at most) and a suffix AWS picks keep them unique.
        name_prefix: call("substr", named(`${s.name}-exec-`), 0, 38),
        assume_role_policy: assumeRole("ecs-tasks.amazonaws.com"),
      }),
      resource("aws_iam_role_policy_attachment", `${id}_execution`, {
        role: expr(`aws_iam_role.${id}_execution.name`),
        policy_arn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
      }),
      resource("aws_iam_role_policy", `${id}_execution_secrets`, {
        role: expr(`aws_iam_role.${id}_execution.id`),
        policy: call("jsonencode", {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: ["secretsmanager:GetSecretValue"],
              Resource: env.readSecrets.map(secretArn),
            },
          ],
        }),
      }),
    );
  }
  if (env.access.length > 0) {
    blocks.push(
      resource("aws_iam_role", `${id}_task`, {
        name_prefix: call("substr", named(`${s.name}-task-`), 0, 38),
        assume_role_policy: assumeRole("ecs-tasks.amazonaws.com"),
      }),
      resource("aws_iam_role_policy", `${id}_task`, {
        role: expr(`aws_iam_role.${id}_task.id`),
        policy: call("jsonencode", {
          Version: "2012-10-17",
          Statement: env.access.map((a) => ({
            Effect: "Allow",
            Action: [...a.actions],
            Resource: [...a.resources],
          })),
        }),
      }),
    );
  }
  return blocks;
}
