// The steps after choosing seats, each one call of the API: quote, hold, book and pay, invoice.
// The card comes from the gateway the API names (GET /api/payments/checkout-settings): one of the
// sandbox's test cards, or a PaymentMethod that Stripe's Payment Element made (components/StripeCard).
import { api, serverSkew } from "@/api/client";
import type { Schemas } from "@/api/types";
import { sentence } from "./errors";

/** A ticket type's code ("adult", "member"...): each cinema keeps its own (GET /api/cinemas/{id}/ticket-types). */
export type TicketType = string;
export type SalesChannel = "online" | "box_office";
export type TicketTypeOption = { code: string; name: string };

/** The ticket types the cinema sells on ``channel``, in its order; the first is a seat's default. */
export async function ticketTypes(cinemaId: number, channel: SalesChannel): Promise<TicketTypeOption[]> {
  const { data, error } = await api.GET("/api/cinemas/{cinema_id}/ticket-types", { params: { path: { cinema_id: cinemaId } } });
  if (!data) throw refused(error);
  return sellable(data, channel);
}

export function sellable(types: Schemas["TicketType"][], channel: SalesChannel): TicketTypeOption[] {
  return types.filter((t) => t.active && (t.channels ?? []).includes(channel)).map(({ code, name }) => ({ code, name }));
}

/** The sandbox gateway's test cards (Stripe's test PaymentMethod ids). */
export const SANDBOX_CARDS = [
  { id: "pm_card_visa", label: "Visa test card ending 4242 (approved)" },
  { id: "pm_card_mastercard", label: "Mastercard test card ending 4444 (approved)" },
  { id: "pm_card_chargeDeclined", label: "Test card that is declined" },
] as const;

export class Refusal extends Error {
  constructor(readonly reason: string | undefined, message: string) {
    super(message);
  }
}

function refused(error: unknown): Refusal {
  return new Refusal((error as { reason?: string } | undefined)?.reason, sentence(error));
}

export type Choice = Map<number, TicketType>;

function seatsOf(choice: Choice) {
  return [...choice.entries()].map(([seat_id, ticket_type]) => ({ seat_id, ticket_type }));
}

export async function quote(showtimeId: number, choice: Choice, promoCode: string,
  channel: SalesChannel = "online"): Promise<Schemas["Quote"]> {
  const { data, error } = await api.POST("/api/pricing/calculate", {
    body: { showtime_id: showtimeId, seats: seatsOf(choice), promo_code: promoCode || null, sales_channel: channel },
  });
  if (!data) throw refused(error);
  return data;
}

export type HeldSeats = { hold: Schemas["Hold"]; skewMs: number };

export async function hold(showtimeId: number, choice: Choice, promoCode: string): Promise<HeldSeats> {
  const ticketTypes = Object.fromEntries([...choice.entries()].map(([seat, type]) => [String(seat), type]));
  const { data, error, response } = await api.POST("/api/bookings/hold", {
    body: { showtime_id: showtimeId, seat_ids: [...choice.keys()], ticket_types: ticketTypes, promo_code: promoCode || null,
            id_checked: false },
  });
  if (!data) throw refused(error);
  return { hold: data, skewMs: serverSkew(response) };
}

export async function release(holdId: string): Promise<void> {
  await api.DELETE("/api/bookings/hold/{hold_id}", { params: { path: { hold_id: holdId } } });
}

export type Paid = { booking: Schemas["Booking"]; payment: Schemas["ProcessedPayment"] };
export type CheckoutSettings = Schemas["CheckoutSettings"];
/** Finishes 3-D Secure in the browser with the payment's client secret (Stripe.js handleNextAction). */
export type Authenticate = (clientSecret: string) => Promise<void>;

// After 3-D Secure the outcome arrives at the API by webhook: ask for it this often, this long.
const OUTCOME_POLL_MS = 1500;
const OUTCOME_WAIT_MS = 60_000;
const UNSETTLED = new Set(["pending", "requires_action"]);

export async function checkoutSettings(): Promise<CheckoutSettings> {
  const { data, error } = await api.GET("/api/payments/checkout-settings", {});
  if (!data) throw refused(error);
  return data;
}

/** The payment once the webhook settled it after 3-D Secure, or as it stands when time is up. */
async function settledPayment(paymentId: number): Promise<Schemas["Payment"]> {
  const deadline = Date.now() + OUTCOME_WAIT_MS;
  for (;;) {
    const { data, error } = await api.GET("/api/payments/{payment_id}", { params: { path: { payment_id: paymentId } } });
    if (!data) throw refused(error);
    if (!UNSETTLED.has(data.status as string) || Date.now() > deadline) return data;
    await new Promise((resolve) => setTimeout(resolve, OUTCOME_POLL_MS));
  }
}

export async function bookAndPay(holdId: string, card: string, earlier?: Schemas["Booking"], authenticate?: Authenticate): Promise<Paid> {
  let booking = earlier;
  if (!booking) {
    const created = await api.POST("/api/bookings", { body: { hold_id: holdId, id_checked: false } });
    if (!created.data) throw refused(created.error);
    booking = created.data;
  }
  const { data, error } = await api.POST("/api/payments/process", {
    params: { header: { "Idempotency-Key": crypto.randomUUID() } },
    body: { booking_id: booking.id as number, payment_method: card },
  });
  if (!data) throw Object.assign(refused(error), { booking });
  let payment: Schemas["ProcessedPayment"] = data;
  if (payment.status === "requires_action" && payment.client_secret && authenticate) {
    try {
      await authenticate(payment.client_secret);
    } catch (e) {
      throw Object.assign(new Refusal("payment_declined", (e as Error).message), { booking });
    }
    payment = { ...(await settledPayment(payment.id as number)), client_secret: null };
  }
  if (payment.status === "failed") {
    throw Object.assign(new Refusal(payment.failure_code ?? undefined, sentence({ reason: payment.failure_code, message: payment.failure_message } as never)), { booking });
  }
  if (payment.status !== "succeeded") {
    throw Object.assign(new Refusal(undefined, "Your bank has not confirmed the payment yet. Your booking will show as paid under My bookings once it does."), { booking });
  }
  return { booking, payment };
}

export async function invoiceLink(paymentId: number): Promise<string> {
  const { data, error } = await api.GET("/api/payments/{payment_id}/invoice/link", { params: { path: { payment_id: paymentId } } });
  if (!data?.url) throw refused(error);
  return data.url;
}
