// A day's schedule as one lane per screen: each show from start to end, its cleaning buffer,
// closures, (when comparing) the optimiser's proposed shows beneath, and the slot being edited
// (dashed red when saving it would be refused, with the show it clashes with), on an hour grid.
import type { Schemas } from "@/api/types";
import { localMinutes } from "@/lib/localClock";
import { timeOf } from "@/lib/dates";
import { clashingShowtimeId } from "@/lib/slotCheck";
import type { PendingSlot } from "./ShowtimeEditor";

export type Proposed = Schemas["ProposedShow"] & { title?: string; minutes?: number };
export type Closure = Schemas["Closure"];

type Props = {
  schedule: Schemas["Schedule"];
  proposal?: Proposed[];
  closures?: Map<number, Closure[]>;
  pending?: PendingSlot;
};

const LANE = 56;
const LABEL = 110;
const PER_MINUTE = 1.1;

export default function Timeline({ schedule, proposal = [], closures = new Map(), pending }: Props) {
  const zone = schedule.timezone;
  const at = (iso: string) => localMinutes(iso, schedule.date, zone);
  // The edited slot is drawn when it starts on this day.
  const slot = pending && at(pending.check.starts_at) >= 0 && at(pending.check.starts_at) < 1440 ? pending : undefined;
  const clash = clashingShowtimeId(slot?.check);
  const starts = schedule.screens.flatMap((s) => s.showtimes.map((t) => at(t.starts_at as string)));
  const ends = schedule.screens.flatMap((s) => s.showtimes.map((t) => at(t.blocked_until as string)));
  proposal.forEach((p) => starts.push(at(p.starts_at as string)));
  if (slot) { starts.push(at(slot.check.starts_at)); ends.push(at(slot.check.blocked_until)); }
  const first = Math.min(9 * 60, ...starts.map((m) => Math.floor(m / 60) * 60));
  const last = Math.max(24 * 60, ...ends.map((m) => Math.ceil(m / 60) * 60));
  const x = (minutes: number) => LABEL + (minutes - first) * PER_MINUTE;
  const width = x(last) + 30;
  const height = 24 + schedule.screens.length * LANE;
  const hours = Array.from({ length: (last - first) / 60 + 1 }, (_, i) => first + i * 60);

  return (
    // Wider than a phone: a region that scrolls, reachable with the keyboard.
    <div className="timeline-wrap" tabIndex={0} role="region" aria-label="Timeline of the day, scrolls sideways">
      <svg className="timeline" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`Schedule of ${schedule.date}: ${schedule.screens.map((s) => `${s.name}, ${s.showtimes.filter((t) => t.status !== "cancelled").length} showtimes`).join("; ")}`}>
        {hours.map((h) => (
          <g key={h}>
            <line className="hour" x1={x(h)} x2={x(h)} y1={16} y2={height} />
            <text x={x(h) + 2} y={12}>{String((h / 60) % 24).padStart(2, "0")}:00</text>
          </g>
        ))}
        {schedule.screens.map((screen, lane) => {
          const top = 24 + lane * LANE;
          return (
            <g key={screen.screen_id}>
              <text x={4} y={top + 22}>{screen.name}</text>
              {(closures.get(screen.screen_id) ?? []).map((c) => (
                <rect key={c.id} className="closure" x={x(Math.max(first, at(c.starts_at)))} y={top + 2}
                  width={Math.max(2, x(Math.min(last, at(c.ends_at))) - x(Math.max(first, at(c.starts_at))))} height={LANE - 8}>
                  <title>Closed: {c.reason ?? "closure"}</title>
                </rect>
              ))}
              {screen.showtimes.map((show) => {
                const start = at(show.starts_at as string);
                const end = at(show.ends_at as string);
                const blocked = at(show.blocked_until as string);
                return (
                  <g key={show.id} data-showtime-id={show.id}
                     className={`show ${show.status === "cancelled" ? "cancelled" : ""} ${show.id === slot?.movingId ? "moving" : ""} ${show.id === clash ? "clashing" : ""}`}>
                    <title>{`${show.movie_title}, ${timeOf(show.starts_at as string, zone)}–${timeOf(show.ends_at as string, zone)}${show.status === "cancelled" ? " (cancelled)" : ""}`}</title>
                    <rect x={x(start)} y={top + 4} width={(end - start) * PER_MINUTE} height={proposal.length ? 22 : 40} rx={3} />
                    <rect className="buffer" x={x(end)} y={top + 4} width={(blocked - end) * PER_MINUTE} height={proposal.length ? 22 : 40} />
                    <text x={x(start) + 4} y={top + 19}>{(show.movie_title ?? "").slice(0, Math.max(3, Math.floor(((end - start) * PER_MINUTE) / 7)))}</text>
                  </g>
                );
              })}
              {slot?.screenId === screen.screen_id && (
                <g className={`show pending ${slot.check.free ? "free" : "would-clash"}`} data-testid="pending-slot">
                  <title>{`${slot.check.free ? "Free" : "Refused"}: ${timeOf(slot.check.starts_at, zone)}–${timeOf(slot.check.blocked_until, zone)}, cleaning included`}</title>
                  <rect x={x(at(slot.check.starts_at))} y={top + 2} rx={3} height={LANE - 8}
                        width={(at(slot.check.blocked_until) - at(slot.check.starts_at)) * PER_MINUTE} />
                </g>
              )}
              {proposal.filter((p) => p.screen_id === screen.screen_id).map((p, i) => {
                const start = at(p.starts_at as string);
                return (
                  <g key={`p-${i}`} className="show proposed">
                    <title>{`Proposed: ${p.title ?? `film ${p.movie_id}`} at ${timeOf(p.starts_at as string, zone)}`}</title>
                    <rect x={x(start)} y={top + 28} width={(p.minutes ?? 100) * PER_MINUTE} height={20} rx={3} />
                    <text x={x(start) + 4} y={top + 42}>{(p.title ?? `film ${p.movie_id}`).slice(0, 14)}</text>
                  </g>
                );
              })}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
