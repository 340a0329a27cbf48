import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import CameraScanner from "./CameraScanner";

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  delete (window as unknown as { BarcodeDetector?: unknown }).BarcodeDetector;
  Object.defineProperty(navigator, "mediaDevices", { value: undefined, configurable: true });
});

describe("CameraScanner", () => {
  it("points to the scanner input where the browser has no BarcodeDetector", () => {
    render(<CameraScanner onCode={() => undefined} />);
    expect(screen.getByText(/cannot read codes with the camera/)).toBeTruthy();
    expect(screen.queryByRole("button")).toBeNull();
  });

  it("reads a QR code from the camera once, not on every frame", async () => {
    vi.useFakeTimers();
    const detect = vi.fn().mockResolvedValue([{ rawValue: "TICKET-1" }]);
    (window as unknown as { BarcodeDetector: unknown }).BarcodeDetector = class { detect = detect; };
    const stop = vi.fn();
    const stream = { getTracks: () => [{ stop }] };
    Object.defineProperty(navigator, "mediaDevices", { value: { getUserMedia: vi.fn().mockResolvedValue(stream) }, configurable: true });
    Object.defineProperty(HTMLMediaElement.prototype, "readyState", { get: () => 4, configurable: true });
    HTMLMediaElement.prototype.play = vi.fn().mockResolvedValue(undefined);
    const onCode = vi.fn();

    render(<CameraScanner onCode={onCode} />);
    await act(async () => { fireEvent.click(screen.getByRole("button", { name: "Scan with the camera" })); });
    await act(async () => { await vi.advanceTimersByTimeAsync(1300); });
    expect(onCode).toHaveBeenCalledTimes(1);
    expect(onCode).toHaveBeenCalledWith("TICKET-1");

    await act(async () => { fireEvent.click(screen.getByRole("button", { name: "Stop the camera" })); });
    expect(stop).toHaveBeenCalled();
  });
});
