// The manager's pricing forms as API bodies: each field is checked as the API checks it, so a
// mistake is named in a sentence before anything is sent (the API still has the last word).
import type { Schemas } from "@/api/types";
import { dayBoundary, isoDay } from "./dates";
import { parseAmount } from "./till";

export type Rule = Schemas["PricingRule"];
export type Promo = Schemas["PromoCode"];
export type GuardRails = Schemas["GuardRails"];
export type RuleKind = Rule["kind"];
export type SeatCategory = Schemas["SeatCategory"];
export type SeatPrice = Schemas["SeatPrice"];
export type Screen = Schemas["Screen"];

/** Either the body to send, or every problem found, each a sentence. */
export type Checked<T> = { body: T; problems: [] } | { body: null; problems: string[] };

function checked<T>(body: T, problems: string[]): Checked<T> {
  return problems.length ? { body: null, problems } : { body, problems: [] };
}

export const RULE_KINDS: { kind: RuleKind; label: string }[] = [
  { kind: "weekday", label: "Weekday (time rule)" },
  { kind: "matinee", label: "Matinee (time rule)" },
  { kind: "late_night", label: "Late night (time rule)" },
  { kind: "holiday", label: "Public holidays" },
  { kind: "format", label: "Format surcharge" },
];
const TIME_KINDS = new Set<RuleKind>(["weekday", "matinee", "late_night"]);
export const isTimeKind = (kind: RuleKind): boolean => TIME_KINDS.has(kind);

export const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
export const FORMATS = ["2D", "3D", "IMAX", "4DX"] as const;
// The API's bounds (app/models/pricing.py, app/pricing/schemas.py).
const DAILY_CHANGE_BP = [10, 100_000] as const;
const NO_RISE_HOURS_MAX = 168;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const PROMO_CODE = /^[A-Za-z0-9_-]{3,40}$/;

/** A multiplier typed as "0.7" or "1,25": at most `places` decimals, above 0 and at most 10. */
export function parseMultiplier(typed: string, places = 4): string | null {
  const text = typed.trim().replace(",", ".");
  if (!new RegExp(`^\\d+(\\.\\d{1,${places}})?$`).test(text)) return null;
  const value = Number(text);
  return value > 0 && value <= 10 ? text : null;
}

/** A whole number typed in a field, or null when it is not one. */
function parseWhole(typed: string): number | null {
  return /^\d+$/.test(typed.trim()) ? Number(typed.trim()) : null;
}

/** A validity window of local days: from the first day's start to the last day's end. */
function validity(from: string, until: string, problems: string[]): { valid_from: string | null; valid_until: string | null } {
  if (from && until && until < from) problems.push("The last valid day must not be before the first.");
  return { valid_from: from ? dayBoundary(from) : null, valid_until: until ? dayBoundary(until, true) : null };
}

/** A validity instant shown back as the local day a date input holds (the end as its last day). */
function validityDay(iso: string | null | undefined, end = false): string {
  if (!iso) return "";
  return isoDay(new Date(Date.parse(iso) - (end ? 1 : 0)));
}

export type RuleFields = {
  name: string;
  kind: RuleKind;
  multiplier: string;
  priority: string;
  active: boolean;
  format: string;
  weekdays: number[];
  startFrom: string;
  startBefore: string;
  holidays: "either" | "only" | "never";
  dates: string;
  validFrom: string;
  validUntil: string;
};

export const NEW_RULE: RuleFields = {
  name: "", kind: "weekday", multiplier: "", priority: "0", active: true, format: "3D",
  weekdays: [], startFrom: "", startBefore: "", holidays: "either", dates: "", validFrom: "", validUntil: "",
};

export function ruleFields(rule: Rule): RuleFields {
  const c = rule.conditions ?? {};
  return {
    name: rule.name, kind: rule.kind, multiplier: rule.multiplier, priority: String(rule.priority), active: rule.active,
    format: c.format ?? NEW_RULE.format, weekdays: c.weekdays ?? [],
    startFrom: c.start_from ?? "", startBefore: c.start_before ?? "",
    holidays: c.on_holidays === true ? "only" : c.on_holidays === false ? "never" : "either",
    dates: (c.dates ?? []).join(", "), validFrom: validityDay(rule.valid_from), validUntil: validityDay(rule.valid_until, true),
  };
}

/** The rule's body for POST or PUT of /api/pricing/rules, for one cinema. */
export function ruleBody(fields: RuleFields, cinemaId: number | null): Checked<Rule> {
  const problems: string[] = [];
  const name = fields.name.trim();
  if (!name) problems.push("Give the rule a name: it is shown in every price it changes.");
  if (name.length > 80) problems.push("Keep the rule's name to 80 characters.");
  const multiplier = parseMultiplier(fields.multiplier);
  if (!multiplier) problems.push("The multiplier must be a number above 0 and at most 10, such as 0.7 or 1.25.");
  const priority = /^-?\d+$/.test(fields.priority.trim()) ? Number(fields.priority) : null;
  if (priority === null) problems.push("The priority must be a whole number.");

  const conditions: Schemas["RuleConditions"] = {};
  if (fields.kind === "format") conditions.format = fields.format as Schemas["RuleConditions"]["format"];
  if (isTimeKind(fields.kind)) {
    if (fields.weekdays.length) conditions.weekdays = [...fields.weekdays].sort();
    for (const [key, value, label] of [["start_from", fields.startFrom, "from"], ["start_before", fields.startBefore, "before"]] as const) {
      if (!value) continue;
      if (HHMM.test(value)) conditions[key] = value;
      else problems.push(`The start time ${label} must be a time such as 17:00.`);
    }
    if (!fields.weekdays.length && !fields.startFrom && !fields.startBefore && fields.holidays === "either") {
      problems.push("Say when the rule applies: some weekdays, start times or holidays.");
    }
    if (fields.holidays !== "either") conditions.on_holidays = fields.holidays === "only";
  }
  if (fields.kind === "holiday") {
    const dates = fields.dates.split(/[\s,;]+/).filter(Boolean);
    const wrong = dates.filter((d) => !ISO_DAY.test(d) || Number.isNaN(Date.parse(d)));
    if (!dates.length) problems.push("List the holiday dates, such as 2026-12-25, 2026-12-26.");
    if (wrong.length) problems.push(`These are not dates written as 2026-12-25: ${wrong.join(", ")}.`);
    conditions.dates = dates;
  }
  const window = validity(fields.validFrom, fields.validUntil, problems);
  return checked({
    cinema_id: cinemaId, name, kind: fields.kind, multiplier: multiplier ?? "", conditions,
    priority: priority ?? 0, active: fields.active, ...window,
  }, problems);
}

export type PromoFields = {
  code: string;
  description: string;
  kind: "percent" | "fixed";
  scope: "basket" | "ticket";
  value: string;
  validFrom: string;
  validUntil: string;
  maxUses: string;
  maxUsesPerCustomer: string;
  minTickets: string;
  combinable: boolean;
  active: boolean;
};

export const NEW_PROMO: PromoFields = {
  code: "", description: "", kind: "percent", scope: "basket", value: "", validFrom: "", validUntil: "",
  maxUses: "", maxUsesPerCustomer: "", minTickets: "1", combinable: false, active: true,
};

export function promoFields(promo: Promo): PromoFields {
  return {
    code: promo.code, description: promo.description ?? "", kind: promo.kind, scope: promo.scope ?? "basket",
    value: promo.kind === "fixed" ? (promo.value / 100).toFixed(2) : String(promo.value),
    validFrom: validityDay(promo.valid_from), validUntil: validityDay(promo.valid_until, true),
    maxUses: promo.max_uses ? String(promo.max_uses) : "", maxUsesPerCustomer: promo.max_uses_per_customer ? String(promo.max_uses_per_customer) : "",
    minTickets: String(promo.min_tickets ?? 1), combinable: !!promo.combinable, active: promo.active ?? true,
  };
}

/** The code's body for POST or PUT of /api/pricing/promocodes: valid at one cinema (a fixed
 * amount in its currency); an edited code keeps the films and cinemas it had. */
export function promoBody(fields: PromoFields, cinemaId: number, currency: string, editing?: Promo): Checked<Promo> {
  const problems: string[] = [];
  const code = fields.code.trim().toUpperCase();
  if (!PROMO_CODE.test(code)) problems.push("The code must be 3 to 40 letters, digits, dashes or underscores.");
  let value: number | null;
  if (fields.kind === "percent") {
    value = parseWhole(fields.value);
    if (value === null || value < 1 || value > 100) problems.push("A percentage off must be a whole number from 1 to 100.");
  } else {
    value = parseAmount(fields.value);
    if (!value) problems.push(`The amount off must be an amount of ${currency} above zero, such as 2.50.`);
  }
  const limit = (typed: string, what: string, max = Infinity): number | null => {
    if (!typed.trim()) return null;
    const n = parseWhole(typed);
    if (n === null || n < 1 || n > max) problems.push(`${what} must be a whole number from 1${max < Infinity ? ` to ${max}` : ""}.`);
    return n;
  };
  const maxUses = limit(fields.maxUses, "The number of uses");
  const perCustomer = limit(fields.maxUsesPerCustomer, "The uses per customer");
  const minTickets = limit(fields.minTickets, "The minimum number of tickets", 50) ?? 1;
  if (fields.description.length > 200) problems.push("Keep the description to 200 characters.");
  const window = validity(fields.validFrom, fields.validUntil, problems);
  return checked({
    code, description: fields.description.trim(), kind: fields.kind, scope: fields.scope, value: value ?? 0,
    currency: fields.kind === "fixed" ? currency : null, ...window, max_uses: maxUses, max_uses_per_customer: perCustomer,
    min_tickets: minTickets, movie_ids: editing?.movie_ids ?? [], cinema_ids: editing?.cinema_ids ?? [cinemaId],
    combinable: fields.combinable, active: fields.active,
  }, problems);
}

export type RailFields = {
  /** Per category code, in the order shown. */
  bounds: Record<string, { floor: string; ceiling: string }>;
  maxDailyChangePercent: string;
  noRiseHours: string;
  onlyFall: boolean;
};

/** The form of `rails`, a row per category of `categories` (GET /api/seat-categories), and one
 * for any category the rails bound that is no longer listed, so saving keeps its bound. */
export function railFields(rails: GuardRails, categories: SeatCategory[]): RailFields {
  const amount = (minor: number | null | undefined) => (minor === null || minor === undefined ? "" : (minor / 100).toFixed(2));
  const codes = [...categories.map((c) => c.code), ...(rails.category_bounds ?? []).map((b) => b.category)];
  const bounds = Object.fromEntries([...new Set(codes)].map((category) => {
    const bound = rails.category_bounds?.find((b) => b.category === category);
    return [category, { floor: amount(bound?.floor_minor), ceiling: amount(bound?.ceiling_minor) }];
  }));
  return {
    bounds, noRiseHours: String(rails.no_rise_hours ?? 0), onlyFall: !!rails.only_fall,
    maxDailyChangePercent: rails.max_daily_change_bp ? String(rails.max_daily_change_bp / 100) : "",
  };
}

/** Percent as basis points: "15" is 1500, "2.5" is 250; null when it is not such a number. */
export function percentToBasisPoints(typed: string): number | null {
  const text = typed.trim().replace(",", ".");
  return /^\d+(\.\d{1,2})?$/.test(text) ? Math.round(Number(text) * 100) : null;
}

/** The guard rails' body for PUT /api/pricing/guard-rails/{cinema_id}. */
export function railsBody(fields: RailFields, currency: string): Checked<GuardRails> {
  const problems: string[] = [];
  const bounds: Schemas["CategoryBound"][] = [];
  for (const [category, typed] of Object.entries(fields.bounds)) {
    const read = (text: string, what: string) => {
      if (!text.trim()) return null;
      const minor = parseAmount(text);
      if (minor === null) problems.push(`The ${what} of ${category} seats must be an amount of ${currency}, such as 8.50.`);
      return minor;
    };
    const floor = read(typed.floor, "floor");
    const ceiling = read(typed.ceiling, "ceiling");
    if (ceiling === 0) problems.push(`The ceiling of ${category} seats must be above zero.`);
    if (floor !== null && ceiling !== null && floor > ceiling) problems.push(`The floor of ${category} seats is above its ceiling.`);
    if (floor !== null || ceiling !== null) bounds.push({ category, floor_minor: floor, ceiling_minor: ceiling });
  }
  let maxDaily: number | null = null;
  if (fields.maxDailyChangePercent.trim()) {
    maxDaily = percentToBasisPoints(fields.maxDailyChangePercent);
    if (maxDaily === null || maxDaily < DAILY_CHANGE_BP[0] || maxDaily > DAILY_CHANGE_BP[1]) {
      problems.push("The largest change in a day must be a percentage from 0.1 to 1000.");
    }
  }
  const noRise = parseWhole(fields.noRiseHours || "0");
  if (noRise === null || noRise > NO_RISE_HOURS_MAX) problems.push(`The hours without rises must be a whole number from 0 to ${NO_RISE_HOURS_MAX}.`);
  return checked({ category_bounds: bounds, max_daily_change_bp: maxDaily, no_rise_hours: noRise ?? 0, only_fall: fields.onlyFall }, problems);
}

/** The seat prices form: the amount typed per category for the whole cinema ("" = not sold)
 * and per screen ("" = the cinema's price applies), keyed by {@link seatPriceKey}. */
export type SeatPriceFields = Record<string, string>;
/** One change to send: a price to set, or (amount null) one to remove. */
export type SeatPriceChange = { category: string; screenId: number | null; amountMinor: number | null };

export const seatPriceKey = (category: string, screenId: number | null) => `${category}@${screenId ?? "cinema"}`;

/** The form of the cinema's prices (GET /api/cinemas/{id}/seat-prices): a cell per category of
 * `categories` for the cinema and for each of `screens`, filled where a price is set. */
export function seatPriceFields(prices: SeatPrice[], categories: SeatCategory[], screens: Screen[]): SeatPriceFields {
  const fields: SeatPriceFields = {};
  for (const { code } of categories) {
    for (const screenId of [null, ...screens.map((s) => s.id as number)]) fields[seatPriceKey(code, screenId)] = "";
  }
  for (const price of prices) {
    fields[seatPriceKey(price.category as string, price.screen_id ?? null)] = (price.amount_minor / 100).toFixed(2);
  }
  return fields;
}

/** What changed between `initial` and `fields`, as the calls to make; every amount checked. */
export function seatPriceChanges(fields: SeatPriceFields, initial: SeatPriceFields, currency: string): Checked<SeatPriceChange[]> {
  const problems: string[] = [];
  const changes: SeatPriceChange[] = [];
  for (const [key, typed] of Object.entries(fields)) {
    if (typed.trim() === (initial[key] ?? "").trim()) continue;
    const [category, scope] = key.split("@");
    const screenId = scope === "cinema" ? null : Number(scope);
    if (!typed.trim()) {
      if ((initial[key] ?? "").trim()) changes.push({ category, screenId, amountMinor: null });
      continue;
    }
    const minor = parseAmount(typed);
    if (minor === null) problems.push(`The price of ${category} seats must be an amount of ${currency}, such as 12.50.`);
    else changes.push({ category, screenId, amountMinor: minor });
  }
  return checked(changes, problems);
}

/** When a rule applies, in words, for the rules' table. */
export function ruleConditionsText(rule: Rule): string {
  const c = rule.conditions ?? {};
  if (rule.kind === "format") return `${c.format ?? "any"} showings`;
  if (rule.kind === "holiday") return c.dates?.length ? `on ${c.dates.join(", ")}` : "on no date yet";
  const parts: string[] = [];
  parts.push(c.weekdays?.length ? c.weekdays.map((d) => WEEKDAY_NAMES[d]).join(", ") : "every day");
  if (c.start_from && c.start_before) parts.push(`starting ${c.start_from}–${c.start_before}`);
  else if (c.start_from) parts.push(`starting from ${c.start_from}`);
  else if (c.start_before) parts.push(`starting before ${c.start_before}`);
  if (c.on_holidays === true) parts.push("only on holidays");
  if (c.on_holidays === false) parts.push("not on holidays");
  return parts.join("; ");
}
