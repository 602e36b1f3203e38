import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { phraseIndex, REGENERATE, renderPhraseIndex } from "./phrase-index.js";
import { compiledTable, compilePhrases } from "./tokens/phrase-compile.js";
import { LEXICON, PHRASE_INDEX } from "./tokens/phrase-index.generated.js";
import { table } from "./tokens/phrases.js";
import { tokenize } from "./tokens/tokenizer.js";

const stale = `the generated phrase index is stale: run \`${REGENERATE}\``;

describe("the generated phrase index (tokens/phrase-index.generated.ts)", () => {
  it("holds what the interpreter's tables and the lexicon compile to now", () => {
    const fresh = phraseIndex();
    const names = new Set([...Object.keys(fresh.tables), ...Object.keys(PHRASE_INDEX)]);
    const changed = [...names].filter(
      (name) =>
        fresh.tables[name]?.source !== PHRASE_INDEX[name]?.source ||
        fresh.tables[name]?.index !== PHRASE_INDEX[name]?.index,
    );
    expect(changed, stale).toEqual([]);
    expect(LEXICON === fresh.lexicon, `${stale} (the lexicon changed)`).toBe(true);
    expect(Object.keys(fresh.tables).length).toBeGreaterThan(15);
  });

  it("is the file the generator writes", () => {
    const committed = readFileSync(new URL("./tokens/phrase-index.generated.ts", import.meta.url), "utf8");
    expect(committed === renderPhraseIndex(), stale).toBe(true);
  });

  it("is used only while a table's phrases match it: an edited table compiles from its definition", () => {
    const [name, entry] = Object.entries(PHRASE_INDEX)[0] ?? [];
    if (name === undefined || entry === undefined) throw new Error("the index is empty");
    const phrases: string[] = JSON.parse(entry.source);
    expect(compiledTable(name, phrases)).toEqual(JSON.parse(entry.index));
    const edited = [...phrases.slice(0, -1), "replicas on my machines"];
    expect(compiledTable(name, edited)).toEqual(compilePhrases(edited));
    expect(compiledTable(name, edited)).not.toEqual(JSON.parse(entry.index));
  });
});

describe("compiled phrase tables", () => {
  it("fold phrase words like the text's words and match the longest phrase first", () => {
    const cues = table("test.CUES", { "zone|multi zones": "few", "multiple availability zones": "many" });
    const tokens = tokenize("spread over multi-zones and multiple availability zones");
    expect(cues.all(tokens).map((h) => [h.value, h.start, h.end])).toEqual([
      ["few", 2, 4],
      ["many", 5, 8],
    ]);
    expect([cues.hasWord("zone"), cues.hasWord("zones"), cues.hasWord("multi")]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it("keep the first listed phrase among phrases of one length", () => {
    const cues = table("test.ORDER", [
      ["high", "first"],
      ["high", "second"],
      ["high available", "longer"],
    ]);
    expect(cues.at(tokenize("high"), 0)?.value).toBe("first");
    expect(cues.at(tokenize("highly available"), 0)).toBeUndefined();
    expect(cues.at(tokenize("high available"), 0)?.value).toBe("longer");
  });

  it("are named once", () => {
    expect(() => table("test.ORDER", { x: 1 })).toThrow(/defined twice/);
  });
});
