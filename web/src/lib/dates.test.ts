import { describe, expect, it } from "vitest";
import { dayBoundary } from "./dates";

describe("dayBoundary", () => {
  it("is the picked day's local midnight, or the next day's for the end of a range", () => {
    const start = new Date(dayBoundary("2026-12-31"));
    expect([start.getFullYear(), start.getMonth(), start.getDate(), start.getHours(), start.getMinutes()]).toEqual([2026, 11, 31, 0, 0]);
    const end = new Date(dayBoundary("2026-12-31", true));
    expect([end.getFullYear(), end.getMonth(), end.getDate(), end.getHours()]).toEqual([2027, 0, 1, 0]);
  });
});
