// The steps after choosing seats, each one call of the API: quote, hold, book and pay, invoice.
import { api, serverSkew } from "@/api/client";
import type { Schemas } from "@/api/types";
import { sentence } from "./errors";

export type TicketType = NonNullable<Schemas["SeatChoice"]["ticket_type"]>;
export const TICKET_TYPES: TicketType[] = ["adult", "child", "senior", "student"];

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

export async function quote(showtimeId: number, choice: Choice, promoCode: string): Promise<Schemas["Quote"]> {
  const { data, error } = await api.POST("/api/pricing/calculate", {
    body: { showtime_id: showtimeId, seats: seatsOf(choice), promo_code: promoCode || null },
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

export async function bookAndPay(holdId: string, card: string, earlier?: Schemas["Booking"]): Promise<Paid> {
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
  if (data.status === "failed") {
    throw Object.assign(new Refusal(data.failure_code ?? undefined, sentence({ reason: data.failure_code, message: data.failure_message } as never)), { booking });
  }
  return { booking, payment: data };
}

export async function invoiceLink(paymentId: number): Promise<string> {
  const { data, error } = await api.GET("/api/payments/{payment_id}/invoice/link", { params: { path: { payment_id: paymentId } } });
  if (!data?.url) throw refused(error);
  return data.url;
}
