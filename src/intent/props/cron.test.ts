import { describe, expect, it } from "vitest";
import { isValidCron } from "../../spec/schema.js";
import { tokenize } from "../tokens/tokenizer.js";
import { findSchedules } from "./cron.js";

const crons = (text: string) => findSchedules(tokenize(text)).map((s) => s.cron);

describe("schedules", () => {
  it.each([
    ["every Monday at 9am", "0 9 * * 1"],
    ["every 15 minutes", "*/15 * * * *"],
    ["every 15m", "*/15 * * * *"],
    ["nightly", "0 2 * * *"],
    ["every night at 2am", "0 2 * * *"],
    ["hourly", "0 * * * *"],
    ["every hour", "0 * * * *"],
    ["daily at 6:30pm", "30 18 * * *"],
    ["every day at 14:00", "0 14 * * *"],
    ["every weekday at 8", "0 8 * * 1-5"],
    ["on weekends at noon", "0 12 * * 0,6"],
    ["weekly", "0 0 * * 0"],
    ["every 2 hours", "0 */2 * * *"],
    ["every other day", "0 0 */2 * *"],
    ["every half hour", "*/30 * * * *"],
    ["every minute", "* * * * *"],
    ["every Monday and Thursday at 7am", "0 7 * * 1,4"],
    ["every mon, wed and fri at 10:15", "15 10 * * 1,3,5"],
    ["monthly", "0 0 1 * *"],
    ["on the 15th of every month", "0 0 15 * *"],
    ["twice a day", "0 0,12 * * *"],
    ["at midnight every day", "0 0 * * *"],
    ["every Friday at 17:00", "0 17 * * 5"],
    ["at 6 in the evening every day", "0 18 * * *"],
    ["cron 0 3 * * 1", "0 3 * * 1"],
  ])("%s -> %s", (text, cron) => {
    const found = crons(text);
    expect(found).toContain(cron);
    expect(isValidCron(cron)).toBe(true);
  });

  it("says which defaults it applied", () => {
    const [s] = findSchedules(tokenize("weekly"));
    expect(s?.assumptions).toEqual([
      "no time of day given: running at midnight (00:00)",
      "weekly: on Sundays",
    ]);
  });

  it("is not fooled by money or hyphenated names", () => {
    expect(crons("a $200 monthly limit")).toEqual([]);
    expect(crons("a monthly budget of $50")).toEqual([]);
    expect(crons("a job called nightly-report")).toEqual([]);
  });

  it("marks a bare time of day as weak", () => {
    expect(findSchedules(tokenize("at 9am"))[0]).toMatchObject({ cron: "0 9 * * *", weak: true });
  });
});
