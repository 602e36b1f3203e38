import { describe, expect, it } from "vitest";
import { gluedRun, type Token, tokenize } from "./tokenizer.js";

const kinds = (text: string) => tokenize(text).map((t) => `${t.kind}:${t.kind === "word" ? t.w : t.text}`);
const one = (text: string): Token => {
  const toks = tokenize(text);
  expect(toks).toHaveLength(1);
  return toks[0] as Token;
};

describe("tokenize", () => {
  it("reads image references, keeping them exactly", () => {
    for (const ref of [
      "ghcr.io/acme/shop:2.1",
      "httpd:2.4",
      "acme/checkout:3",
      "opensearchproject/opensearch:2",
      "nginx:1.27-alpine",
    ]) {
      expect(one(ref)).toMatchObject({ kind: "image", text: ref });
    }
  });

  it("does not take slashed words or numbers for images", () => {
    expect(kinds("and/or")).toEqual(["word:and", "word:or"]);
    expect(kinds("24/7")).toEqual(["number:24", "number:7"]);
    expect(one("1/2")).toMatchObject({ kind: "number", num: 0.5 });
  });

  it("reads URLs with host and scheme, and domains", () => {
    expect(one("https://shop.example.com/x")).toMatchObject({
      kind: "url",
      key: "shop.example.com",
      secure: true,
    });
    expect(one("http://app.io")).toMatchObject({ kind: "url", key: "app.io", secure: false });
    expect(tokenize("at app.contoso.com.")[1]).toMatchObject({ kind: "domain", key: "app.contoso.com" });
    expect(one("Next.js")).toMatchObject({ kind: "word", w: "next.js" });
    expect(one("index.js").kind).toBe("word");
  });

  it("reads sizes glued or spaced, in binary units", () => {
    expect(one("4GB")).toMatchObject({ kind: "size", num: 4, unit: "Gi" });
    expect(one("512mb")).toMatchObject({ kind: "size", num: 512, unit: "Mi" });
    expect(tokenize("512 MB")[0]).toMatchObject({ kind: "size", num: 512, unit: "Mi" });
    expect(tokenize("1.5 GiB")[0]).toMatchObject({ kind: "size", num: 1.5, unit: "Gi" });
    expect(tokenize("2 gigs")[0]).toMatchObject({ kind: "size", num: 2, unit: "Gi" });
  });

  it("reads money, percentages, ports, paths, env assignments and times", () => {
    expect(one("$200")).toMatchObject({ kind: "money", num: 200 });
    expect(one("$1.5k")).toMatchObject({ kind: "money", num: 1500 });
    expect(kinds("$75/month")).toEqual(["money:$75/month", "word:per", "word:month"]);
    expect(tokenize("200 dollars")[0]).toMatchObject({ kind: "money", num: 200 });
    expect(one("60%")).toMatchObject({ kind: "percent", num: 60 });
    expect(tokenize("60 percent")[0]).toMatchObject({ kind: "percent", num: 60 });
    expect(one(":3000")).toMatchObject({ kind: "port", num: 3000 });
    expect(one("localhost:8080")).toMatchObject({ kind: "port", num: 8080 });
    expect(one("/healthz")).toMatchObject({ kind: "path", text: "/healthz" });
    expect(one("LOG_LEVEL=debug")).toMatchObject({ kind: "env", key: "LOG_LEVEL", value: "debug" });
    expect(one('GREETING="hello world"')).toMatchObject({
      kind: "env",
      key: "GREETING",
      value: "hello world",
    });
    expect(one("9am")).toMatchObject({ kind: "time", hour: 9, minute: 0 });
    expect(one("6:30pm")).toMatchObject({ kind: "time", hour: 18, minute: 30 });
    expect(tokenize("12 am")[0]).toMatchObject({ kind: "time", hour: 0 });
    expect(one("21:00")).toMatchObject({ kind: "time", hour: 21, minute: 0 });
  });

  it("keeps versions as written", () => {
    expect(one("8.0")).toMatchObject({ kind: "number", w: "8.0", value: "8.0" });
    expect(one("v16")).toMatchObject({ kind: "version", value: "16" });
    expect(one("2.4.1")).toMatchObject({ kind: "version", value: "2.4.1" });
    expect(kinds("pg16")).toEqual(["word:pg", "number:16"]);
  });

  it("keeps a cron expression whole when it is valid", () => {
    expect(kinds("cron '*/5 * * * *' please")).toEqual(["word:cron", "cron:*/5 * * * *", "word:please"]);
    expect(kinds("80 443 8080 9000 3000").every((k) => k.startsWith("number:"))).toBe(true);
  });

  it("splits hyphenated words into glued parts and expands contractions", () => {
    const toks = tokenize("multi-AZ us-east-1");
    expect(toks.map((t) => t.w)).toEqual(["multi", "az", "us", "east", "1"]);
    expect(toks[1]?.glue).toBe("-");
    expect(gluedRun(toks, 2)).toEqual({ text: "us-east-1", end: 5 });
    expect(kinds("what's")).toEqual(["word:what", "word:is"]);
  });

  it("normalizes case, plurals, British spellings and typos of the vocabulary", () => {
    expect(
      tokenize("Replicas DATABASES copies catalogue kubernets enviroment Postgresql").map((t) => t.w),
    ).toEqual(["replica", "database", "copy", "catalog", "kubernetes", "environment", "postgres"]);
    expect(tokenize("stating")[0]?.w).toBe("stating");
  });

  it("splits sentences and clauses with punctuation tokens", () => {
    expect(kinds("api, web; done.")).toEqual([
      "word:api",
      "punct:,",
      "word:web",
      "punct:;",
      "word:done",
      "punct:.",
    ]);
  });

  it("marks the words of a parenthetical with its group, including merged sizes and inner commas", () => {
    const t = tokenize("postgres 15 (HA, 100 GB) and api [3 replicas]");
    const group = (text: string) => t.find((x) => x.text === text)?.paren;
    expect(group("15")).toBeUndefined();
    expect(group("HA")).toBe(1);
    expect(group(",")).toBe(1);
    expect(t.find((x) => x.kind === "size")).toMatchObject({ num: 100, paren: 1 });
    expect(group("and")).toBeUndefined();
    expect(group("replicas")).toBe(2);
  });

  it("reads a bar between fields as a clause break", () => {
    expect(kinds("stg | web 2x")).toEqual(["word:staging", "punct:,", "word:web", "number:2", "word:x"]);
  });

  it("splits a French or Italian elided article from its word, and keeps English contractions", () => {
    expect(kinds("l'API d'orders")).toEqual(["word:the", "word:api", "word:of", "word:orders"]);
    expect(kinds("it's o'reilly")).toEqual(["word:it", "word:is", "word:o'reilly"]);
  });

  it("catches a seven-letter word with its last letter dropped, not other six-letter words", () => {
    expect(tokenize("in stagin with mongod").map((t) => t.w)).toEqual(["in", "staging", "with", "mongodb"]);
    expect(tokenize("stages taking").map((t) => t.w)).toEqual(["stages", "taking"]);
  });
});
