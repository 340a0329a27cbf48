import { describe, expect, it } from "vitest";
import { clashingShowtimeId, obstacleSentence, slotSummary, type SlotCheck } from "./slotCheck";

const ZONE = "Europe/London";
const overlap = {
  reason: "showtime_overlap", message: "Screen 1 is busy with showtime 41 until 2026-12-05T20:15:00+00:00 (cleaning included)",
  details: { conflicting_showtime: { id: 41, movie_title: "Heat", starts_at: "2026-12-05T18:00:00+00:00", blocked_until: "2026-12-05T20:15:00+00:00" } },
};

describe("obstacleSentence", () => {
  it("names the showtime in the way with local times", () => {
    expect(obstacleSentence(overlap, ZONE)).toBe("It overlaps Heat at 18:00 on this screen, which is busy until 20:15 with cleaning.");
  });

  it("says when the screen is closed and why", () => {
    const closed = { reason: "screen_closed", message: "Screen 1 is closed then: Projector service",
      details: { closure: { id: 1, starts_at: "2026-07-01T08:00:00+00:00", ends_at: "2026-07-01T14:00:00+00:00", reason: "Projector service" } } };
    expect(obstacleSentence(closed, ZONE)).toBe("The screen is closed from 1 Jul 2026, 09:00 to 1 Jul 2026, 15:00 (Projector service).");
  });

  it("names formats, opening hours, and keeps other messages as sentences", () => {
    expect(obstacleSentence({ reason: "format_not_supported", message: "", details: { format: "3D", screen_formats: ["2D"] } }, ZONE))
      .toBe("This screen cannot show 3D (it shows 2D).");
    expect(obstacleSentence({ reason: "outside_opening_hours", message: "", details: {} }, ZONE)).toMatch(/not open/);
    expect(obstacleSentence({ reason: "screen_archived", message: "Screen 9 is archived", details: {} }, ZONE)).toBe("Screen 9 is archived.");
  });
});

describe("slotSummary", () => {
  const free: SlotCheck = { free: true, starts_at: "2026-12-05T18:00:00Z", ends_at: "2026-12-05T19:55:00Z", blocked_until: "2026-12-05T20:15:00Z", format: "2D", obstacles: [] };

  it("tells when a free slot runs", () => {
    expect(slotSummary(free, ZONE)).toEqual({ free: true, lines: ["The slot is free: the film runs 18:00–19:55 in 2D, and the screen is ready again at 20:15."] });
  });

  it("lists every obstacle and finds the clashing showtime", () => {
    const busy = { ...free, free: false, obstacles: [overlap, { reason: "outside_opening_hours", message: "", details: {} }] };
    expect(slotSummary(busy, ZONE).lines).toHaveLength(2);
    expect(clashingShowtimeId(busy)).toBe(41);
    expect(clashingShowtimeId(free)).toBeUndefined();
  });
});
