/**
 * A service's `command`, `args` and named `volumes`: what the container runs
 * and the paths whose files survive an update. Kubernetes' meaning on every
 * target: `command` replaces the image's ENTRYPOINT, `args` its CMD.
 */
import { z } from "zod";

const KEBAB = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** An absolute container path: segments of letters, digits and `._-@+=`, no `.` or `..` segment, no trailing `/`. */
export const MOUNT_PATH = /^(\/(?!\.{1,2}(\/|$))[A-Za-z0-9._@+=-]+)+$/;

/** Paths a volume must not cover: the kernel's file systems, or the whole root. */
const RESERVED_MOUNTS = ["/proc", "/sys", "/dev"] as const;

export function mountPathProblem(path: string): string | undefined {
  if (!path.startsWith("/")) return `must be an absolute path such as /data, got "${path.slice(0, 80)}"`;
  if (path.length > 1024) return "must be at most 1024 characters";
  if (path === "/")
    return "must not be / (the whole file system): mount the volume at a folder such as /data";
  if (path.split("/").some((s) => s === ".." || s === "."))
    return 'must not contain "." or ".." segments: write the folder\'s plain absolute path';
  if (path.endsWith("/")) return `must not end with "/": write ${path.replace(/\/+$/, "")}`;
  if (path.includes("//")) return 'must not contain "//"';
  for (const reserved of RESERVED_MOUNTS)
    if (path === reserved || path.startsWith(`${reserved}/`))
      return `must not be under ${reserved}, which the container runtime provides`;
  if (!MOUNT_PATH.test(path))
    return 'may hold only letters, digits, "/", ".", "_", "-", "@", "+" and "=" (no spaces, ":" or ",", which compose and mount options read as separators)';
  return undefined;
}

const mountPath = z
  .string()
  .superRefine((value, ctx) => {
    const problem = mountPathProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  })
  .meta({ pattern: MOUNT_PATH.source });

export const volumeSchema = z.strictObject({
  name: z
    .string()
    .min(1, "must not be empty")
    .max(40, "must be at most 40 characters")
    .regex(KEBAB, `must be kebab-case: lower-case letters, digits and "-" (like "uploads")`),
  path: mountPath.meta({
    description: "Absolute path in the container where the volume is mounted, such as /data",
  }),
  sizeGb: z.number().int().min(1).max(16_384).default(1).meta({
    description:
      "Size of the volume in GiB: the claim's request on kubernetes, the cost estimate's figure on the clouds (EFS, Filestore and Azure Files bill what is stored or provisioned). @default 1",
  }),
});

export type Volume = z.output<typeof volumeSchema>;

/** One word of a command line: any text but a NUL byte, which no runtime can pass. */
const word = z
  .string()
  .max(4096, "must be at most 4096 characters")
  .refine((w) => !w.includes("\0"), "must not contain a NUL character");

export const workloadFields = {
  command: z
    .array(word.min(1, "must not be empty"))
    .min(1, "must hold the program to run, such as [node]; leave command out to keep the image's entrypoint")
    .max(64)
    .optional()
    .meta({
      description:
        "The program and its first arguments, in place of the image's ENTRYPOINT (Kubernetes `command`, compose `entrypoint`); the image's CMD is then not used unless args are given",
    }),
  args: z.array(word).max(256).optional().meta({
    description: "Arguments in place of the image's CMD (Kubernetes `args`, compose `command`)",
  }),
  volumes: z.array(volumeSchema).max(16, "at most 16 volumes per service").optional().meta({
    description:
      "Named volumes mounted into every replica: their files survive updates and are removed only by destroy (see the README for each target)",
  }),
};

interface Issue {
  readonly path: (string | number)[];
  readonly message: string;
}

/** Names and paths unique within a service, no path inside another (the inner mount would hide part of the outer). */
export function volumeIssues(volumes: readonly Volume[] | undefined): Issue[] {
  const issues: Issue[] = [];
  const names = new Map<string, number>();
  const paths = new Map<string, number>();
  (volumes ?? []).forEach((v, i) => {
    const name = names.get(v.name);
    if (name !== undefined)
      issues.push({
        path: ["volumes", i, "name"],
        message: `duplicate volume name "${v.name}" (already volumes[${name}]); give each volume its own name`,
      });
    else names.set(v.name, i);
    const same = paths.get(v.path);
    if (same !== undefined)
      issues.push({
        path: ["volumes", i, "path"],
        message: `${v.path} is already the path of volumes[${same}]: each volume needs its own path`,
      });
    else {
      for (const [other, j] of paths)
        if (v.path.startsWith(`${other}/`) || other.startsWith(`${v.path}/`))
          issues.push({
            path: ["volumes", i, "path"],
            message: `${v.path} and volumes[${j}].path ${other} overlap (one inside the other): mount them at separate folders`,
          });
      paths.set(v.path, i);
    }
  });
  return issues;
}
