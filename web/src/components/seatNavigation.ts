// Where the arrow keys go on a seat map: along the drawn row (over aisles, which are empty
// drawing columns) and to the nearest seat of the row in front or behind.
export type Placed = { id: number; x: number; y: number };
export type Direction = "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown";

export function neighbour<T extends Placed>(seats: T[], from: T, direction: Direction): T | undefined {
  if (direction === "ArrowLeft" || direction === "ArrowRight") {
    const step = direction === "ArrowRight" ? 1 : -1;
    return seats
      .filter((seat) => seat.y === from.y && (seat.x - from.x) * step > 0)
      .sort((a, b) => Math.abs(a.x - from.x) - Math.abs(b.x - from.x))[0];
  }
  const step = direction === "ArrowDown" ? 1 : -1;
  const rows = seats.filter((seat) => (seat.y - from.y) * step > 0);
  if (rows.length === 0) return undefined;
  const nearestRow = rows.reduce((best, seat) => (Math.abs(seat.y - from.y) < Math.abs(best - from.y) ? seat.y : best), rows[0].y);
  return rows
    .filter((seat) => seat.y === nearestRow)
    .sort((a, b) => Math.abs(a.x - from.x) - Math.abs(b.x - from.x) || a.x - b.x)[0];
}
