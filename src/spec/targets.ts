/** The deployment targets, apart from the schema so the CLI can list them without loading zod. */
export const TARGETS = ["docker", "kubernetes", "terraform"] as const;
export type Target = (typeof TARGETS)[number];
