import { describe, expect, it } from "vitest";
import { read } from "./read.js";

const appName = (text: string) => read(text).appName;

describe("what replaces something names the app", () => {
  it.each([
    ["Context: orders-v2 replaces the old orders service. Deploy it to production.", "orders-v2"],
    ["billing will replace the invoices app; deploy it with postgres", "billing"],
    ["ledger-next supersedes ledger. Run it with 2 replicas", "ledger-next"],
  ])("%s", (text, name) => {
    expect(appName(text)).toEqual({ name, how: "said" });
  });

  it.each([
    ["the new api replaces the old one", undefined],
    ["deploy the api; it replaces the legacy soap service", undefined],
    ["deploy the shop and replace the worker image", { name: "shop", how: "words" }],
  ])("not from a role, a pronoun or the middle of a sentence: %s", (text, want) => {
    expect(appName(text)).toEqual(want);
  });

  it.each([
    ["App name is relay, image acme/relay:1", "relay"],
    ["the name should be ledger", "ledger"],
    ["name: ledger. deploy nginx", "ledger"],
  ])("a name stated as a fact: %s", (text, name) => {
    expect(appName(text)).toEqual({ name, how: "said" });
  });
});
