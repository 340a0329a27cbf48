import { describe, expect, it } from "vitest";
import { refusalSentence } from "./door";

const refused = (reason: string, errors: Record<string, unknown> = {}) => ({ code: 409, status: "Conflict", reason, message: "x", errors });

describe("refusalSentence", () => {
  it("says when, by whom and where a ticket was first scanned", () => {
    const error = refused("already_admitted", { admitted_at: "2026-12-05T18:07:00+00:00", admitted_by: 4, device: "door-2" });
    expect(refusalSentence(error, "Europe/London")).toBe("Already scanned at 18:07 by user 4 on door-2.");
  });

  it("gives the first scan's time in the cinema's zone", () => {
    const error = refused("already_admitted", { admitted_at: "2026-07-05T18:07:00+00:00", admitted_by: 4 });
    expect(refusalSentence(error, "Europe/London")).toBe("Already scanned at 19:07 by user 4.");
  });

  it("says the wrong showtime with the ticket's own start", () => {
    const error = refused("wrong_showtime", { ticket_starts_at: "2026-12-05T20:30:00+00:00" });
    expect(refusalSentence(error, "Europe/London")).toBe("Wrong showtime: this ticket is for another show on this screen starting 20:30.");
  });

  it("says when the doors open for a ticket scanned too early", () => {
    expect(refusalSentence(refused("too_early", { doors_open_at: "2026-12-05T17:30:00+00:00" }), "UTC"))
      .toBe("Too early: the doors open at 17:30.");
  });

  it.each([
    ["ticket_cancelled", "Cancelled: this ticket, its booking or the show was cancelled."],
    ["booking_not_paid", "Not paid: this booking has not been paid yet."],
    ["invalid_signature", "Not a valid ticket: the code was not issued by this cinema or has been altered."],
  ])("words %s as a sentence", (reason, text) => {
    expect(refusalSentence(refused(reason))).toBe(text);
  });

  it("falls back to the shared sentences, and to the network sentence without an answer", () => {
    expect(refusalSentence({ code: 403, reason: "cinema_not_assigned", message: "x" })).toMatch(/do not work at this cinema/);
    expect(refusalSentence(undefined)).toMatch(/could not reach CinemaOS/);
  });
});
