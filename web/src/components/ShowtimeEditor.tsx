// The day's showtimes as a table with a cancel button each, and a form to add one; the API's
// refusals (an overlap with the cleaning buffer, a closure, opening hours) come back as sentences.
import { type FormEvent, useState } from "react";
import type { Schemas } from "@/api/types";
import { timeOf } from "@/lib/dates";
import { formatMoney } from "@/lib/money";
import { zonedInstant } from "@/lib/localClock";
import { cancelShowtime, scheduleShowtime } from "@/lib/showtimes";
import Notice from "./Notice";

type Props = {
  schedule: Schemas["Schedule"];
  movies: Schemas["Movie"][];
  currency: string;
  onChange: () => void;
};

export default function ShowtimeEditor({ schedule, movies, currency, onChange }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const zone = schedule.timezone;
  const shows = schedule.screens.flatMap((screen) => screen.showtimes.map((show) => ({ show, screen: screen.name })))
    .sort((a, b) => String(a.show.starts_at).localeCompare(String(b.show.starts_at)));

  async function act(work: () => Promise<string>) {
    setError(null);
    setMessage(null);
    try {
      setMessage(await work());
      onChange();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const screen = schedule.screens.find((s) => s.screen_id === Number(form.get("screen")));
    act(async () => {
      const created = await scheduleShowtime({
        movie_id: Number(form.get("movie")), screen_id: Number(form.get("screen")),
        starts_at: zonedInstant(schedule.date, String(form.get("time")), zone),
        format: (screen?.formats[0] ?? "2D") as Schemas["ShowtimeWrite"]["format"], language: null, subtitles: null,
      });
      return `${created.movie_title} is scheduled at ${timeOf(created.starts_at as string, zone)}.`;
    });
  }

  return (
    <section className="panel" aria-labelledby="showtimes-of-the-day">
      <h2 id="showtimes-of-the-day">Showtimes of the day</h2>
      <Notice error={error} message={message} />
      <table>
        <thead><tr><th scope="col">Time</th><th scope="col">Film</th><th scope="col">Screen</th><th scope="col">Status</th><th scope="col"><span className="sr-only">Action</span></th></tr></thead>
        <tbody>
          {shows.map(({ show, screen }) => (
            <tr key={show.id}>
              <td>{timeOf(show.starts_at as string, zone)}</td><td>{show.movie_title}</td><td>{screen}</td><td>{show.status}</td>
              <td>{show.status === "scheduled" && (
                <button type="button" className="secondary" aria-label={`Cancel ${timeOf(show.starts_at as string, zone)} ${show.movie_title}`} onClick={() => act(async () => {
                  const cancelled = await cancelShowtime(show.id as number);
                  const refunds = cancelled.bookings_cancelled
                    ? ` ${cancelled.bookings_cancelled} bookings were cancelled; ${formatMoney(cancelled.refund_due_minor, currency)} is owed back.` : "";
                  return `The ${timeOf(show.starts_at as string, zone)} showing of ${show.movie_title} is cancelled.${refunds}`;
                })}>Cancel</button>
              )}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="filters" onSubmit={add} aria-label="Add a showtime">
        <label>Film <select name="movie" required>{movies.map((m) => <option key={m.id} value={m.id}>{m.title}</option>)}</select></label>
        <label>Screen <select name="screen" required>{schedule.screens.map((s) => <option key={s.screen_id} value={s.screen_id}>{s.name}</option>)}</select></label>
        <label>Starts at <input name="time" type="time" required /></label>
        <button type="submit">Add the showtime</button>
      </form>
    </section>
  );
}
