// The manager's day: the schedule as a timeline per screen, and an optimisation of chosen days
// queued, followed, compared with the current schedule and applied.
import { useCallback, useEffect, useState } from "react";
import { api } from "@/api/client";
import type { Schemas } from "@/api/types";
import CinemaSelect, { useChosenCinema } from "@/components/CinemaSelect";
import Notice from "@/components/Notice";
import ShowtimeEditor, { type PendingSlot } from "@/components/ShowtimeEditor";
import Timeline, { type Closure } from "@/components/Timeline";
import { useCinemas, useMovies } from "@/lib/catalogue";
import { isoDay } from "@/lib/dates";
import { sentence } from "@/lib/errors";
import { formatMoney } from "@/lib/money";
import { followJob, queueOptimisation } from "@/lib/optimisation";
import { isManager, useSession } from "@/lib/session";

type Job = Schemas["GenerationJob"];

export default function Dashboard() {
  const session = useSession();
  const cinemas = useCinemas();
  const movies = useMovies();
  const chosen = useChosenCinema();
  const { cinemaId } = chosen;
  const [day, setDay] = useState("");
  const [days, setDays] = useState(1);
  const [schedule, setSchedule] = useState<Schemas["Schedule"]>();
  const [closures, setClosures] = useState(new Map<number, Closure[]>());
  const [job, setJob] = useState<Job>();
  const [pending, setPending] = useState<PendingSlot>();
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // Today once the page runs in the browser (a static export has no request time), unless a day
  // was already chosen.
  useEffect(() => setDay((chosen) => chosen || isoDay(new Date())), []);

  const load = useCallback(async () => {
    if (!cinemaId || !day) return;
    const { data, error: problem } = await api.GET("/api/schedule/cinema/{cinema_id}", { params: { path: { cinema_id: cinemaId }, query: { date: day } } });
    if (!data) { setError(sentence(problem)); return; }
    setSchedule(data);
    if (!isManager(session)) return;
    const lists = await Promise.all(data.screens.map((s) => api.GET("/api/screens/{screen_id}/closures", { params: { path: { screen_id: s.screen_id } } })));
    setClosures(new Map(data.screens.map((s, i) => [s.screen_id, lists[i].data ?? []])));
  }, [cinemaId, day, session]);
  useEffect(() => { load(); }, [load]);

  async function run(dryRun: boolean) {
    if (!cinemaId) return;
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      const queued = await queueOptimisation(cinemaId, day, days, dryRun);
      setJob(queued);
      const done = await followJob(queued.id as string, setJob);
      if (done.status === "failed") setError(`The optimisation failed: ${done.error ?? "no reason given"}.`);
      else if (!dryRun) {
        setMessage(`The proposal is applied: ${done.result?.shows_created ?? 0} showtimes were created.`);
        setJob(undefined);
        await load();
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  if (!session) return <><h1>Dashboard</h1><p>Log in with a staff account to see the schedule.</p></>;
  const result = job?.status === "succeeded" ? job.result : undefined;
  const proposal = result?.proposal?.map((p) => ({ ...p, title: movies.data?.get(p.movie_id as number)?.title,
    minutes: movies.data?.get(p.movie_id as number)?.runtime_minutes }));
  const current = schedule?.screens.flatMap((s) => s.showtimes).filter((s) => s.status !== "cancelled") ?? [];
  const currency = result?.currency ?? cinemas.data?.find((c) => c.id === cinemaId)?.currency ?? "EUR";

  return (
    <>
      <h1>Dashboard</h1>
      <Notice error={error ?? cinemas.error} message={message} />
      <div className="filters">
        <CinemaSelect {...chosen} />
        <label>Day <input type="date" value={day} onChange={(e) => setDay(e.target.value)} /></label>
      </div>
      {schedule && <Timeline schedule={schedule} proposal={proposal} closures={closures} pending={pending} />}
      {schedule && <p className="muted">{current.length} showtimes on this day. Blue: a show; amber: its cleaning buffer; red: a closure; green: proposed; purple: the show being moved; dashed: the slot being edited (red when saving it would be refused).</p>}
      {schedule && isManager(session) && (
        <ShowtimeEditor schedule={schedule} movies={[...(movies.data?.values() ?? [])]} currency={currency} onChange={load} onPending={setPending} />
      )}

      {isManager(session) && (
        <section className="panel" aria-labelledby="optimise">
          <h2 id="optimise">Optimise the schedule</h2>
          <div className="filters">
            <label>Days from {day}{" "}
              <input type="number" min={1} max={14} value={days} onChange={(e) => setDays(Number(e.target.value))} />
            </label>
            <button type="button" onClick={() => run(true)} disabled={busy}>Queue an optimisation</button>
          </div>
          {job && job.status !== "succeeded" && (
            <p role="status">
              Optimisation {job.status}: <progress max={100} value={job.progress ?? 0} aria-label="Optimisation progress" /> {job.progress ?? 0}%
            </p>
          )}
          {result && (
            <>
              <table>
                <caption>The proposal against the current schedule</caption>
                <thead><tr><th scope="col">Figure</th><th scope="col">Proposal</th><th scope="col">Hand-made baseline</th></tr></thead>
                <tbody>
                  <tr><th scope="row">Expected revenue</th><td>{formatMoney(result.expected_revenue_minor ?? 0, currency)}</td><td>{formatMoney(result.greedy_revenue_minor ?? 0, currency)}</td></tr>
                  <tr><th scope="row">Expected visitors</th><td>{Math.round(result.expected_visitors ?? 0)}</td><td>–</td></tr>
                  <tr><th scope="row">Showtimes</th><td>{result.proposal?.length ?? 0}</td><td>{current.length} today</td></tr>
                  <tr><th scope="row">Bound and gap</th><td>{formatMoney(Math.round(result.bound ?? 0), currency)}, gap {((result.gap ?? 0) * 100).toFixed(2)}% ({result.solver_status})</td><td>–</td></tr>
                </tbody>
              </table>
              <div className="actions">
                <button type="button" onClick={() => run(false)} disabled={busy}>Apply the proposal</button>
                <button type="button" className="secondary" onClick={() => setJob(undefined)} disabled={busy}>Discard</button>
              </div>
            </>
          )}
        </section>
      )}
    </>
  );
}
