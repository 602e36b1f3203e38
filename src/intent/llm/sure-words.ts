/**
 * What the rules read for sure, held against a model's answer: the app's name
 * when the words say it ("called X", "as X", "the X app"), and the components
 * the words rule out ("no database", "instead of MySQL", "no memcached").
 * The action is always the rules' (see llm-interpreter.ts). The words win;
 * each correction is said.
 */
import type { DeploymentSpec } from "../../spec/schema.js";
import type { DataMention } from "../mentions/mention-types.js";
import { read } from "../read/read.js";
import type { ReadMode } from "../tokens/context.js";

export interface SureWords {
  readonly name?: string;
  readonly negated: readonly { readonly group: DataMention["group"]; readonly engine?: string }[];
}

export function sureWords(text: string, mode: ReadMode = {}): SureWords {
  const r = read(text, mode);
  const negated = r.negated.flatMap((m) =>
    m.type === "data" ? [{ group: m.group, ...(m.engine ? { engine: m.engine } : {}) }] : [],
  );
  return { ...(r.appName?.how === "said" ? { name: r.appName.name } : {}), negated };
}

/** Returns the corrected spec and the corrections, in words. */
export function holdToWords(
  spec: DeploymentSpec,
  sure: SureWords,
): { spec: DeploymentSpec; notes: string[] } {
  const out = structuredClone(spec);
  const notes: string[] = [];
  if (sure.name && out.name !== sure.name) {
    notes.push(`the words name the app ${sure.name}; the model said ${out.name}: using ${sure.name}`);
    out.name = sure.name;
  }
  const dropped = new Set<string>();
  for (const n of sure.negated) {
    const group = out[n.group] as { name: string; engine?: string }[];
    const keep = group.filter((x) => n.engine !== undefined && x.engine !== n.engine);
    for (const x of group)
      if (!keep.includes(x)) {
        dropped.add(x.name);
        notes.push(`the words rule out ${n.engine ?? n.group}; the model added ${x.name}: removed`);
      }
    (out as Record<string, unknown>)[n.group] = keep;
  }
  if (dropped.size > 0)
    out.services = out.services.map((s) => ({ ...s, dependsOn: s.dependsOn.filter((d) => !dropped.has(d)) }));
  return { spec: out, notes };
}
