import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Schemas } from "@/api/types";
import SeatMap, { seatLabel } from "./SeatMap";

type Seat = Schemas["ShowtimeSeat"];

afterEach(cleanup);

function seat(id: number, row: string, number: number, x: number, y: number, extra: Partial<Seat> = {}): Seat {
  return { id, row, number, label: `${row}${number}`, category: "standard", x, y, wheelchair: false, companion: false,
    status: "available", price_minor: 950, ...extra };
}

// Row A (front): seats 1 and 2, an aisle (x = 2), seat 3; row B: seats 1-3 with no aisle.
const SEATS: Seat[] = [
  seat(1, "A", 1, 0, 0), seat(2, "A", 2, 1, 0), seat(3, "A", 3, 3, 0, { category: "premium", price_minor: 1250 }),
  seat(4, "B", 1, 0, 1, { wheelchair: true }), seat(5, "B", 2, 1, 1, { companion: true }), seat(6, "B", 3, 2, 1, { status: "sold" }),
];

function draw(selected = new Set<number>(), onToggle = vi.fn()) {
  render(<SeatMap seats={SEATS} currency="EUR" selected={selected} onToggle={onToggle} />);
  return onToggle;
}

describe("SeatMap", () => {
  it("labels each seat with its row, number, category, price and state", () => {
    expect(seatLabel(SEATS[2])).toBe("Row A seat 3, premium, 12.50");
    expect(seatLabel(SEATS[3])).toBe("Row B seat 1, standard, 9.50, wheelchair space");
    expect(seatLabel(SEATS[4])).toBe("Row B seat 2, standard, 9.50, companion seat");
    expect(seatLabel(SEATS[5])).toBe("Row B seat 3, standard, 9.50, sold");
    draw();
    expect(screen.getAllByRole("checkbox")).toHaveLength(6);
    expect(screen.getByRole("checkbox", { name: "Row A seat 3, premium, 12.50" })).toBeTruthy();
  });

  it("draws each seat at its layout coordinates, aisles as gaps", () => {
    draw();
    const x = (name: string) => Number(screen.getByRole("checkbox", { name }).querySelector("rect")?.getAttribute("x"));
    expect(x("Row A seat 2, standard, 9.50") - x("Row A seat 1, standard, 9.50")).toBe(30);
    expect(x("Row A seat 3, premium, 12.50") - x("Row A seat 2, standard, 9.50")).toBe(60);
  });

  it("puts one seat in the tab order and moves along rows, over aisles, with the arrow keys", () => {
    draw();
    const tabbable = screen.getAllByRole("checkbox").filter((el) => el.getAttribute("tabindex") === "0");
    expect(tabbable.map((el) => el.getAttribute("aria-label"))).toEqual(["Row A seat 1, standard, 9.50"]);
    tabbable[0].focus();
    fireEvent.keyDown(document.activeElement as Element, { key: "ArrowRight" });
    fireEvent.keyDown(document.activeElement as Element, { key: "ArrowRight" });
    expect(document.activeElement?.getAttribute("aria-label")).toBe("Row A seat 3, premium, 12.50");
    fireEvent.keyDown(document.activeElement as Element, { key: "ArrowDown" });
    expect(document.activeElement?.getAttribute("aria-label")).toBe("Row B seat 3, standard, 9.50, sold");
    fireEvent.keyDown(document.activeElement as Element, { key: "ArrowLeft" });
    fireEvent.keyDown(document.activeElement as Element, { key: "ArrowUp" });
    expect(document.activeElement?.getAttribute("aria-label")).toBe("Row A seat 2, standard, 9.50");
    expect(screen.getAllByRole("checkbox").filter((el) => el.getAttribute("tabindex") === "0")).toHaveLength(1);
  });

  it("chooses an available seat with Enter or Space, never a sold one", () => {
    const onToggle = draw();
    const first = screen.getByRole("checkbox", { name: "Row A seat 1, standard, 9.50" });
    fireEvent.keyDown(first, { key: "Enter" });
    fireEvent.keyDown(first, { key: " " });
    fireEvent.keyDown(screen.getByRole("checkbox", { name: /Row B seat 3/ }), { key: "Enter" });
    fireEvent.click(screen.getByRole("checkbox", { name: /Row B seat 3/ }));
    expect(onToggle.mock.calls.map(([s]) => s.id)).toEqual([1, 1]);
  });

  it("marks chosen seats checked and shows the categories with their prices", () => {
    draw(new Set([2]));
    expect(screen.getByRole("checkbox", { name: "Row A seat 2, standard, 9.50" }).getAttribute("aria-checked")).toBe("true");
    expect(screen.getByRole("checkbox", { name: /Row B seat 3/ }).getAttribute("aria-disabled")).toBe("true");
    const key = screen.getByRole("list", { name: "Key" }).textContent ?? "";
    expect(key).toContain("standard from €9.50");
    expect(key).toContain("premium from €12.50");
  });
});
