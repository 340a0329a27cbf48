// The box office's calls: the cashier's open shift, open one with a float, sell to a walk-in,
// the printable tickets, cash-up and the shift's report. Each throws an Error whose message is
// the sentence to show.
import { api } from "@/api/client";
import type { Schemas } from "@/api/types";
import type { Choice } from "./checkout";
import { sentence } from "./errors";

export type Shift = Schemas["Shift"];
export type Tender = Schemas["Tender"];

/** The signed-in cashier's open shift, if any (managers see every shift of their cinemas). */
export async function myOpenShift(userId: number): Promise<Shift | undefined> {
  const { data, error } = await api.GET("/api/box-office/shifts", { params: { query: { status: "open", page_size: 100 } } });
  if (!data) throw new Error(sentence(error));
  return data.find((shift) => shift.opened_by_id === userId);
}

export async function openShift(cinemaId: number, floatMinor: number): Promise<Shift> {
  const { data, error } = await api.POST("/api/box-office/shifts", { body: { cinema_id: cinemaId, opening_float_minor: floatMinor } });
  if (!data) throw new Error(sentence(error));
  return data;
}

export async function sell(shiftId: number, showtimeId: number, choice: Choice, email: string, tender: Tender): Promise<Schemas["Sale"]> {
  const { data, error } = await api.POST("/api/box-office/shifts/{shift_id}/sales", {
    params: { path: { shift_id: shiftId }, header: { "Idempotency-Key": crypto.randomUUID() } },
    body: {
      showtime_id: showtimeId,
      seat_ids: [...choice.keys()],
      ticket_types: Object.fromEntries([...choice.entries()].map(([seat, type]) => [String(seat), type])),
      customer_email: email || null,
      id_checked: false,
      tender,
    },
  });
  if (!data) throw new Error(sentence(error));
  return data;
}

/** The booking's tickets as a PDF in this page's memory: the API wants the bearer token, a link cannot send it. */
export async function ticketsPdf(bookingId: number): Promise<string> {
  const { data, error } = await api.GET("/api/bookings/{booking_id}/tickets.pdf", {
    params: { path: { booking_id: bookingId } }, parseAs: "blob",
  });
  if (!data) throw new Error(sentence(error));
  return URL.createObjectURL(data as unknown as Blob);
}

export async function cashUp(shiftId: number, countedMinor: number): Promise<Shift> {
  const { data, error } = await api.POST("/api/box-office/shifts/{shift_id}/close", {
    params: { path: { shift_id: shiftId } }, body: { counted_cash_minor: countedMinor },
  });
  if (!data) throw new Error(sentence(error));
  return data;
}

export async function shiftReport(shiftId: number): Promise<Schemas["ShiftReport"]> {
  const { data, error } = await api.GET("/api/box-office/shifts/{shift_id}/report", { params: { path: { shift_id: shiftId } } });
  if (!data) throw new Error(sentence(error));
  return data;
}
