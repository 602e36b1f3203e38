import { describe, expect, it } from "vitest";
import { interpretRules } from "../rules-interpreter.js";
import { Ctx } from "../tokens/context.js";
import { tokenize } from "../tokens/tokenizer.js";
import { guessLanguage } from "./language.js";

const language = (text: string) => guessLanguage(new Ctx(tokenize(text)))?.language;
const languageNotes = (text: string) => {
  const r = interpretRules(text);
  return {
    asked: r.questions.filter((q) => /request (is|seems to be) in/.test(q)),
    assumed: r.assumptions.filter((a) => /request is in/.test(a)),
  };
};

describe("the language of a request", () => {
  it.each([
    ["Déployez l'API en staging avec un cache Redis et deux répliques", "French"],
    ["Despliega la tienda en producción con 3 réplicas", "Spanish"],
    ["Bitte die Web-App mit einer MySQL-Datenbank auf Kubernetes bereitstellen", "German"],
    ["Distribuisci il negozio con un database e tre repliche", "Italian"],
    ["Zet de webshop op Kubernetes met een Postgres database", "Dutch"],
  ])("%s -> %s", (text, want) => {
    expect(language(text)).toBe(want);
  });

  it.each([
    "deploy the api with postgres and redis in staging",
    "deploy la la land app with an api",
    "put the shop on kubernetes, de-risked with 3 replicas",
  ])("English stays English: %s", (text) => {
    expect(language(text)).toBeUndefined();
  });
});

describe("a request in another language", () => {
  it("read whole: the same facts, and an assumption saying so", () => {
    const r = interpretRules("Déployez l'API en staging avec un cache Redis et deux répliques");
    expect(r.spec.environment).toBe("staging");
    expect(r.spec.services.find((s) => s.name === "api")?.replicas).toBe(2);
    expect(r.spec.caches.map((c) => c.engine)).toEqual(["redis"]);
    expect(languageNotes("Déployez l'API en staging avec un cache Redis et deux répliques")).toEqual({
      asked: [],
      assumed: ["the request is in French: read through its deployment words"],
    });
  });

  it("read in part: a question names the words not understood", () => {
    const { asked } = languageNotes("Mettez en ligne la boutique avec une base de données en production");
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain("French");
    expect(asked[0]).toContain('"Mettez"');
  });

  it("in a language the lexicon does not read: a question, never a silent guess", () => {
    const { asked } = languageNotes("Distribuisci il negozio con un database e tre repliche");
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/Italian, which is not read here .*"Distribuisci"/);
  });

  it("a foreign article never names the app", () => {
    expect(interpretRules("Despliega la app con redis en staging").spec.name).not.toBe("la");
  });
});
