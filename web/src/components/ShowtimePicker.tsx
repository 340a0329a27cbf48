// Staff choose the showtime they work on: one of their cinemas, a day, then that day's shows.
import { useEffect, useId, useState } from "react";
import { api } from "@/api/client";
import type { Schemas } from "@/api/types";
import { useCinemas } from "@/lib/catalogue";
import { isoDay, timeOf } from "@/lib/dates";
import { sentence } from "@/lib/errors";
import { useSession } from "@/lib/session";
import Notice from "./Notice";

type Props = {
  showtimeId?: number;
  onChange: (showtime: Schemas["Showtime"] | undefined, cinema: Schemas["Cinema"] | undefined) => void;
  /** Fixes the cinema (a till belongs to one). */
  cinemaId?: number;
};

export function useStaffCinemas(): Schemas["Cinema"][] | undefined {
  const session = useSession();
  const cinemas = useCinemas();
  return cinemas.data?.filter((c) => session?.user.role === "admin" || session?.user.cinema_ids?.includes(c.id as number));
}

export default function ShowtimePicker({ showtimeId, onChange, cinemaId: fixedCinema }: Props) {
  const cinemas = useStaffCinemas();
  const [cinemaId, setCinemaId] = useState<number | undefined>(fixedCinema);
  const [day, setDay] = useState("");
  const [schedule, setSchedule] = useState<Schemas["Schedule"]>();
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  useEffect(() => setDay(isoDay(new Date())), []);
  useEffect(() => { if (fixedCinema) setCinemaId(fixedCinema); }, [fixedCinema]);
  useEffect(() => { if (!cinemaId && cinemas?.length) setCinemaId(cinemas[0].id as number); }, [cinemas, cinemaId]);
  useEffect(() => {
    if (!cinemaId || !day) return;
    let live = true;
    api.GET("/api/schedule/cinema/{cinema_id}", { params: { path: { cinema_id: cinemaId }, query: { date: day } } })
      .then(({ data, error: problem }) => {
        if (!live) return;
        setError(data ? null : sentence(problem));
        setSchedule(data);
      }, () => live && setError(sentence(undefined)));
    return () => { live = false; };
  }, [cinemaId, day]);

  const shows = (schedule?.screens ?? [])
    .flatMap((screen) => screen.showtimes.map((s) => ({ ...s, screen_name: s.screen_name ?? screen.name })))
    .filter((s) => s.status !== "cancelled")
    .sort((a, b) => String(a.starts_at).localeCompare(String(b.starts_at)));
  const cinema = cinemas?.find((c) => c.id === cinemaId);

  function choose(id: string) {
    onChange(shows.find((s) => String(s.id) === id), cinema);
  }

  return (
    <fieldset className="picker">
      <legend>Showtime</legend>
      <Notice error={error} />
      {cinemas?.length === 0 && <p>Your account is not assigned to any cinema yet. Ask a manager to add you to one.</p>}
      <div>
        <label htmlFor={`${id}-cinema`}>Cinema</label>
        <select id={`${id}-cinema`} value={cinemaId ?? ""} disabled={!!fixedCinema}
                onChange={(e) => { setCinemaId(Number(e.target.value)); onChange(undefined, undefined); }}>
          {cinemas?.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </select>
      </div>
      <label>Show day <input type="date" value={day} onChange={(e) => { setDay(e.target.value); onChange(undefined, cinema); }} /></label>
      <div>
        <label htmlFor={`${id}-show`}>Show</label>
        <select id={`${id}-show`} value={showtimeId ?? ""} onChange={(e) => choose(e.target.value)}>
          <option value="">{shows.length ? "Choose a show" : "No shows this day"}</option>
          {shows.map((s) => (
            <option key={s.id} value={s.id}>
              {timeOf(s.starts_at as string, schedule?.timezone)} {s.movie_title} ({s.screen_name})
            </option>
          ))}
        </select>
      </div>
    </fieldset>
  );
}
