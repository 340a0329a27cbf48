// The door: a scan's refusal as the sentence the usher reads out, from the API's reason and the
// details it sends with it (when and by whom a ticket was first scanned, when the doors open).
import type { ApiError } from "@/api/types";
import { timeOf } from "./dates";
import { sentence } from "./errors";

type Details = {
  admitted_at?: string;
  admitted_by?: number | null;
  device?: string | null;
  doors_open_at?: string;
  ticket_starts_at?: string;
};

/** Why a scanned ticket may not go in, as a sentence; times in ``timeZone`` (the browser's by default). */
export function refusalSentence(error: unknown, timeZone?: string): string {
  const body = (error ?? {}) as Partial<ApiError>;
  const details = (body.errors ?? {}) as Details;
  switch (body.reason) {
    case "already_admitted": {
      const when = details.admitted_at ? ` at ${timeOf(details.admitted_at, timeZone)}` : "";
      const who = details.admitted_by ? ` by user ${details.admitted_by}` : "";
      const where = details.device ? ` on ${details.device}` : "";
      return `Already scanned${when}${who}${where}.`;
    }
    case "wrong_showtime":
    case "wrong_screen": {
      const other = details.ticket_starts_at ? ` starting ${timeOf(details.ticket_starts_at, timeZone)}` : "";
      const place = body.reason === "wrong_screen" ? "on another screen" : "on this screen";
      return `Wrong showtime: this ticket is for another show ${place}${other}.`;
    }
    case "ticket_cancelled":
      return "Cancelled: this ticket, its booking or the show was cancelled.";
    case "booking_not_paid":
      return "Not paid: this booking has not been paid yet.";
    case "too_early":
      return details.doors_open_at
        ? `Too early: the doors open at ${timeOf(details.doors_open_at, timeZone)}.`
        : "Too early: the doors for this show are not open yet.";
    case "ticket_expired":
      return "Too late: this show is over.";
    case "invalid_ticket_code":
    case "unknown_key":
    case "invalid_signature":
      return "Not a valid ticket: the code was not issued by this cinema or has been altered.";
    default:
      return sentence(error);
  }
}
