/**
 * `codeploy policy list`: every rule (built-in, module plugins, Rego) with its
 * source, severity and whether it is on. `codeploy policy test DIR`: a team's
 * fixtures, like `opa test`: specs under DIR/pass must pass policy, specs
 * under DIR/fail must be refused (by the rules a first-line `# expect: A, B`
 * names, when it does); `*_test.rego` files in DIR run with `opa test`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { runCommand } from "../../core/command-runner.js";
import { CodeError, NotFoundError } from "../../core/errors.js";
import { builtinRules, loadCustomRules, type Severity } from "../../policy/index.js";
import { expandRegoPaths, type RegoSettings } from "../../policy/rego.js";
import { reviewWithRego } from "../../review/edge.js";
import { parseSpecText } from "../../spec/parse.js";
import { EXIT_OK, EXIT_REFUSED } from "../exit.js";
import { type CliIo, printJson } from "../io.js";
import { policySettings, regoSettings } from "../policy-settings.js";
import { secretSeed } from "../secret-seed.js";
import { loadCliConfig } from "../settings.js";

export interface PolicyFlags {
  readonly json?: boolean;
  readonly config?: string;
}

interface ListedRule {
  readonly id: string;
  readonly source: string;
  readonly severity: Severity;
  readonly on: boolean;
  readonly title: string;
}

/** `deny`/`warn` heads of each package in a .rego file (the rule may name its own finding ids). */
export function regoRules(file: string, text: string): ListedRule[] {
  const pkg = /^package\s+([\w.]+)/m.exec(text)?.[1] ?? "?";
  const heads = new Set<string>();
  for (const m of text.matchAll(/^(deny|warn)\b/gm)) heads.add(m[1] ?? "");
  const ids = [...text.matchAll(/"id"\s*:\s*"([^"]+)"/g)].map((m) => m[1]);
  return [...heads].sort().map((head) => ({
    id: `${pkg}.${head}`,
    source: `rego ${file}`,
    severity: head === "deny" ? "error" : "warning",
    on: true,
    title: ids.length > 0 ? `findings ${[...new Set(ids)].join(", ")}` : `the ${head} set of ${pkg}`,
  }));
}

export async function policyListCommand(io: CliIo, flags: PolicyFlags): Promise<number> {
  const config = await loadCliConfig(io, flags.config);
  const { disable, severity } = config.policy;
  const row = (source: string) => (r: { id: string; severity: Severity; title: string }) => ({
    id: r.id,
    source,
    severity: severity[r.id] ?? r.severity,
    on: !disable.includes(r.id),
    title: r.title,
  });
  const rows: ListedRule[] = builtinRules.map(row("built-in"));
  for (const path of config.policy.rules) {
    const rules = await loadCustomRules([resolve(config.baseDir, path)]);
    rows.push(...rules.map(row(`module ${path}`)));
  }
  for (const file of regoSettings(config).files) {
    rows.push(...regoRules(relative(io.cwd, file) || file, readFileSync(file, "utf8")));
  }
  if (flags.json) {
    printJson(io, { rules: rows });
    return EXIT_OK;
  }
  const width = Math.max(...rows.map((r) => r.id.length));
  const sw = Math.max(...rows.map((r) => r.source.length));
  io.stdout(`${"ID".padEnd(width)}  ${"SOURCE".padEnd(sw)}  SEVERITY  ON   TITLE\n`);
  for (const r of rows) {
    io.stdout(
      `${r.id.padEnd(width)}  ${r.source.padEnd(sw)}  ${r.severity.padEnd(8)}  ${(r.on ? "on" : "off").padEnd(3)}  ${r.title}\n`,
    );
  }
  io.stdout(`\n${rows.length} rules, ${rows.filter((r) => !r.on).length} off\n`);
  return EXIT_OK;
}

interface CaseResult {
  readonly file: string;
  readonly ok: boolean;
  readonly reason: string;
}

function specFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort();
}

export async function policyTestCommand(io: CliIo, dir: string, flags: PolicyFlags): Promise<number> {
  const root = resolve(io.cwd, dir);
  if (!existsSync(root))
    throw new NotFoundError(`policy test: ${dir} does not exist`, {
      hint: "name a folder with pass/ and fail/ specs or Rego tests",
    });
  const config = await loadCliConfig(io, flags.config);
  const settings = await policySettings(config);
  const regoHere = expandRegoPaths([root]);
  const policies = regoHere.filter((f) => !f.endsWith("_test.rego"));
  const rego: RegoSettings = { ...settings.rego, files: [...new Set([...settings.rego.files, ...policies])] };
  const seed = await secretSeed(io);
  const results: CaseResult[] = [];
  for (const expect of ["pass", "fail"] as const) {
    for (const name of specFiles(join(root, expect))) {
      const file = `${expect}/${name}`;
      const text = readFileSync(join(root, expect, name), "utf8");
      const wanted =
        /^#\s*expect:\s*(.+)$/m
          .exec(text.split("\n")[0] ?? "")?.[1]
          ?.split(/[\s,]+/)
          .filter(Boolean) ?? [];
      let errors: string[];
      try {
        const review = await reviewWithRego(parseSpecText(text, file), {
          ...settings,
          rego,
          render: { secretSeed: seed },
        });
        errors = review.findings.filter((f) => f.severity === "error").map((f) => f.id);
      } catch (error) {
        if (
          !(error instanceof CodeError) ||
          error.code === "POLICY_REGO" ||
          error.code === "POLICY_REGO_TIMEOUT"
        )
          throw error;
        results.push({ file, ok: false, reason: error.message });
        continue;
      }
      const missing = wanted.filter((id) => !errors.includes(id));
      const ok = expect === "pass" ? errors.length === 0 : errors.length > 0 && missing.length === 0;
      const reason =
        expect === "pass"
          ? ok
            ? "no errors"
            : `refused by ${[...new Set(errors)].join(", ")}`
          : ok
            ? `refused by ${[...new Set(errors)].join(", ")}`
            : errors.length === 0
              ? "passed policy but should be refused"
              : `not refused by ${missing.join(", ")}`;
      results.push({ file, ok, reason });
    }
  }
  let opaOk = true;
  let opaOutput = "";
  if (regoHere.some((f) => f.endsWith("_test.rego"))) {
    const result = await runCommand(rego.opa ?? "opa", ["test", "-v", ...regoHere], {
      okExitCodes: [0, 1, 2],
      signal: AbortSignal.timeout(Math.max(rego.deadlineMs ?? 5000, 60_000)),
      killGraceMs: 500,
    });
    opaOk = result.exitCode === 0;
    opaOutput = `${result.stdout}${result.stderr}`;
  }
  if (results.length === 0 && opaOutput === "") {
    throw new NotFoundError(`policy test: ${dir} has no fixtures`, {
      hint: "put specs under pass/ and fail/, or *_test.rego files",
    });
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  if (flags.json)
    printJson(io, {
      cases: results,
      opa: opaOutput ? { ok: opaOk, output: opaOutput } : undefined,
      passed,
      failed,
    });
  else {
    for (const r of results) io.stdout(`${r.ok ? "PASS" : "FAIL"} ${r.file}: ${r.reason}\n`);
    if (opaOutput) io.stdout(`\nopa test:\n${opaOutput}`);
    io.stdout(
      `\npolicy fixtures: ${passed} passed, ${failed} failed${opaOutput ? `; opa test ${opaOk ? "passed" : "failed"}` : ""}\n`,
    );
  }
  return failed === 0 && opaOk ? EXIT_OK : EXIT_REFUSED;
}
