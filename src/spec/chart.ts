/**
 * `services[].chart`: a service that is an existing Helm chart, installed as
 * its own release by the kubernetes provider (`helm upgrade --install
 * --atomic`). Either a local chart, `path` (a folder with Chart.yaml, relative
 * to the spec file), or a chart of a repository, `repo` + `name` (+ `version`,
 * which should be pinned). `values` is the object handed to helm as a values
 * file.
 *
 * The checks here are the ones that need no disk: a path is relative, in
 * forward slashes, and never climbs out of its folder (no `..` segment, no
 * absolute or drive path, no `~`), so a spec cannot point the deployer at
 * files elsewhere on the machine; the provider checks again on disk that the
 * resolved folder (symlinks followed) stays inside the spec's folder.
 */
import { z } from "zod";

/** A chart name in a repository index (Helm: lower-case letters, digits, `-`, `_`, `.`). */
export const CHART_NAME = /^[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?$/;
/** A chart version or constraint ("1.2.3", "^2.0.0", "~1.4"): no spaces, nothing a shell or helm flag reads. */
export const CHART_VERSION = /^[0-9A-Za-z^~<>=*.+_-][0-9A-Za-z^~<>=*.+_,|-]{0,63}$/;

export function chartPathProblem(path: string): string | undefined {
  if (path.length === 0) return "must not be empty";
  if (path.length > 512) return "must be at most 512 characters";
  if (/[\p{Cc}]/u.test(path)) return "must not contain control characters";
  if (path.includes("\\")) return 'must use "/" between folders';
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path))
    return "must be relative to the spec file's folder, not an absolute path";
  if (path.startsWith("~")) return "must be relative to the spec file's folder (no ~)";
  if (path.split("/").some((part) => part === ".."))
    return 'must stay inside the spec file\'s folder: ".." is not allowed (copy or link the chart beside the spec)';
  if (path.startsWith("-")) return `must not start with "-" (write ./${path})`;
  return undefined;
}

export function chartRepoProblem(repo: string): string | undefined {
  if (repo.length > 2048) return "must be at most 2048 characters";
  let url: URL;
  try {
    url = new URL(repo);
  } catch {
    return "must be the URL of a chart repository, such as https://charts.bitnami.com/bitnami";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return `must be an http(s) URL, got ${url.protocol.replace(/:$/, "")}: (oci, file and other schemes are not supported)`;
  if (url.username || url.password)
    return "must not hold credentials: configure them with helm repo add, outside the spec";
  if (url.hostname === "") return "must name a host";
  return undefined;
}

const checked = (problem: (value: string) => string | undefined) =>
  z.string().superRefine((value, ctx) => {
    const found = problem(value);
    if (found !== undefined) ctx.addIssue({ code: "custom", message: found });
  });

export const chartSchema = z
  .strictObject({
    path: checked(chartPathProblem)
      .optional()
      .meta({ description: "A local chart: its folder, relative to the spec file's folder" }),
    repo: checked(chartRepoProblem)
      .optional()
      .meta({ description: "A chart repository's http(s) URL (with name)" }),
    name: z
      .string()
      .regex(CHART_NAME, 'must be a chart name: lower-case letters, digits, ".", "_" and "-"')
      .optional()
      .meta({ description: "The chart's name in repo" }),
    version: z
      .string()
      .regex(CHART_VERSION, 'must be a chart version such as "1.2.3" (or a constraint such as "^1.2")')
      .optional()
      .meta({
        description: "The chart version (repo charts). Absent: the newest, which the plan warns about",
      }),
    values: z
      // Any value a values file holds; a recursive JSON type here would make the API's OpenAPI document cyclic.
      .record(z.string(), z.unknown())
      .default({})
      .meta({ description: "Values for the chart, as in a values.yaml" }),
  })
  .superRefine((chart, ctx) => {
    const local = chart.path !== undefined;
    const remote = chart.repo !== undefined || chart.name !== undefined;
    if (local && remote) {
      ctx.addIssue({
        code: "custom",
        path: ["path"],
        message: "give either path (a local chart) or repo and name (a repository's chart), not both",
      });
    } else if (!local && !remote) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: "needs path (a local chart folder) or repo and name (a chart of a repository)",
      });
    } else if (remote && chart.repo === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["repo"],
        message: "is required with name: the chart repository's http(s) URL",
      });
    } else if (remote && chart.name === undefined) {
      ctx.addIssue({ code: "custom", path: ["name"], message: "is required with repo: the chart's name" });
    }
    if (local && chart.version !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["version"],
        message: "a local chart's version is the one in its Chart.yaml: remove version",
      });
  });

export type ChartRef = z.output<typeof chartSchema>;

/**
 * Service fields that a chart service does not take: the chart decides its
 * image, ports, replicas and the rest (set them in chart.values).
 */
export const NOT_FOR_CHARTS = [
  "image",
  "port",
  "replicas",
  "public",
  "domain",
  "tls",
  "resources",
  "autoscale",
  "healthCheck",
  "runAsRoot",
  "readOnlyRootFilesystem",
  "internetEgress",
  "schedule",
  "command",
  "args",
  "volumes",
] as const;

interface WithServices {
  readonly services: readonly {
    readonly name: string;
    readonly chart?: ChartRef | undefined;
    readonly dependsOn: readonly string[];
  }[];
}

/**
 * The spec as CODE renders it: without the services that are charts (their
 * objects come from the chart), and without dependsOn links to them, which
 * order the plan's steps and have no object to point at.
 */
export function withoutCharts<T extends WithServices>(spec: T): T {
  const charts = new Set(spec.services.filter((s) => s.chart !== undefined).map((s) => s.name));
  if (charts.size === 0) return spec;
  return {
    ...spec,
    services: spec.services
      .filter((s) => !charts.has(s.name))
      .map((s) => ({ ...s, dependsOn: s.dependsOn.filter((d) => !charts.has(d)) })),
  };
}

/** The services of a spec that name a chart, each with its chart. */
export function chartServices<S extends { readonly chart?: ChartRef | undefined }>(spec: {
  readonly services: readonly S[];
}): (S & { readonly chart: ChartRef })[] {
  return spec.services.filter((s): s is S & { readonly chart: ChartRef } => s.chart !== undefined);
}
