#!/usr/bin/env node
// Figures for the terraform provider with the real terraform CLI (printed, never asserted):
// a first deploy of a cloud-local spec (3 terraform_data resources: init, plan -out, show -json,
// apply of the saved plan, state), an update of one component, and a destroy.
// Runs against the build in dist/ (or $CODEPLOY_DIST); skips when terraform is not installed.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = process.env.CODEPLOY_DIST ?? join(root, "dist");
const load = (path) => import(join(dist, path));

const { createTerraformProvider, findTerraform } = await load("providers/terraform/index.js");
const { deploy, destroyEnvironment } = await load("engine/deploy.js");
const { render, hashArtifacts } = await load("render/index.js");
const { validateSpec } = await load("spec/validate.js");
const { openStateStore } = await load("state/index.js");

try {
  findTerraform(process.env);
} catch (error) {
  console.log(`terraform bench skipped: ${error.message}`);
  process.exit(0);
}

const line = (name, ms) => console.log(`${name.padEnd(44)} ${`${ms.toFixed(0)} ms`.padStart(14)}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spec = (replicas) =>
  validateSpec({
    name: "bench",
    environment: "dev",
    cloud: "local",
    target: "terraform",
    services: [{ name: "web", image: "acme/web:1", replicas, dependsOn: ["postgres"] }],
    databases: [{ name: "postgres", engine: "postgres" }],
    caches: [{ name: "redis", engine: "redis" }],
  });

const rounds = Number(process.env.ROUNDS ?? 5);
const first = [];
const update = [];
const destroy = [];
for (let i = 0; i < rounds; i++) {
  const home = mkdtempSync(join(tmpdir(), "codeploy-bench-tf-"));
  const store = await openStateStore({ home });
  const provider = createTerraformProvider({ home, env: process.env });
  const deps = { store, providerFor: () => provider, render: (s) => render(s), hashArtifacts };
  let t = performance.now();
  await deploy({ spec: spec(1), actor: "bench" }, deps);
  first.push(performance.now() - t);
  t = performance.now();
  await deploy({ spec: spec(2), actor: "bench" }, deps);
  update.push(performance.now() - t);
  t = performance.now();
  await destroyEnvironment({ app: "bench", environment: "dev", actor: "bench" }, deps);
  destroy.push(performance.now() - t);
  await store.close();
}
line("terraform deploy, 3 resources (median)", median(first));
line("terraform update of 1 resource (median)", median(update));
line("terraform destroy, 3 resources (median)", median(destroy));
