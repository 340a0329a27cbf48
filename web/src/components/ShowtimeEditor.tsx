// The day's showtimes as a table, each with Move and Cancel, and one form that adds a showtime or
// moves the chosen one. While the form is filled in, the API's slot check says what saving would
// meet (an overlap with a show and its cleaning buffer, a closure, opening hours, the format),
// before anything is saved; the save's own refusal, if the slot was taken meanwhile, is a sentence too.
import { type FormEvent, useEffect, useState } from "react";
import type { Schemas } from "@/api/types";
import { dateTimeOf, timeOf } from "@/lib/dates";
import { formatMoney } from "@/lib/money";
import { zonedInstant } from "@/lib/localClock";
import { type SlotCheck, slotSummary } from "@/lib/slotCheck";
import { type OpenShowtime, cancelShowtime, checkSlot, moveShowtime, openShowtime, scheduleShowtime } from "@/lib/showtimes";
import Notice from "./Notice";

/** The slot being edited, for the timeline to draw before it is saved. */
export type PendingSlot = { screenId: number; check: SlotCheck; movingId?: number };

type Props = {
  schedule: Schemas["Schedule"];
  movies: Schemas["Movie"][];
  currency: string;
  onChange: () => void;
  onPending: (pending: PendingSlot | undefined) => void;
};

type Fields = { movie: string; screen: string; day: string; time: string };
// Typing a time fires a change per digit: ask once the manager pauses.
const CHECK_DELAY_MS = 300;

export default function ShowtimeEditor({ schedule, movies, currency, onChange, onPending }: Props) {
  const zone = schedule.timezone;
  const blank = (): Fields => ({ movie: String(movies[0]?.id ?? ""), screen: String(schedule.screens[0]?.screen_id ?? ""), day: schedule.date, time: "" });
  const [fields, setFields] = useState<Fields>(blank);
  const [moving, setMoving] = useState<OpenShowtime>();
  const [check, setCheck] = useState<SlotCheck>();
  const [checkError, setCheckError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const shows = schedule.screens.flatMap((screen) => screen.showtimes.map((show) => ({ show, screen: screen.name })))
    .sort((a, b) => String(a.show.starts_at).localeCompare(String(b.show.starts_at)));

  // A new day or cinema starts a fresh form; the film list may arrive after the schedule.
  useEffect(() => { setMoving(undefined); setFields(blank()); }, [schedule.cinema_id, schedule.date]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => { if (!fields.movie && movies.length) setFields((f) => ({ ...f, movie: String(movies[0].id) })); }, [movies, fields.movie]);

  const slot = fields.movie && fields.screen && fields.day && fields.time ? {
    movie_id: Number(fields.movie), screen_id: Number(fields.screen), starts_at: zonedInstant(fields.day, fields.time, zone),
    format: formatFor(moving, schedule.screens.find((s) => s.screen_id === Number(fields.screen))),
  } : undefined;
  const slotKey = JSON.stringify(slot ?? null) + (moving?.showtime.id ?? "");

  useEffect(() => {
    setCheck(undefined);
    setCheckError(null);
    onPending(undefined);
    if (!slot) return;
    let live = true;
    const timer = setTimeout(() => {
      checkSlot({ ...slot, showtime_id: moving?.showtime.id ?? null }).then((found) => {
        if (!live) return;
        setCheck(found);
        onPending({ screenId: slot.screen_id, check: found, movingId: moving?.showtime.id });
      }, (e: Error) => live && setCheckError(e.message));
    }, CHECK_DELAY_MS);
    return () => { live = false; clearTimeout(timer); };
  }, [slotKey]); // eslint-disable-line react-hooks/exhaustive-deps

  async function act(work: () => Promise<string>) {
    setError(null);
    setMessage(null);
    setBusy(true);
    try {
      setMessage(await work());
      onChange();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  async function startMoving(showtimeId: number) {
    setError(null);
    setMessage(null);
    try {
      const open = await openShowtime(showtimeId);
      setMoving(open);
      setFields({ movie: String(open.showtime.movie_id), screen: String(open.showtime.screen_id), day: schedule.date,
        time: timeOf(open.showtime.starts_at, zone) });
    } catch (e) {
      setError((e as Error).message);
    }
  }

  function stopMoving() {
    setMoving(undefined);
    setFields(blank());
  }

  function save(event: FormEvent) {
    event.preventDefault();
    if (!slot) return;
    const body = { ...slot, language: moving?.showtime.language ?? null, subtitles: moving?.showtime.subtitles ?? null };
    // Another day than the one shown is named with its date.
    const when = (iso: string) => (fields.day === schedule.date ? timeOf(iso, zone) : dateTimeOf(iso, zone));
    act(async () => {
      if (moving) {
        const moved = await moveShowtime(moving, body);
        stopMoving();
        return `${moved.movie_title} now starts at ${when(moved.starts_at)} on ${moved.screen_name}.`;
      }
      const created = await scheduleShowtime(body);
      setFields({ ...fields, time: "" });
      return `${created.movie_title} is scheduled at ${when(created.starts_at)}.`;
    });
  }

  const summary = check && slotSummary(check, zone);
  const movingLabel = moving && `the ${timeOf(moving.showtime.starts_at, zone)} showing of ${moving.showtime.movie_title}`;

  return (
    <section className="panel" aria-labelledby="showtimes-of-the-day">
      <h2 id="showtimes-of-the-day">Showtimes of the day</h2>
      <Notice error={error} message={message} />
      <table>
        <thead><tr><th scope="col">Time</th><th scope="col">Film</th><th scope="col">Screen</th><th scope="col">Status</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
        <tbody>
          {shows.map(({ show, screen }) => {
            const name = `${timeOf(show.starts_at, zone)} ${show.movie_title}`;
            return (
              <tr key={show.id}>
                <td>{timeOf(show.starts_at, zone)}</td><td>{show.movie_title}</td><td>{screen}</td><td>{show.status}</td>
                <td>{show.status === "scheduled" && (
                  <span className="actions">
                    <button type="button" className="secondary" aria-label={`Move ${name}`} disabled={busy} onClick={() => startMoving(show.id)}>Move</button>
                    <button type="button" className="secondary" aria-label={`Cancel ${name}`} disabled={busy} onClick={() => act(async () => {
                      const cancelled = await cancelShowtime(show.id);
                      if (moving?.showtime.id === show.id) stopMoving();
                      const refunds = cancelled.bookings_cancelled
                        ? ` ${cancelled.bookings_cancelled} bookings were cancelled; ${formatMoney(cancelled.refund_due_minor, currency)} is owed back.` : "";
                      return `The ${timeOf(show.starts_at, zone)} showing of ${show.movie_title} is cancelled.${refunds}`;
                    })}>Cancel</button>
                  </span>
                )}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <form onSubmit={save} aria-labelledby="showtime-form-title">
        <h3 id="showtime-form-title">{movingLabel ? `Move ${movingLabel}` : "Add a showtime"}</h3>
        <div className="filters">
          <label>Film <select value={fields.movie} onChange={(e) => setFields({ ...fields, movie: e.target.value })} required>
            {movies.map((m) => <option key={m.id} value={m.id}>{m.title}</option>)}
          </select></label>
          <label>Screen <select value={fields.screen} onChange={(e) => setFields({ ...fields, screen: e.target.value })} required>
            {schedule.screens.map((s) => <option key={s.screen_id} value={s.screen_id}>{s.name}</option>)}
          </select></label>
          <label>Date of the show <input type="date" value={fields.day} onChange={(e) => setFields({ ...fields, day: e.target.value })} required /></label>
          <label>Starts at <input type="time" value={fields.time} onChange={(e) => setFields({ ...fields, time: e.target.value })} required /></label>
        </div>
        <div data-testid="slot-check" role="status" aria-live="polite" className={`obstacles notice ${summary && !summary.free ? "notice-error" : "notice-info"}`} hidden={!summary && !checkError}>
          {checkError && <p>{checkError}</p>}
          {summary && (summary.free ? <p>{summary.lines[0]}</p> : (
            <>
              <p><strong>Saving would be refused:</strong></p>
              <ul>{summary.lines.map((line) => <li key={line}>{line}</li>)}</ul>
            </>
          ))}
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>{moving ? "Move the showtime" : "Add the showtime"}</button>
          {moving && <button type="button" className="secondary" onClick={stopMoving} disabled={busy}>Stop moving</button>}
        </div>
      </form>
    </section>
  );
}

/** A moved showtime keeps its format where the new screen shows it; otherwise the API picks one
 * film and screen share (2D first), as it does for a new showtime. */
function formatFor(moving: OpenShowtime | undefined, screen: Schemas["ScheduleScreen"] | undefined): Schemas["ShowtimeWrite"]["format"] {
  const kept = moving?.showtime.format as Schemas["ShowtimeWrite"]["format"];
  return kept && screen?.formats.includes(kept) ? kept : null;
}
