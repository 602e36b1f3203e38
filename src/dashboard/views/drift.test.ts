/** A drift event whose summary is not of the shape service/drift.ts writes still shows, with its count. */
import { describe, expect, it } from "vitest";
import type { DriftEvent } from "../../state/types.js";
import { DriftTable, summaryOf } from "./drift.js";

const event = (summary: unknown): DriftEvent => ({
  app: "a",
  environment: "staging",
  seq: 7,
  at: "2026-01-01T00:00:00.000Z",
  revision: 3,
  provider: "docker",
  resources: 2,
  summary,
  checker: "serve",
  healed: false,
  heal: { outcome: "refused" },
});

describe("drift events in the dashboard", () => {
  it("read the stored summary, and nothing from one of another shape", () => {
    expect(
      summaryOf(event({ count: 3, items: [{ kind: "x", name: "y", change: "missing", path: "" }] })),
    ).toEqual({
      count: 3,
      items: [{ kind: "x", name: "y", change: "missing", path: "" }],
    });
    expect(summaryOf(event("[redacted]"))).toEqual({});
    expect(summaryOf(event({ items: [{ kind: 1 }] }))).toEqual({});
  });

  it("say how many items the summary left out, and a heal that could not start", async () => {
    const html = String(
      await DriftTable({
        caption: "c",
        events: [
          event({
            count: 60,
            items: [{ kind: "Deployment", name: "web", change: "changed", path: "/spec" }],
          }),
        ],
      }),
    );
    expect(html).toContain("2 resources");
    expect(html).toContain("and 59 more");
    expect(html).toContain('class="badge b-refused">refused');
    expect(String(await DriftTable({ caption: "c", events: [event(null)] }))).toContain("2 resources");
  });
});
