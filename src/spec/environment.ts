/** What the environment's name means for defaults, policy and renderers: written once. */

export function isProduction(spec: { readonly environment: string }): boolean {
  return spec.environment === "production";
}

/**
 * Names that say production where no spec says it (a Terraform workspace such
 * as `shop-prod-eu`, an environment flag): `production` or `prod` as a word.
 * `preprod` and `product` are not.
 */
export function namesProduction(...names: readonly string[]): boolean {
  return names.some((n) => /(^|[^a-z])prod(uction)?([^a-z]|$)/i.test(n));
}
