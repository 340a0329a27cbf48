import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  COALESCE_MS, HOLD_END_FLOOR_MS, HOLD_END_GRACE_MS, POLL_MS, RETRY_MS, type SocketLike, TOO_MANY_SOCKETS, refetchWhenHoldsEnd,
  seatMapSocketUrl, watchSeatMap,
} from "./liveSeatMap";

class FakeSocket implements SocketLike {
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {}
  close() { this.closed = true; }
  open() { this.onopen?.(new Event("open")); }
  send(data: string) { this.onmessage?.(new MessageEvent("message", { data })); }
  drop(code = 1006) { this.onclose?.(new CloseEvent("close", { code })); }
}

let sockets: FakeSocket[];
const openSocket = (url: string) => { const s = new FakeSocket(url); sockets.push(s); return s; };

beforeEach(() => { vi.useFakeTimers(); sockets = []; });
afterEach(() => { vi.useRealTimers(); });

describe("live seat map", () => {
  it("opens the socket on this host, wss behind https", () => {
    expect(seatMapSocketUrl(7, { protocol: "https:", host: "tickets.example.com" })).toBe("wss://tickets.example.com/ws/seatmaps/7");
    expect(seatMapSocketUrl(7, { protocol: "http:", host: "127.0.0.1:8000" })).toBe("ws://127.0.0.1:8000/ws/seatmaps/7");
  });

  it("refetches on a message, once per burst, and does not poll while the socket is open", () => {
    const refetch = vi.fn();
    const stop = watchSeatMap(7, refetch, openSocket);
    sockets[0].open();
    vi.advanceTimersByTime(COALESCE_MS);
    expect(refetch).toHaveBeenCalledTimes(1); // the catch-up read on opening
    sockets[0].send('{"showtime_id":7,"generation":3}');
    sockets[0].send('{"showtime_id":7,"generation":4}');
    vi.advanceTimersByTime(COALESCE_MS);
    expect(refetch).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(POLL_MS * 5);
    expect(refetch).toHaveBeenCalledTimes(2);
    stop();
    expect(sockets[0].closed).toBe(true);
  });

  it("polls while the socket fails and goes live again when it comes back", () => {
    const refetch = vi.fn();
    const stop = watchSeatMap(7, refetch, openSocket);
    sockets[0].drop(); // refused: no live service (the embedded default)
    vi.advanceTimersByTime(POLL_MS);
    expect(refetch).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(RETRY_MS[0] - POLL_MS + RETRY_MS[0]);
    expect(sockets).toHaveLength(2);
    sockets[1].open();
    const calls = refetch.mock.calls.length;
    vi.advanceTimersByTime(POLL_MS * 3);
    expect(refetch).toHaveBeenCalledTimes(calls + 1); // the catch-up read only
    stop();
    vi.advanceTimersByTime(POLL_MS * 3);
    expect(refetch).toHaveBeenCalledTimes(calls + 1);
  });

  it("backs off when the service turns it away for holding too many sockets, and polls meanwhile", () => {
    const refetch = vi.fn();
    const stop = watchSeatMap(7, refetch, openSocket);
    for (const [i, wait] of RETRY_MS.slice(0, 3).entries()) {
      sockets[i].open();
      sockets[i].drop(TOO_MANY_SOCKETS);
      vi.advanceTimersByTime(wait - 1);
      expect(sockets).toHaveLength(i + 1);
      vi.advanceTimersByTime(1);
      expect(sockets).toHaveLength(i + 2);
    }
    expect(refetch.mock.calls.length).toBeGreaterThanOrEqual(Math.floor((2000 + 5000 + 15000) / POLL_MS));
    stop();
  });
});

describe("a hold's end", () => {
  const now = Date.parse("2026-12-05T18:00:00Z");

  it("refetches just after the earliest hold ends, and not before", () => {
    const refetch = vi.fn();
    refetchWhenHoldsEnd("2026-12-05T18:00:05Z", refetch, now);
    vi.advanceTimersByTime(5000 + HOLD_END_GRACE_MS - 1);
    expect(refetch).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(refetch).toHaveBeenCalledTimes(1);
  });

  it("waits at least a second when the end looks past (a clock ahead of the server's)", () => {
    const refetch = vi.fn();
    refetchWhenHoldsEnd("2026-12-05T17:59:00Z", refetch, now);
    vi.advanceTimersByTime(HOLD_END_FLOOR_MS - 1);
    expect(refetch).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(refetch).toHaveBeenCalledTimes(1);
  });

  it("does nothing without holds, and nothing once cancelled", () => {
    const refetch = vi.fn();
    refetchWhenHoldsEnd(null, refetch, now);
    refetchWhenHoldsEnd("2026-12-05T18:00:05Z", refetch, now)();
    vi.advanceTimersByTime(60_000);
    expect(refetch).not.toHaveBeenCalled();
  });
});
