/** What the environment's name means for defaults, policy and renderers: written once. */

export function isProduction(spec: { readonly environment: string }): boolean {
  return spec.environment === "production";
}
