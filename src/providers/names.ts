/**
 * The provider names, apart from the providers themselves: the CLI builds its
 * `--provider` choices from this list without loading any provider's code.
 * providers/index.ts maps each name to its factory (a test checks both match
 * the provider folders).
 */
export const PROVIDER_NAMES = ["null", "docker", "kubernetes", "terraform"] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];
