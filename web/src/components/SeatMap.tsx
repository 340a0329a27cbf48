// A showtime's seats drawn from the layout's coordinates (x: drawing column, aisles are empty
// columns; y: drawing row, 0 = front), operable from the keyboard: one seat is in the tab order,
// the arrow keys move along rows and between them, Enter or Space chooses. Each seat announces
// itself as "Row E seat 7, premium, 12.50", with its state when it cannot be chosen.
import { type KeyboardEvent, useRef, useState } from "react";
import type { Schemas } from "@/api/types";
import { formatMoney, plainAmount } from "@/lib/money";
import { type Direction, neighbour } from "./seatNavigation";

type Seat = Schemas["ShowtimeSeat"];

const CELL = 30;
const SIZE = 24;
const TOP = 44;
const ARROWS = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"]);

export function seatLabel(seat: Seat): string {
  const parts = [`Row ${seat.row} seat ${seat.number}`, seat.category];
  if (seat.price_minor !== null && seat.price_minor !== undefined) parts.push(plainAmount(seat.price_minor));
  if (seat.wheelchair) parts.push("wheelchair space");
  if (seat.companion) parts.push("companion seat");
  if (seat.status !== "available") parts.push(seat.status === "blocked" ? "not for sale" : seat.status);
  return parts.join(", ");
}

export function choosable(seat: Seat): boolean {
  return seat.status === "available" && seat.price_minor !== null && seat.price_minor !== undefined;
}

type Props = {
  seats: Seat[];
  currency: string;
  selected: ReadonlySet<number>;
  onToggle: (seat: Seat) => void;
};

export default function SeatMap({ seats, currency, selected, onToggle }: Props) {
  const [focusId, setFocusId] = useState<number | null>(null);
  const refs = useRef(new Map<number, SVGGElement>());
  const minX = Math.min(...seats.map((s) => s.x));
  const maxX = Math.max(...seats.map((s) => s.x));
  const maxY = Math.max(...seats.map((s) => s.y));
  const width = (maxX - minX + 1) * CELL;
  const height = TOP + (maxY + 1) * CELL;
  const tabStop = seats.find((s) => s.id === focusId) ?? seats.find(choosable) ?? seats[0];
  const rows = [...new Map(seats.map((s) => [s.y, s.row])).entries()];

  function onKeyDown(event: KeyboardEvent<SVGGElement>, seat: Seat) {
    if (ARROWS.has(event.key)) {
      event.preventDefault();
      const next = neighbour(seats, seat, event.key as Direction);
      if (next) {
        setFocusId(next.id);
        refs.current.get(next.id)?.focus();
      }
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      if (choosable(seat)) onToggle(seat);
    }
  }

  return (
    <div className="seatmap">
      <svg viewBox={`-24 0 ${width + 24} ${height}`} width={width + 24} height={height} role="group" aria-label="Seat map: use the arrow keys to move between seats and Enter to choose" className="seatmap-svg">
        <rect x={0} y={4} width={width} height={8} rx={4} className="screen-bar" />
        <text x={width / 2} y={30} textAnchor="middle" className="screen-label">Screen</text>
        {rows.map(([y, row]) => (
          <text key={`row-${y}`} x={-12} y={TOP + y * CELL + SIZE / 2 + 4} textAnchor="middle" className="row-label" aria-hidden="true">{row}</text>
        ))}
        {seats.map((seat) => {
          const isSelected = selected.has(seat.id);
          const state = isSelected ? "selected" : seat.status;
          const x = (seat.x - minX) * CELL + (CELL - SIZE) / 2;
          const y = TOP + seat.y * CELL;
          return (
            <g
              key={seat.id}
              ref={(node) => { if (node) refs.current.set(seat.id, node); else refs.current.delete(seat.id); }}
              role="checkbox"
              aria-checked={isSelected}
              aria-disabled={!choosable(seat) && !isSelected}
              aria-label={seatLabel(seat)}
              tabIndex={seat.id === tabStop?.id ? 0 : -1}
              className={`seat seat-${state} category-${seat.category}`}
              data-seat-id={seat.id}
              onKeyDown={(event) => onKeyDown(event, seat)}
              onFocus={() => setFocusId(seat.id)}
              onClick={() => choosable(seat) && onToggle(seat)}
            >
              <rect x={x} y={y} width={SIZE} height={SIZE} rx={5} />
              {seat.wheelchair && <text x={x + SIZE / 2} y={y + 17} textAnchor="middle" aria-hidden="true">♿</text>}
              {seat.companion && <text x={x + SIZE / 2} y={y + 17} textAnchor="middle" aria-hidden="true">C</text>}
              {(seat.status === "sold" || seat.status === "held") && !isSelected && (
                <path d={`M${x + 6} ${y + 6} L${x + SIZE - 6} ${y + SIZE - 6} M${x + SIZE - 6} ${y + 6} L${x + 6} ${y + SIZE - 6}`} className="seat-cross" aria-hidden="true" />
              )}
            </g>
          );
        })}
      </svg>
      <Legend seats={seats} currency={currency} />
    </div>
  );
}

function Legend({ seats, currency }: { seats: Seat[]; currency: string }) {
  const prices = new Map<string, number>();
  for (const seat of seats) {
    if (seat.price_minor === null || seat.price_minor === undefined) continue;
    prices.set(seat.category, Math.min(prices.get(seat.category) ?? Infinity, seat.price_minor));
  }
  return (
    <ul className="legend" aria-label="Key">
      {[...prices.entries()].map(([category, price]) => (
        <li key={category}><span className={`swatch category-${category}`} aria-hidden="true" />{category} from {formatMoney(price, currency)}</li>
      ))}
      <li><span className="swatch swatch-selected" aria-hidden="true" />your choice</li>
      <li><span className="swatch swatch-taken" aria-hidden="true" />held or sold</li>
      <li><span className="swatch" aria-hidden="true">♿</span>wheelchair space</li>
      <li><span className="swatch" aria-hidden="true">C</span>companion seat</li>
    </ul>
  );
}
