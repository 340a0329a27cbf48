// Keeps an open seat map fresh: a WebSocket to the live seat-map service (realtime/ on the server,
// at /ws/seatmaps/<id> on this same host) says when the map changed, and the page refetches it.
// Until the socket is open, and whenever it fails or closes, the page polls instead and tries the
// socket again later (`make run`'s embedded default has no such service: its pages just poll).
// A hold that runs out frees its seats with no message: the map says when its earliest hold ends,
// and the page refetches then (`refetchWhenHoldsEnd`).

/** How often a map is refetched while there is no live socket (the API caches a map 30 s at most,
 * invalidated on every change, so a poll is cheap). */
export const POLL_MS = 3000;
/** Waits before opening a closed socket again: doubled after each failure, up to the last. */
export const RETRY_MS = [2000, 5000, 15000, 60000];
/** The close code the service sends a client holding too many sockets already. */
export const TOO_MANY_SOCKETS = 1008;
/** Several changes in a row (a hold replacing another) cost one refetch. */
export const COALESCE_MS = 150;

/** A refetch for a hold's end waits this long past it (the API's cached map ends with the hold). */
export const HOLD_END_GRACE_MS = 300;
/** ...and never less than this, so a clock running ahead of the server's costs a refetch a second, not a loop. */
export const HOLD_END_FLOOR_MS = 1000;

/** Refetch just after the map's earliest hold ends (`holds_end_at`, null when nothing is held);
 * returns the cancel function. */
export function refetchWhenHoldsEnd(holdsEndAt: string | null | undefined, refetch: () => void, now: number = Date.now()): () => void {
  if (!holdsEndAt) return () => {};
  const timer = setTimeout(refetch, Math.max(HOLD_END_FLOOR_MS, Date.parse(holdsEndAt) - now + HOLD_END_GRACE_MS));
  return () => clearTimeout(timer);
}

export type SocketLike = Pick<WebSocket, "close"> & {
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
};

export function seatMapSocketUrl(showtimeId: number, where: Pick<Location, "protocol" | "host"> = window.location): string {
  const scheme = where.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${where.host}/ws/seatmaps/${showtimeId}`;
}

/** Calls `refetch` whenever the map of `showtimeId` may have changed; returns the stop function. */
export function watchSeatMap(
  showtimeId: number,
  refetch: () => void,
  openSocket: (url: string) => SocketLike = (url) => new WebSocket(url),
): () => void {
  let stopped = false;
  let socket: SocketLike | null = null;
  let poller: ReturnType<typeof setInterval> | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let pending: ReturnType<typeof setTimeout> | null = null;
  let failures = 0;
  let turnedAway = 0;

  const poll = (on: boolean) => {
    if (on && poller === null) poller = setInterval(() => { if (!document.hidden) refetch(); }, POLL_MS);
    if (!on && poller !== null) { clearInterval(poller); poller = null; }
  };
  const soon = () => {
    if (pending === null) pending = setTimeout(() => { pending = null; refetch(); }, COALESCE_MS);
  };
  const connect = () => {
    retry = null;
    let opened = false;
    try {
      socket = openSocket(seatMapSocketUrl(showtimeId));
    } catch {
      socket = null;
      failures += 1;
      retry = setTimeout(connect, RETRY_MS[Math.min(failures, RETRY_MS.length) - 1]);
      return;
    }
    socket.onopen = () => {
      opened = true;
      failures = 0;
      poll(false);
      soon(); // a change between the first load and this moment was not announced here
    };
    socket.onmessage = soon;
    socket.onclose = (event) => {
      socket = null;
      if (stopped) return;
      poll(true);
      // Turned away (this client holds too many maps open): back off as after failures, though it opened.
      turnedAway = event.code === TOO_MANY_SOCKETS ? turnedAway + 1 : 0;
      if (!opened) failures += 1;
      const backoff = Math.max(opened ? 0 : failures, turnedAway);
      retry = setTimeout(connect, backoff ? RETRY_MS[Math.min(backoff, RETRY_MS.length) - 1] : RETRY_MS[0]);
    };
  };

  poll(true);
  connect();
  return () => {
    stopped = true;
    poll(false);
    for (const timer of [retry, pending]) if (timer !== null) clearTimeout(timer);
    socket?.close();
  };
}
