// Days and times as the cinema's visitors read them.
export function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function nextDays(count: number, from = new Date()): string[] {
  return Array.from({ length: count }, (_, i) => isoDay(new Date(from.getFullYear(), from.getMonth(), from.getDate() + i)));
}

export function dayLabel(day: string): string {
  return new Date(`${day}T12:00:00`).toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short" });
}

export function timeOf(iso: string, timeZone?: string): string {
  return new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone });
}

export function dateTimeOf(iso: string, timeZone?: string): string {
  return new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone });
}

/** A day picked in a date input ("2026-12-05") as the instant it starts in this browser's zone, or
 * the day after's start (``end``), for an API range that is inclusive of its start, exclusive of its end. */
export function dayBoundary(day: string, end = false): string {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(year, month - 1, date + (end ? 1 : 0)).toISOString();
}
