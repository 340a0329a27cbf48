// Schedule edits from the dashboard; each throws an Error whose message is the sentence to show.
// A move or a cancel sends the showtime's ETag, so a change made meanwhile is not overridden.
import { api } from "@/api/client";
import type { Schemas } from "@/api/types";
import { sentence } from "./errors";

export type OpenShowtime = { showtime: Schemas["Showtime"]; etag: string };

export async function scheduleShowtime(body: Schemas["ShowtimeWrite"]): Promise<Schemas["Showtime"]> {
  const { data, error } = await api.POST("/api/schedule/showtime", { body });
  if (!data) throw new Error(sentence(error));
  return data;
}

/** What saving this slot would meet (nothing is written); the showtime being moved, if any. */
export async function checkSlot(body: Schemas["SlotCheckRequest"]): Promise<Schemas["SlotCheck"]> {
  const { data, error } = await api.POST("/api/schedule/showtime/check", { body });
  if (!data) throw new Error(sentence(error));
  return data;
}

/** A showtime with the ETag to edit it with. */
export async function openShowtime(showtimeId: number): Promise<OpenShowtime> {
  const { data, error, response } = await api.GET("/api/schedule/showtime/{showtime_id}", { params: { path: { showtime_id: showtimeId } } });
  if (!data) throw new Error(sentence(error));
  return { showtime: data, etag: response.headers.get("ETag") ?? "" };
}

export async function moveShowtime(open: OpenShowtime, body: Schemas["ShowtimeWrite"]): Promise<Schemas["Showtime"]> {
  const { data, error } = await api.PUT("/api/schedule/showtime/{showtime_id}", {
    params: { path: { showtime_id: open.showtime.id }, header: { "If-Match": open.etag } }, body,
  });
  if (!data) throw new Error(sentence(error));
  return data;
}

export async function cancelShowtime(showtimeId: number): Promise<Schemas["CancelledShowtime"]> {
  const { etag } = await openShowtime(showtimeId);
  const { data, error } = await api.DELETE("/api/schedule/showtime/{showtime_id}", { params: { path: { showtime_id: showtimeId } }, headers: { "If-Match": etag } });
  if (!data) throw new Error(sentence(error));
  return data;
}
