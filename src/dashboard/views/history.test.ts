/** The history page names the Git commits of each revision: the one its spec was read from, and the one holding it. */
import { describe, expect, it } from "vitest";
import { HistoryPage } from "./history.js";

const source = "0123456789abcdef0123456789abcdef01234567";
const holder = "fedcba9876543210fedcba9876543210fedcba98";

describe("the history page", () => {
  it("shows where each revision came from in Git", async () => {
    const page = HistoryPage({
      viewer: {
        principal: {
          id: "key:1",
          actor: "key:eyes",
          kind: "api-key",
          role: "viewer",
          environments: undefined,
        },
        csrf: "t",
      },
      app: "shop",
      environment: "staging",
      base: "/ui/apps/shop/staging",
      current: 2,
      history: {
        deployments: [],
        revisions: [
          {
            number: 1,
            actor: "ana",
            createdAt: "2026-01-01T00:00:00.000Z",
            request: undefined,
            interpreter: undefined,
            interpretUsage: undefined,
          },
          {
            number: 2,
            actor: "codeploy-gitops",
            createdAt: "2026-01-02T00:00:00.000Z",
            request: `sync repo@${source}:specs/shop.yaml`,
            interpreter: undefined,
            interpretUsage: undefined,
            sourceCommit: source,
            commit: holder,
          },
        ],
      },
    });
    const html = await Promise.resolve(String(page));
    expect(html).toContain(`<span title="${source}">from ${source.slice(0, 12)} </span>`);
    expect(html).toContain(`<span title="${holder}">in ${holder.slice(0, 12)}</span>`);
  });
});
