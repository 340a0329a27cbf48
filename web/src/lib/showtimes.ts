// Schedule edits from the dashboard; each throws an Error whose message is the sentence to show.
import { api } from "@/api/client";
import type { Schemas } from "@/api/types";
import { sentence } from "./errors";

export async function scheduleShowtime(body: Schemas["ShowtimeWrite"]): Promise<Schemas["Showtime"]> {
  const { data, error } = await api.POST("/api/schedule/showtime", { body });
  if (!data) throw new Error(sentence(error));
  return data;
}

/** Cancel with the showtime's current ETag, so a change made meanwhile is not overridden. */
export async function cancelShowtime(showtimeId: number): Promise<Schemas["CancelledShowtime"]> {
  const path = { showtime_id: showtimeId };
  const current = await api.GET("/api/schedule/showtime/{showtime_id}", { params: { path } });
  if (!current.data) throw new Error(sentence(current.error));
  const etag = current.response.headers.get("ETag") ?? "";
  const { data, error } = await api.DELETE("/api/schedule/showtime/{showtime_id}", { params: { path }, headers: { "If-Match": etag } });
  if (!data) throw new Error(sentence(error));
  return data;
}
