// What's on: one cinema's showtimes on a chosen day, grouped by film with its poster.
import Link from "next/link";
import { useEffect, useState } from "react";
import { api } from "@/api/client";
import type { Schemas } from "@/api/types";
import Notice from "@/components/Notice";
import Poster from "@/components/Poster";
import { useApi, useCinemas, useMovies } from "@/lib/catalogue";
import { dayLabel, nextDays, timeOf } from "@/lib/dates";

export default function WhatsOn() {
  const cinemas = useCinemas();
  const movies = useMovies();
  const [cinemaId, setCinemaId] = useState<number | null>(null);
  const [days, setDays] = useState<string[]>([]);
  const [day, setDay] = useState<string>("");
  useEffect(() => {
    const week = nextDays(7);
    setDays(week);
    setDay(week[0]);
  }, []);
  useEffect(() => {
    if (cinemaId === null && cinemas.data?.length) setCinemaId(cinemas.data[0].id as number);
  }, [cinemas.data, cinemaId]);
  const showtimes = useApi(
    () => (cinemaId && day
      ? api.GET("/api/showtimes", { params: { query: { cinema_id: cinemaId, date: day, page_size: 100 } } })
      : Promise.resolve({ data: undefined, error: undefined, response: new Response(null) })),
    [cinemaId, day],
  );
  const cinema = cinemas.data?.find((c) => c.id === cinemaId);
  const byFilm = new Map<number, Schemas["Showtime"][]>();
  for (const showtime of showtimes.data ?? []) {
    if (showtime.status === "cancelled") continue;
    byFilm.set(showtime.movie_id as number, [...(byFilm.get(showtime.movie_id as number) ?? []), showtime]);
  }

  return (
    <>
      <h1>What&apos;s on</h1>
      <Notice error={cinemas.error ?? showtimes.error ?? movies.error} />
      <div className="filters">
        <label>
          Cinema{" "}
          <select value={cinemaId ?? ""} onChange={(e) => setCinemaId(Number(e.target.value))}>
            {cinemas.data?.map((c) => <option key={c.id} value={c.id}>{c.city ? `${c.name}, ${c.city}` : c.name}</option>)}
          </select>
        </label>
        <div role="group" aria-label="Day" className="day-picker">
          {days.map((d) => (
            <button key={d} type="button" aria-pressed={d === day} onClick={() => setDay(d)}>{dayLabel(d)}</button>
          ))}
        </div>
      </div>
      {cinema && <p className="muted">{[cinema.address, cinema.city].filter(Boolean).join(", ")}</p>}
      {showtimes.data && byFilm.size === 0 && <p>Nothing is showing on this day. Try another day.</p>}
      <ul className="film-list">
        {[...byFilm.entries()].map(([movieId, shows]) => (
          <li key={movieId} className="film-card">
            <Poster movie={movies.data?.get(movieId)} title={shows[0].movie_title ?? ""} />
            <div>
              <h2><Link href={`/film?id=${movieId}`}>{shows[0].movie_title}</Link></h2>
              <ul className="times" aria-label={`Showtimes of ${shows[0].movie_title}`}>
                {shows.map((show) => (
                  <li key={show.id}>
                    <Link href={`/showtime?id=${show.id}`} className="time-chip">
                      {timeOf(show.starts_at as string, cinema?.timezone)} <span className="muted">{show.format} · {show.screen_name}</span>
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
