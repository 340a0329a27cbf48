import { describe, expect, it } from "vitest";
import { changeDue, differenceSentence, parseAmount } from "./till";

describe("parseAmount", () => {
  it.each([["12.50", 1250], ["12,5", 1250], ["12", 1200], [" 0.07 ", 7], ["100.00", 10000]])("reads %s", (typed, minor) => {
    expect(parseAmount(typed)).toBe(minor);
  });

  it.each(["", "abc", "-5", "1.234", "1e3", "12."])("refuses %j", (typed) => {
    expect(parseAmount(typed)).toBeNull();
  });
});

describe("changeDue", () => {
  it("is what is tendered over the total", () => {
    expect(changeDue(1850, 2000)).toBe(150);
    expect(changeDue(1850, 1850)).toBe(0);
  });

  it("is null while the cash does not cover the total", () => {
    expect(changeDue(1850, 1849)).toBeNull();
  });
});

describe("differenceSentence", () => {
  it("says short, over or balanced", () => {
    expect(differenceSentence(-250, "GBP")).toBe("The drawer is short by £2.50: less cash was counted than expected.");
    expect(differenceSentence(100, "GBP")).toBe("The drawer is over by £1.00: more cash was counted than expected.");
    expect(differenceSentence(0, "GBP")).toMatch(/balances/);
  });
});
