// Minutes since a local day's midnight in a cinema's time zone (over 1440 past midnight), for
// drawing a day's timeline whatever zone the browser is in.
export function localMinutes(iso: string, day: string, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(new Date(iso)).map((p) => [p.type, p.value]),
  );
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const dayShift = Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / 86_400_000);
  return dayShift * 1440 + Number(parts.hour) * 60 + Number(parts.minute);
}

/** The UTC instant (ISO) of a wall-clock time "HH:MM" on a local day in a time zone. */
export function zonedInstant(day: string, hhmm: string, timeZone: string): string {
  const [hours, minutes] = hhmm.split(":").map(Number);
  const wanted = hours * 60 + minutes;
  const guess = Date.parse(`${day}T${hhmm}:00Z`);
  const offset = localMinutes(new Date(guess).toISOString(), day, timeZone) - wanted;
  return new Date(guess - offset * 60_000).toISOString();
}
