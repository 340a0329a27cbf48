// The till's arithmetic: amounts typed by the cashier ("12.50") in integer minor units, the
// change due, and a cash-up's difference in words.
import { formatMoney } from "./money";

/** "12.50", "12,5" or "12" as minor units (1250); null when it is not an amount. */
export function parseAmount(typed: string): number | null {
  const text = typed.trim().replace(",", ".");
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

/** The change to hand back, or null while the amount tendered does not cover the total. */
export function changeDue(totalMinor: number, tenderedMinor: number): number | null {
  return tenderedMinor >= totalMinor ? tenderedMinor - totalMinor : null;
}

/** A cash-up's difference (counted - expected) as a sentence. */
export function differenceSentence(differenceMinor: number, currency: string): string {
  if (differenceMinor === 0) return "The drawer balances: the cash counted is what was expected.";
  const amount = formatMoney(Math.abs(differenceMinor), currency);
  return differenceMinor < 0
    ? `The drawer is short by ${amount}: less cash was counted than expected.`
    : `The drawer is over by ${amount}: more cash was counted than expected.`;
}
