// The door without the network: the showtime's check-in list, verified with the cinema's public
// key (Ed25519, so the scanner holds nothing that could sign a list), decides each scan on the
// device; the scans are kept in the browser's storage until they are uploaded and reconciled.
import type { Schemas } from "@/api/types";

export type CheckinList = Schemas["CheckinList"];
export type ListedTicket = Schemas["ListedTicket"];
export type OfflineScan = { code: string; scanned_at: string; device: string };
export type LocalDecision = { admitted: boolean; text: string; ticket?: ListedTicket };

export const OFFLINE_DEVICE = "web-door-offline";

/** The bytes the server signed: Python's ``json.dumps(body, sort_keys=True, separators=(",", ":"))``,
 * whose ASCII-only output escapes every other character as ``\uXXXX``. */
export function canonicalJson(value: unknown): string {
  const ascii = (text: string) =>
    JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  if (value === null || typeof value !== "object") return typeof value === "string" ? ascii(value) : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${ascii(key)}:${canonicalJson(item)}`).join(",")}}`;
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Whether ``listing`` is unaltered and signed by the holder of ``publicKey`` (raw, base64url). */
export async function verifyList(listing: CheckinList, publicKey: string): Promise<boolean> {
  const { signature, ...body } = listing;
  if (!signature) return false;
  try {
    const key = await crypto.subtle.importKey("raw", fromBase64Url(publicKey), { name: "Ed25519" }, false, ["verify"]);
    return await crypto.subtle.verify({ name: "Ed25519" }, key, fromBase64Url(signature),
      new TextEncoder().encode(canonicalJson(body)));
  } catch {
    return false; // a malformed key or signature, or a browser without Ed25519: not verified
  }
}

/** How the list names a code: the first 32 hex digits of its SHA-256. */
export async function codeHash(code: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(code)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("").slice(0, 32);
}

const REFUSED_STATUS: Record<string, string> = {
  admitted: "Already scanned before the list was downloaded.",
  ticket_cancelled: "Cancelled: this ticket, its booking or the show was cancelled.",
  booking_not_paid: "Not paid: this booking has not been paid yet.",
};

/** The door's answer to a scan, from the list and the scans this device already admitted. */
export function decide(listing: CheckinList, hash: string, earlier: { hash: string; scanned_at: string }[],
  at: Date, timeOf: (iso: string) => string): LocalDecision {
  const ticket = (listing.tickets ?? []).find((t) => (t.code_hashes ?? []).includes(hash));
  if (!ticket) return { admitted: false, text: "Not on this show's list: another show's ticket, or not a ticket of this cinema." };
  const refused = REFUSED_STATUS[ticket.status ?? "valid"];
  if (refused) return { admitted: false, text: refused, ticket };
  const first = earlier.find((scan) => scan.hash === hash);
  if (first) return { admitted: false, text: `Already scanned at ${timeOf(first.scanned_at)} on this device.`, ticket };
  if (listing.doors_open_at && at < new Date(listing.doors_open_at)) {
    return { admitted: false, text: `Too early: the doors open at ${timeOf(listing.doors_open_at)}.`, ticket };
  }
  if (listing.ends_at && at >= new Date(listing.ends_at)) return { admitted: false, text: "Too late: this show is over.", ticket };
  return { admitted: true, text: `Seat ${ticket.seat}: admitted offline.`, ticket };
}

/** Where a showtime's offline list and scans are kept between page loads. */
export function storageKey(showtimeId: number): string {
  return `cinemaos.door.offline.${showtimeId}`;
}

export type OfflineState = { listing: CheckinList; scans: (OfflineScan & { hash: string })[] };

export function loadState(showtimeId: number): OfflineState | null {
  try {
    const raw = window.localStorage.getItem(storageKey(showtimeId));
    return raw ? (JSON.parse(raw) as OfflineState) : null;
  } catch {
    return null;
  }
}

export function saveState(showtimeId: number, state: OfflineState | null): void {
  if (state) window.localStorage.setItem(storageKey(showtimeId), JSON.stringify(state));
  else window.localStorage.removeItem(storageKey(showtimeId));
}

/** What an upload did, as the sentence the usher reads. */
export function uploadSentence(report: Schemas["Reconciliation"], timeOf: (iso: string) => string): string {
  const admitted = report.admitted?.length ?? 0;
  const refused = report.refused?.length ?? 0;
  const doubles = (report.conflicts ?? []).map((c) =>
    `ticket ${c.ticket_id} went in at ${c.winner?.admitted_at ? timeOf(c.winner.admitted_at) : "?"}` +
    ` and was scanned again at ${c.later_scan?.scanned_at ? timeOf(c.later_scan.scanned_at) : "?"}` +
    `${c.later_scan?.device ? ` on ${c.later_scan.device}` : ""}`);
  const parts = [`Uploaded: ${admitted} admitted`, `${refused} refused`];
  const doubled = doubles.length ? `; scanned twice: ${doubles.join("; ")}` : "; no ticket scanned twice";
  return `${parts.join(", ")}${doubled}.`;
}
