// What the API's slot check found, in a manager's words: each obstacle as a sentence with the
// cinema's local times, shown beside the editor before anything is saved.
import type { Schemas } from "@/api/types";
import { dateTimeOf, timeOf } from "./dates";

export type SlotCheck = Schemas["SlotCheck"];
type Obstacle = Schemas["Obstacle"];

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** One obstacle as a sentence; times in the cinema's zone. */
export function obstacleSentence(obstacle: Obstacle, timeZone: string): string {
  const details = obstacle.details ?? {};
  if (obstacle.reason === "showtime_overlap") {
    const other = (details.conflicting_showtime ?? {}) as Record<string, unknown>;
    const title = text(other.movie_title) || `showtime ${String(other.id ?? "")}`.trim();
    if (other.starts_at && other.blocked_until) {
      return `It overlaps ${title} at ${timeOf(text(other.starts_at), timeZone)} on this screen, which is busy until ${timeOf(text(other.blocked_until), timeZone)} with cleaning.`;
    }
    return `It overlaps ${title} on this screen.`;
  }
  if (obstacle.reason === "screen_closed") {
    const closure = (details.closure ?? {}) as Record<string, unknown>;
    const why = text(closure.reason) ? ` (${text(closure.reason)})` : "";
    if (closure.starts_at && closure.ends_at) {
      return `The screen is closed from ${dateTimeOf(text(closure.starts_at), timeZone)} to ${dateTimeOf(text(closure.ends_at), timeZone)}${why}.`;
    }
    return `The screen is closed then${why}.`;
  }
  if (obstacle.reason === "outside_opening_hours") return "The cinema is not open for the whole showing, cleaning aside.";
  if (obstacle.reason === "format_not_supported") {
    const formats = Array.isArray(details.screen_formats) ? ` (it shows ${details.screen_formats.join(", ")})` : "";
    return `This screen cannot show ${text(details.format) || "this format"}${formats}.`;
  }
  return obstacle.message.endsWith(".") ? obstacle.message : `${obstacle.message}.`;
}

/** The whole answer in words: when the film would run, or everything in its way. */
export function slotSummary(check: SlotCheck, timeZone: string): { free: boolean; lines: string[] } {
  if (check.free) {
    return { free: true, lines: [`The slot is free: the film runs ${timeOf(check.starts_at, timeZone)}–${timeOf(check.ends_at, timeZone)} in ${check.format}, and the screen is ready again at ${timeOf(check.blocked_until, timeZone)}.`] };
  }
  return { free: false, lines: check.obstacles.map((o) => obstacleSentence(o, timeZone)) };
}

/** The showtime the slot would clash with, to mark on the timeline. */
export function clashingShowtimeId(check: SlotCheck | undefined): number | undefined {
  const overlap = check?.obstacles.find((o) => o.reason === "showtime_overlap");
  const other = overlap?.details?.conflicting_showtime as { id?: number } | undefined;
  return other?.id;
}
