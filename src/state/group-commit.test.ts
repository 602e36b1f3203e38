import { describe, expect, it } from "vitest";
import { groupCommit } from "./group-commit.js";

describe("groupCommit", () => {
  it("groups calls made while a flush is running and answers each in order", async () => {
    const groups: number[][] = [];
    const append = groupCommit(async (items: number[]) => {
      groups.push(items);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return items.map((n) => n * 10);
    });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => append(i)));
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => i * 10));
    expect(groups.flat()).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(groups.length).toBeLessThan(5);
  });

  it("fails only the bad item of a failed group", async () => {
    const append = groupCommit(async (items: number[]) => {
      if (items.includes(3)) throw new Error("bad item 3");
      return items;
    });
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => append(n)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(results[2]).toMatchObject({ reason: { message: "bad item 3" } });
  });

  it("caps a group at maxGroup items and keeps serving after an idle time", async () => {
    const sizes: number[] = [];
    const append = groupCommit(async (items: string[]) => {
      sizes.push(items.length);
      return items;
    }, 4);
    await Promise.all(["a", "b", "c", "d", "e", "f"].map((s) => append(s)));
    expect(sizes).toEqual([4, 2]);
    await expect(append("later")).resolves.toBe("later");
  });
});
