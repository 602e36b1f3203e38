#!/usr/bin/env node
// Writes src/intent/tokens/phrase-index.generated.ts: the interpreter's phrase
// tables compiled ahead of time (src/intent/tokens/phrase-compile.ts says why).
// Run it after changing a phrase table or the lexicon; src/intent/phrase-index.test.ts
// fails until then (the interpreter still answers right meanwhile, compiling the
// changed tables at run time).
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tsImport } from "tsx/esm/api";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { renderPhraseIndex } = await tsImport("../src/intent/phrase-index.ts", import.meta.url);
const out = join(root, "src/intent/tokens/phrase-index.generated.ts");
writeFileSync(out, renderPhraseIndex());
console.log(`wrote ${out}`);
