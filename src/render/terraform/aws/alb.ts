/**
 * The public entrance of ECS services: one Application Load Balancer in the
 * public subnets, a target group per public service, HTTP (redirecting to
 * HTTPS when a service has TLS and a domain) and HTTPS listeners with ACM
 * certificates validated by DNS. With `route53_zone_id` set, the validation
 * and alias records are created too; otherwise the outputs list them.
 */
import type { Service } from "../../../spec/schema.js";
import { ident, resource, shortName, variableBlock, webPort } from "../common.js";
import { block, expr, type HclBlock, type TopBlock } from "../hcl.js";
import type { AwsContext } from "./context.js";

const ZONE_SET = "var.route53_zone_id != null";

export function publicServices(ctx: AwsContext): Service[] {
  return ctx.spec.services.filter((s) => s.public && s.kind === "web");
}

/** Public services with TLS and a domain: they get an ACM certificate and the HTTPS listener. */
export function securedServices(ctx: AwsContext): (Service & { domain: string })[] {
  return publicServices(ctx).filter(
    (s): s is Service & { domain: string } => s.tls && s.domain !== undefined,
  );
}

function targetGroup(s: Service): TopBlock {
  return resource("aws_lb_target_group", ident(s.name), {
    name: shortName(s.name, 32),
    port: webPort(s),
    protocol: "HTTP",
    target_type: "ip",
    vpc_id: expr("aws_vpc.main.id"),
    health_check: block({ path: s.healthCheck?.path ?? "/", matcher: "200-399" }),
  });
}

function certificate(ctx: AwsContext, s: Service & { domain: string }): TopBlock[] {
  const id = ident(s.name);
  ctx.m.output(
    `${id}_certificate_validation`,
    expr(`aws_acm_certificate.${id}.domain_validation_options`),
    `DNS records that validate the certificate of ${s.domain} (created when route53_zone_id is set)`,
  );
  const options = `aws_acm_certificate.${id}.domain_validation_options`;
  return [
    resource("aws_acm_certificate", id, {
      domain_name: s.domain,
      validation_method: "DNS",
      lifecycle: block({ create_before_destroy: true }),
    }),
    resource("aws_route53_record", `${id}_validation`, {
      for_each: expr(`{ for o in ${options} : o.domain_name => o if ${ZONE_SET} }`),
      zone_id: expr("var.route53_zone_id"),
      name: expr("each.value.resource_record_name"),
      type: expr("each.value.resource_record_type"),
      records: [expr("each.value.resource_record_value")],
      ttl: 300,
    }),
    resource("aws_acm_certificate_validation", id, {
      certificate_arn: expr(`aws_acm_certificate.${id}.arn`),
      validation_record_fqdns: expr(`[for r in aws_route53_record.${id}_validation : r.fqdn]`),
    }),
    resource("aws_route53_record", id, {
      count: expr(`${ZONE_SET} ? 1 : 0`),
      zone_id: expr("var.route53_zone_id"),
      name: s.domain,
      type: "A",
      alias: block({
        name: expr("aws_lb.main.dns_name"),
        zone_id: expr("aws_lb.main.zone_id"),
        evaluate_target_health: true,
      }),
    }),
  ];
}

const forward = (s: Service): HclBlock =>
  block({ type: "forward", target_group_arn: expr(`aws_lb_target_group.${ident(s.name)}.arn`) });

function listeners(ctx: AwsContext, first: Service, secured: (Service & { domain: string })[]): TopBlock[] {
  const redirect = block({
    type: "redirect",
    redirect: block({ port: "443", protocol: "HTTPS", status_code: "HTTP_301" }),
  });
  const untlsd = publicServices(ctx).filter((s) => s.tls && s.domain === undefined);
  const comment = untlsd.length
    ? [
        `TLS without a domain (${untlsd.map((s) => s.name).join(", ")}): ACM needs a domain name, so HTTP only until one is set.`,
      ]
    : undefined;
  const http = resource(
    "aws_lb_listener",
    "http",
    {
      load_balancer_arn: expr("aws_lb.main.arn"),
      port: 80,
      protocol: "HTTP",
      default_action: secured.length > 0 ? redirect : forward(first),
    },
    comment,
  );
  const [primary, ...more] = secured;
  if (!primary) return [http];
  return [
    http,
    resource("aws_lb_listener", "https", {
      load_balancer_arn: expr("aws_lb.main.arn"),
      port: 443,
      protocol: "HTTPS",
      ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificate_arn: expr(`aws_acm_certificate_validation.${ident(primary.name)}.certificate_arn`),
      default_action: forward(first),
    }),
    ...more.map((s) =>
      resource("aws_lb_listener_certificate", ident(s.name), {
        listener_arn: expr("aws_lb_listener.https.arn"),
        certificate_arn: expr(`aws_acm_certificate_validation.${ident(s.name)}.certificate_arn`),
      }),
    ),
  ];
}

/** Services after the first are routed by host name (with a domain) or by path `/<name>/*`. */
function rules(services: readonly Service[], listener: string): TopBlock[] {
  return services.slice(1).map((s, i) =>
    resource("aws_lb_listener_rule", ident(s.name), {
      listener_arn: expr(`aws_lb_listener.${listener}.arn`),
      priority: 100 + i,
      action: forward(s),
      condition: s.domain
        ? block({ host_header: block({ values: [s.domain] }) })
        : block({ path_pattern: block({ values: [`/${s.name}/*`] }) }),
    }),
  );
}

export function renderAwsLoadBalancer(ctx: AwsContext): void {
  const services = publicServices(ctx);
  const [first] = services;
  if (!first) return;
  const secured = securedServices(ctx);
  ctx.m.add(
    "services",
    resource("aws_lb", "main", {
      name: shortName("alb", 32),
      internal: false,
      load_balancer_type: "application",
      security_groups: [expr("aws_security_group.alb.id")],
      subnets: expr("aws_subnet.public[*].id"),
      drop_invalid_header_fields: true,
      enable_deletion_protection: ctx.production,
    }),
    ...services.map(targetGroup),
    ...secured.flatMap((s) => certificate(ctx, s)),
    ...listeners(ctx, first, secured),
    ...rules(services, secured.length > 0 ? "https" : "http"),
  );
  if (secured.length > 0) {
    ctx.m.variable(
      variableBlock("route53_zone_id", {
        type: "string",
        description:
          "Route 53 hosted zone of the domains; when null, create the DNS records shown in the outputs yourself",
        default: null,
      }),
    );
  }
  ctx.m.output(
    "load_balancer_dns_name",
    expr("aws_lb.main.dns_name"),
    "DNS name of the public load balancer",
  );
  const securedNames = new Set(secured.map((s) => s.name));
  for (const s of services) {
    const scheme = securedNames.has(s.name) ? "https" : "http";
    const host = s.domain ?? `\${aws_lb.main.dns_name}`;
    const path = s === first || s.domain ? "" : `/${s.name}/`;
    ctx.m.output(
      `${ident(s.name)}_url`,
      expr(`"${scheme}://${host}${path}"`),
      `Public URL of service ${s.name}`,
    );
  }
}
