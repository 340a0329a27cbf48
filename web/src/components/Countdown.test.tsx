import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import Countdown from "./Countdown";
import { clockFace, secondsLeft } from "./countdown";

const NOW = Date.parse("2026-03-01T12:00:00Z");

beforeEach(() => { vi.useFakeTimers(); vi.setSystemTime(NOW); });
afterEach(() => { cleanup(); vi.useRealTimers(); });

describe("countdown", () => {
  it("counts from the API's clock, not the browser's", () => {
    expect(secondsLeft("2026-03-01T12:10:00Z", NOW)).toBe(600);
    // The browser runs 30 s slow: the API's now is 30 s later, so 30 s less is left.
    expect(secondsLeft("2026-03-01T12:10:00Z", NOW, 30_000)).toBe(570);
    expect(secondsLeft("2026-03-01T11:59:00Z", NOW)).toBe(0);
    expect(clockFace(600)).toBe("10:00");
    expect(clockFace(69)).toBe("1:09");
  });

  it("ticks every second and calls onExpire once at 0:00", () => {
    const onExpire = vi.fn();
    render(<Countdown expiresAt="2026-03-01T12:00:03Z" onExpire={onExpire} />);
    expect(screen.getByRole("timer").textContent).toContain("0:03");
    act(() => { vi.advanceTimersByTime(1000); });
    expect(screen.getByRole("timer").textContent).toContain("0:02");
    act(() => { vi.advanceTimersByTime(5000); });
    expect(screen.getByRole("timer").textContent).toContain("0:00");
    expect(onExpire).toHaveBeenCalledTimes(1);
  });
});
