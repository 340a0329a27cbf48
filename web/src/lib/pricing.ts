// The manager's pricing calls: rules, promo codes, guard rails and a showtime's price freeze.
// Each throws an Error whose message is the sentence to show. An edit sends the ETag read when
// the form was opened, so a change made meanwhile by someone else is refused (412), not lost.
import { api } from "@/api/client";
import type { Schemas } from "@/api/types";
import { sentence } from "./errors";
import type { GuardRails, Promo, Rule, Screen, SeatCategory, SeatPrice, SeatPriceChange } from "./pricingForms";

export type Editing<T> = { item: T; etag: string };

function answer<T>({ data, error, response }: { data?: T; error?: unknown; response: Response }): T {
  if (!response.ok || data === undefined) throw new Error(sentence(error));
  return data;
}

function done({ error, response }: { error?: unknown; response: Response }): void {
  if (!response.ok) throw new Error(sentence(error));
}

export async function listRules(cinemaId: number): Promise<Rule[]> {
  return answer(await api.GET("/api/pricing/rules", { params: { query: { cinema_id: cinemaId } } }));
}

export async function openRule(ruleId: number): Promise<Editing<Rule>> {
  const read = await api.GET("/api/pricing/rules/{rule_id}", { params: { path: { rule_id: ruleId } } });
  return { item: answer(read), etag: read.response.headers.get("ETag") ?? "" };
}

export async function saveRule(body: Rule, editing?: Editing<Rule>): Promise<Rule> {
  if (!editing) return answer(await api.POST("/api/pricing/rules", { body }));
  return answer(await api.PUT("/api/pricing/rules/{rule_id}", {
    params: { path: { rule_id: editing.item.id as number }, header: { "If-Match": editing.etag } }, body,
  }));
}

export async function deleteRule(ruleId: number): Promise<void> {
  const { etag } = await openRule(ruleId);
  done(await api.DELETE("/api/pricing/rules/{rule_id}", { params: { path: { rule_id: ruleId }, header: { "If-Match": etag } } }));
}

export async function listPromos(): Promise<Promo[]> {
  return answer(await api.GET("/api/pricing/promocodes", {}));
}

export async function openPromo(promoId: number): Promise<Editing<Promo>> {
  const read = await api.GET("/api/pricing/promocodes/{promo_id}", { params: { path: { promo_id: promoId } } });
  return { item: answer(read), etag: read.response.headers.get("ETag") ?? "" };
}

export async function savePromo(body: Promo, editing?: Editing<Promo>): Promise<Promo> {
  if (!editing) return answer(await api.POST("/api/pricing/promocodes", { body }));
  return answer(await api.PUT("/api/pricing/promocodes/{promo_id}", {
    params: { path: { promo_id: editing.item.id as number }, header: { "If-Match": editing.etag } }, body,
  }));
}

/** Delete an unused code; a redeemed one is deactivated instead (the API decides). */
export async function deletePromo(promoId: number): Promise<void> {
  const { etag } = await openPromo(promoId);
  done(await api.DELETE("/api/pricing/promocodes/{promo_id}", { params: { path: { promo_id: promoId }, header: { "If-Match": etag } } }));
}

export async function listSeatCategories(): Promise<SeatCategory[]> {
  return answer(await api.GET("/api/seat-categories", {}));
}

export async function listSeatPrices(cinemaId: number): Promise<SeatPrice[]> {
  return answer(await api.GET("/api/cinemas/{cinema_id}/seat-prices", { params: { path: { cinema_id: cinemaId } } }));
}

export async function listScreens(cinemaId: number): Promise<Screen[]> {
  const page = answer(await api.GET("/api/cinemas/{cinema_id}/screens", {
    params: { path: { cinema_id: cinemaId }, query: { page_size: 100 } },
  }));
  return page.items;
}

/** Set or (amount null) remove one price: the cinema's, or a screen's own. */
export async function saveSeatPrice(cinemaId: number, { category, screenId, amountMinor }: SeatPriceChange): Promise<void> {
  const path = { cinema_id: cinemaId, category_code: category };
  if (screenId === null) {
    done(amountMinor === null
      ? await api.DELETE("/api/cinemas/{cinema_id}/seat-prices/{category_code}", { params: { path } })
      : await api.PUT("/api/cinemas/{cinema_id}/seat-prices/{category_code}", { params: { path }, body: { amount_minor: amountMinor } }));
    return;
  }
  const onScreen = { ...path, screen_id: screenId };
  done(amountMinor === null
    ? await api.DELETE("/api/cinemas/{cinema_id}/screens/{screen_id}/seat-prices/{category_code}", { params: { path: onScreen } })
    : await api.PUT("/api/cinemas/{cinema_id}/screens/{screen_id}/seat-prices/{category_code}", {
      params: { path: onScreen }, body: { amount_minor: amountMinor },
    }));
}

export async function readGuardRails(cinemaId: number): Promise<GuardRails> {
  return answer(await api.GET("/api/pricing/guard-rails/{cinema_id}", { params: { path: { cinema_id: cinemaId } } }));
}

export async function saveGuardRails(cinemaId: number, body: GuardRails): Promise<GuardRails> {
  return answer(await api.PUT("/api/pricing/guard-rails/{cinema_id}", { params: { path: { cinema_id: cinemaId } }, body }));
}

export async function priceHistory(showtimeId: number): Promise<Schemas["PriceHistory"]> {
  return answer(await api.GET("/api/pricing/showtimes/{showtime_id}/history", { params: { path: { showtime_id: showtimeId } } }));
}

/** Freeze the price (at a multiplier, or where it is) or let the pricing job move it again. */
export async function setFreeze(showtimeId: number, frozen: boolean, multiplier: string | null): Promise<Schemas["PriceHistory"]> {
  return answer(await api.PUT("/api/pricing/showtimes/{showtime_id}/freeze", {
    params: { path: { showtime_id: showtimeId } }, body: { frozen, multiplier },
  }));
}
