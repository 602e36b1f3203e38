/**
 * Dangerous Linux capabilities added to a container. CODE itself adds only the
 * few default capabilities that root-starting official images need (CHOWN,
 * SETUID...), so this rule names the ones that break isolation: host
 * administration, raw sockets, tracing, kernel modules.
 */
import { composePath, composeServices, kubeLabel, kubePath, kubeWorkloads } from "../artifacts.js";
import type { PolicyRule } from "../types.js";
import { field } from "../util.js";

/** Capabilities that give a container power over the host or its network. */
const DANGEROUS = new Set([
  "ALL",
  "SYS_ADMIN",
  "NET_ADMIN",
  "NET_RAW",
  "SYS_PTRACE",
  "SYS_MODULE",
  "SYS_RAWIO",
  "SYS_BOOT",
  "SYS_TIME",
  "DAC_READ_SEARCH",
  "BPF",
  "PERFMON",
  "MKNOD",
]);

function dangerous(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list
    .filter((c): c is string => typeof c === "string")
    .map((c) => c.toUpperCase().replace(/^CAP_/, ""))
    .filter((c) => DANGEROUS.has(c));
}

export const dangerousCapabilities = {
  id: "CODE-SEC-019",
  severity: "error",
  category: "security",
  title: "Dangerous capability added",
  description:
    "SYS_ADMIN, NET_RAW, NET_ADMIN, SYS_PTRACE and the like let a container administer the host, sniff or forge traffic, or trace other processes.",
  *check({ artifacts }) {
    if (!artifacts) return;
    const hint = "drop the capability (capabilities: { drop: [ALL] }) and add back only what the app needs";
    for (const w of kubeWorkloads(artifacts)) {
      for (const c of w.containers) {
        const caps = dangerous(field(c.data, "securityContext", "capabilities", "add"));
        if (caps.length === 0) continue;
        yield {
          path: kubePath(artifacts, w.object, [...c.at, "securityContext", "capabilities", "add"]),
          message: `container "${c.name}" of ${kubeLabel(w.object)} adds ${caps.join(", ")}`,
          hint,
        };
      }
    }
    for (const s of composeServices(artifacts)) {
      const caps = dangerous(s.data.cap_add);
      if (caps.length === 0) continue;
      yield {
        path: composePath(artifacts, s.name, "cap_add"),
        message: `compose service "${s.name}" adds ${caps.join(", ")}`,
        hint,
      };
    }
  },
} satisfies PolicyRule;
