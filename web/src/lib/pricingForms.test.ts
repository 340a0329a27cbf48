import { describe, expect, it } from "vitest";
import {
  NEW_PROMO, NEW_RULE, type Rule, parseMultiplier, percentToBasisPoints, promoBody, promoFields, railFields, railsBody,
  ruleBody, ruleConditionsText, ruleFields, seatPriceChanges, seatPriceFields, seatPriceKey,
} from "./pricingForms";

describe("parseMultiplier", () => {
  it.each([["0.7", "0.7"], ["1,25", "1.25"], ["10", "10"], [" 2 ", "2"]])("reads %j", (typed, text) => {
    expect(parseMultiplier(typed)).toBe(text);
  });
  it.each(["", "0", "0.0", "10.5", "-1", "1.23456", "abc"])("refuses %j", (typed) => {
    expect(parseMultiplier(typed)).toBeNull();
  });
});

describe("ruleBody", () => {
  it("builds a matinee rule for the cinema", () => {
    const checked = ruleBody({ ...NEW_RULE, name: " Cheap Tuesday ", kind: "matinee", multiplier: "0.8", weekdays: [3, 1],
      startBefore: "17:00", holidays: "never" }, 4);
    expect(checked.problems).toEqual([]);
    expect(checked.body).toMatchObject({ cinema_id: 4, name: "Cheap Tuesday", kind: "matinee", multiplier: "0.8", priority: 0,
      conditions: { weekdays: [1, 3], start_before: "17:00", on_holidays: false }, valid_from: null, valid_until: null });
  });

  it("names every problem as a sentence", () => {
    const checked = ruleBody({ ...NEW_RULE, multiplier: "12", priority: "high", startFrom: "25:00", weekdays: [1],
      validFrom: "2026-12-10", validUntil: "2026-12-01" }, 1);
    expect(checked.body).toBeNull();
    expect(checked.problems).toHaveLength(5);
    checked.problems.forEach((p) => expect(p).toMatch(/^[A-Z].*\.$/));
  });

  it("asks when a time rule applies, and a holiday rule's dates", () => {
    expect(ruleBody({ ...NEW_RULE, name: "x", multiplier: "1" }, 1).problems).toEqual(["Say when the rule applies: some weekdays, start times or holidays."]);
    const holiday = ruleBody({ ...NEW_RULE, name: "Xmas", kind: "holiday", multiplier: "1.2", dates: "2026-12-25, 25/12" }, 1);
    expect(holiday.problems).toEqual(["These are not dates written as 2026-12-25: 25/12."]);
  });

  it("keeps only the conditions of its kind and reads back for editing", () => {
    const body = ruleBody({ ...NEW_RULE, name: "IMAX", kind: "format", multiplier: "1.5", format: "IMAX", weekdays: [2] }, 1).body as Rule;
    expect(body.conditions).toEqual({ format: "IMAX" });
    const again = ruleFields({ ...body, id: 3 });
    expect(ruleBody(again, 1).body).toEqual(body);
  });
});

describe("ruleConditionsText", () => {
  it("says when a rule applies", () => {
    const rule = (conditions: Rule["conditions"], kind: Rule["kind"] = "weekday") =>
      ({ ...NEW_RULE, cinema_id: 1, multiplier: "1", priority: 0, valid_from: null, valid_until: null, kind, conditions }) as Rule;
    expect(ruleConditionsText(rule({ weekdays: [1], start_from: "10:00", start_before: "17:00", on_holidays: false })))
      .toBe("Tuesday; starting 10:00–17:00; not on holidays");
    expect(ruleConditionsText(rule({}))).toBe("every day");
    expect(ruleConditionsText(rule({ format: "3D" }, "format"))).toBe("3D showings");
  });
});

describe("promoBody", () => {
  it("reads a fixed amount in minor units of the cinema's currency", () => {
    const checked = promoBody({ ...NEW_PROMO, code: "welcome-10", kind: "fixed", value: "2.50", maxUses: "100" }, 7, "GBP");
    expect(checked.body).toMatchObject({ code: "WELCOME-10", value: 250, currency: "GBP", max_uses: 100, cinema_ids: [7], min_tickets: 1 });
  });

  it("refuses a percentage over 100 and a code too short", () => {
    const checked = promoBody({ ...NEW_PROMO, code: "AB", value: "150" }, 7, "GBP");
    expect(checked.problems).toEqual([
      "The code must be 3 to 40 letters, digits, dashes or underscores.",
      "A percentage off must be a whole number from 1 to 100.",
    ]);
  });

  it("keeps an edited code's films and cinemas", () => {
    const promo = { ...promoBody({ ...NEW_PROMO, code: "FILMS", value: "10" }, 7, "GBP").body!, id: 2, movie_ids: [5], cinema_ids: [7, 8] };
    expect(promoBody(promoFields(promo), 7, "GBP", promo).body).toMatchObject({ movie_ids: [5], cinema_ids: [7, 8], value: 10 });
  });
});

describe("guard rails", () => {
  const rails = { category_bounds: [{ category: "standard" as const, floor_minor: 800, ceiling_minor: 1500 }], max_daily_change_bp: 1500,
    no_rise_hours: 4, only_fall: false };
  const categories = [{ code: "standard", name: "Standard", sort_order: 0 }, { code: "vip", name: "VIP", sort_order: 1 }];

  it("round-trips through the form", () => {
    const fields = railFields(rails, categories);
    expect(Object.keys(fields.bounds)).toEqual(["standard", "vip"]);
    expect(fields.bounds.standard).toEqual({ floor: "8.00", ceiling: "15.00" });
    expect(fields.maxDailyChangePercent).toBe("15");
    expect(railsBody(fields, "GBP").body).toEqual(rails);
  });

  it("keeps the bound of a category no longer listed", () => {
    const fields = railFields(rails, categories.slice(1));
    expect(Object.keys(fields.bounds)).toEqual(["vip", "standard"]);
    expect(railsBody(fields, "GBP").body).toEqual(rails);
  });

  it("refuses a floor above its ceiling and an unknown amount", () => {
    const fields = railFields(rails, categories);
    fields.bounds.standard = { floor: "20", ceiling: "15" };
    fields.bounds.vip = { floor: "lots", ceiling: "" };
    expect(railsBody(fields, "GBP").problems).toEqual([
      "The floor of standard seats is above its ceiling.",
      "The floor of vip seats must be an amount of GBP, such as 8.50.",
    ]);
  });

  it("reads percent as basis points", () => {
    expect(percentToBasisPoints("2.5")).toBe(250);
    expect(percentToBasisPoints("x")).toBeNull();
  });
});

describe("seat prices", () => {
  const categories = [{ code: "standard", name: "Standard", sort_order: 0 }, { code: "vip", name: "VIP", sort_order: 1 }];
  const screens = [{ id: 7, name: "Screen 1" }] as Parameters<typeof seatPriceFields>[2];
  const initial = seatPriceFields([
    { category: "standard", screen_id: null, amount_minor: 1000 },
    { category: "vip", screen_id: 7, amount_minor: 2500 },
  ], categories, screens);

  it("has a cell per category for the cinema and each screen, filled where a price is set", () => {
    expect(initial).toEqual({ "standard@cinema": "10.00", "standard@7": "", "vip@cinema": "", "vip@7": "25.00" });
  });

  it("sends only what changed: a set, a new screen price, a removal", () => {
    const fields = { ...initial, [seatPriceKey("standard", null)]: "11", [seatPriceKey("standard", 7)]: "12,50", [seatPriceKey("vip", 7)]: " " };
    expect(seatPriceChanges(fields, initial, "EUR")).toEqual({ problems: [], body: [
      { category: "standard", screenId: null, amountMinor: 1100 },
      { category: "standard", screenId: 7, amountMinor: 1250 },
      { category: "vip", screenId: 7, amountMinor: null },
    ] });
    expect(seatPriceChanges(initial, initial, "EUR")).toEqual({ problems: [], body: [] });
  });

  it("names an amount it cannot read", () => {
    const checked = seatPriceChanges({ ...initial, [seatPriceKey("vip", null)]: "a lot" }, initial, "EUR");
    expect(checked).toEqual({ body: null, problems: ["The price of vip seats must be an amount of EUR, such as 12.50."] });
  });
});
