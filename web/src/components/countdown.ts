// Time left on a hold, from the API's expires_at and the API's clock (the answer's Date
// header minus this browser's clock: skewMs), never from this browser's clock alone.
export function secondsLeft(expiresAt: string, nowMs: number, skewMs = 0): number {
  return Math.max(0, Math.floor((Date.parse(expiresAt) - (nowMs + skewMs)) / 1000));
}

export function clockFace(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}
