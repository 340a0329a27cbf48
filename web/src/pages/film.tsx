// One film and its coming showtimes, by day.
import Link from "next/link";
import { api } from "@/api/client";
import type { Schemas } from "@/api/types";
import Notice from "@/components/Notice";
import Poster from "@/components/Poster";
import { useApi, useCinemas } from "@/lib/catalogue";
import { dateTimeOf } from "@/lib/dates";
import { useQueryParam } from "@/lib/useQueryParam";

const none = () => Promise.resolve({ data: undefined, error: undefined, response: new Response(null) });

export default function Film() {
  const id = Number(useQueryParam("id"));
  const movie = useApi(() => (id ? api.GET("/api/movies/{movie_id}", { params: { path: { movie_id: id } } }) : none()), [id]);
  const showtimes = useApi(() => (id ? api.GET("/api/showtimes", { params: { query: { movie_id: id, page_size: 100 } } }) : none()), [id]);
  const cinemas = useCinemas();
  const cinemaName = new Map(cinemas.data?.map((c) => [c.id, c]));
  const shows = (showtimes.data ?? []).filter((s: Schemas["Showtime"]) => s.status !== "cancelled");
  return (
    <>
      <Notice error={movie.error ?? showtimes.error} />
      {movie.data && (
        <article className="film-detail">
          <Poster movie={movie.data} title={movie.data.title} />
          <div>
            <h1>{movie.data.title}</h1>
            <p className="muted">{movie.data.runtime_minutes} min · {movie.data.age_rating ?? "unrated"} · {movie.data.genres?.join(", ")}</p>
            <p>{movie.data.synopsis}</p>
          </div>
        </article>
      )}
      <h2>Showtimes</h2>
      {showtimes.data && shows.length === 0 && <p>No showtimes are planned yet.</p>}
      <ul className="times">
        {shows.map((show) => {
          const cinema = cinemaName.get(show.cinema_id);
          return (
            <li key={show.id}>
              <Link href={`/showtime?id=${show.id}`} className="time-chip">
                {dateTimeOf(show.starts_at as string, cinema?.timezone)} <span className="muted">{cinema?.name} · {show.screen_name} · {show.format}</span>
              </Link>
            </li>
          );
        })}
      </ul>
    </>
  );
}
