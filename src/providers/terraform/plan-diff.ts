/**
 * `terraform show -json` read into CODE's terms: a plan becomes the
 * resources to create, update, replace and delete, by address; a state
 * becomes its resources and outputs. Pure functions over the parsed JSON.
 */
import type { TerraformBlock } from "../../render/types.js";

export type ChangeKind = "create" | "update" | "replace" | "delete" | "forget";

export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly kind: ChangeKind;
  /** Terraform's action_reason, such as `replace_because_cannot_update`. */
  readonly reason?: string;
  /** The planned values (unknown values are absent); undefined for deletes. */
  readonly after?: Readonly<Record<string, unknown>>;
}

export interface PlanDiff {
  readonly creates: readonly string[];
  readonly updates: readonly string[];
  readonly replaces: readonly string[];
  readonly deletes: readonly string[];
  /** Every change that is not a no-op or a read, in Terraform's order. */
  readonly changes: readonly ResourceChange[];
  /** Output values that change, by name. */
  readonly outputChanges: readonly string[];
}

export interface StateResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly values: Readonly<Record<string, unknown>>;
}

export interface StateSnapshot {
  readonly resources: readonly StateResource[];
  readonly outputs: Readonly<Record<string, { readonly value: unknown; readonly sensitive: boolean }>>;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function kindOf(actions: readonly string[]): ChangeKind | undefined {
  const has = (a: string) => actions.includes(a);
  if (has("delete") && has("create")) return "replace";
  if (has("create")) return "create";
  if (has("delete")) return "delete";
  if (has("update")) return "update";
  if (has("forget")) return "forget";
  return undefined;
}

function parseChange(raw: unknown): ResourceChange | undefined {
  if (!isRecord(raw) || raw.mode === "data") return undefined;
  const change = isRecord(raw.change) ? raw.change : {};
  const kind = kindOf(list(change.actions).map(str));
  if (!kind) return undefined;
  const reason = str(raw.action_reason);
  const after = isRecord(change.after) ? change.after : undefined;
  return {
    address: str(raw.address),
    type: str(raw.type),
    name: str(raw.name),
    kind,
    ...(reason ? { reason } : {}),
    ...(after && kind !== "delete" ? { after } : {}),
  };
}

/** Reads `terraform show -json PLANFILE`. */
export function parsePlanJson(json: unknown): PlanDiff {
  const root = isRecord(json) ? json : {};
  const changes = list(root.resource_changes).flatMap((r) => parseChange(r) ?? []);
  const by = (kind: ChangeKind) => changes.filter((c) => c.kind === kind).map((c) => c.address);
  const outputs = isRecord(root.output_changes) ? root.output_changes : {};
  const outputChanges = Object.entries(outputs)
    .filter(([, c]) => isRecord(c) && !list(c.actions).every((a) => a === "no-op"))
    .map(([name]) => name);
  return {
    creates: by("create"),
    updates: by("update"),
    replaces: by("replace"),
    deletes: by("delete"),
    changes,
    outputChanges,
  };
}

export function hasChanges(diff: PlanDiff): boolean {
  return diff.changes.length > 0 || diff.outputChanges.length > 0;
}

/** `Plan: 3 to add, 1 to change, 1 to replace, 0 to destroy.` */
export function summarizeDiff(diff: PlanDiff): string {
  return `${diff.creates.length} to add, ${diff.updates.length} to change, ${diff.replaces.length} to replace, ${diff.deletes.length} to destroy`;
}

/** `+ terraform_data.web` lines, as Terraform marks them. */
export function formatDiff(diff: PlanDiff): string[] {
  const mark: Record<ChangeKind, string> = {
    create: "+",
    update: "~",
    replace: "-/+",
    delete: "-",
    forget: ".",
  };
  return diff.changes.map(
    (c) =>
      `${mark[c.kind]} ${c.address}${c.kind === "replace" ? " (replace)" : c.kind === "forget" ? " (forget)" : ""}`,
  );
}

function moduleResources(module: unknown): StateResource[] {
  if (!isRecord(module)) return [];
  const own = list(module.resources).flatMap((r): StateResource[] =>
    isRecord(r) && r.mode !== "data"
      ? [
          {
            address: str(r.address),
            type: str(r.type),
            name: str(r.name),
            values: isRecord(r.values) ? r.values : {},
          },
        ]
      : [],
  );
  return [...own, ...list(module.child_modules).flatMap(moduleResources)];
}

/** Reads `terraform show -json` (the state); an empty state has no `values`. */
export function parseStateJson(json: unknown): StateSnapshot {
  const values = isRecord(json) && isRecord(json.values) ? json.values : {};
  const outputs: Record<string, { value: unknown; sensitive: boolean }> = {};
  if (isRecord(values.outputs)) {
    for (const [name, o] of Object.entries(values.outputs)) {
      if (isRecord(o)) outputs[name] = { value: o.value, sensitive: o.sensitive === true };
    }
  }
  return { resources: moduleResources(values.root_module), outputs };
}

/** Planned resources as the renderer's TerraformBlock shape, so policy's artifact rules can read them. */
export function plannedBlocks(diff: PlanDiff): TerraformBlock[] {
  return diff.changes
    .filter((c) => c.after !== undefined && c.kind !== "forget")
    .map((c) => ({ blockType: "resource", labels: [c.type, c.name], body: c.after ?? {} }));
}
