// The box office: open a shift with a float, sell seats of a showtime to a walk-in for cash (the
// change shown) or on the card terminal, print the tickets, then cash up and read the report.
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { api } from "@/api/client";
import type { Schemas } from "@/api/types";
import Notice from "@/components/Notice";
import SeatMap from "@/components/SeatMap";
import ShiftReport from "@/components/ShiftReport";
import ShowtimePicker, { useStaffCinemas } from "@/components/ShowtimePicker";
import { type Shift, cashUp, myOpenShift, openShift, sell, shiftReport, ticketsPdf } from "@/lib/boxOffice";
import { type Choice, type TicketType, type TicketTypeOption, quote, ticketTypes } from "@/lib/checkout";
import { sentence } from "@/lib/errors";
import { refetchWhenHoldsEnd, watchSeatMap } from "@/lib/liveSeatMap";
import { formatMoney } from "@/lib/money";
import { isStaff, useSession } from "@/lib/session";
import { changeDue, differenceSentence, parseAmount } from "@/lib/till";

type Seat = Schemas["ShowtimeSeat"];
type Sold = { sale: Schemas["Sale"]; pdf?: string };

export default function BoxOfficePage() {
  const session = useSession();
  const cinemas = useStaffCinemas();
  const [shift, setShift] = useState<Shift>();
  const [report, setReport] = useState<Schemas["ShiftReport"]>();
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const userId = session?.user.id;

  useEffect(() => {
    if (!userId || !isStaff(session)) return;
    myOpenShift(userId).then(setShift, (e: Error) => setError(e.message));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [userId]);

  async function onOpen(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const float = parseAmount(String(form.get("float")));
    if (float === null) { setError("Enter the float as an amount, for example 100.00."); return; }
    setError(null);
    try {
      setShift(await openShift(Number(form.get("cinema")), float));
      setReport(undefined);
      setMessage("The shift is open.");
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function onCashUp(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!shift) return;
    const counted = parseAmount(String(new FormData(event.currentTarget).get("counted")));
    if (counted === null) { setError("Enter the cash counted as an amount, for example 152.30."); return; }
    setError(null);
    try {
      const closed = await cashUp(shift.id, counted);
      setMessage(`The shift is cashed up. ${differenceSentence(closed.difference_minor ?? 0, closed.currency)}`);
      setReport(await shiftReport(shift.id));
      setShift(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  if (!isStaff(session)) return <><h1>Box office</h1><p>Log in with a staff account to sell at the box office.</p></>;

  return (
    <>
      <h1>Box office</h1>
      <Notice error={error} message={message} />
      {!shift && (
        <form onSubmit={onOpen} className="form panel" aria-labelledby="open-heading">
          <h2 id="open-heading">Open a shift</h2>
          <label htmlFor="shift-cinema">Cinema</label>
          <select id="shift-cinema" name="cinema">{cinemas?.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}</select>
          <label>Opening float <input name="float" inputMode="decimal" defaultValue="100.00" autoComplete="off" /></label>
          <button type="submit">Open the shift</button>
        </form>
      )}
      {shift && (
        <>
          <p className="muted">Shift {shift.id} open since {new Date(shift.opened_at).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" })}, float {formatMoney(shift.opening_float_minor, shift.currency)}.</p>
          <Sale shift={shift} />
          <form onSubmit={onCashUp} className="form panel" aria-labelledby="cashup-heading">
            <h2 id="cashup-heading">Cash up</h2>
            <label>Cash counted in the drawer <input name="counted" inputMode="decimal" autoComplete="off" required /></label>
            <button type="submit">Cash up and close the shift</button>
          </form>
        </>
      )}
      {report && <ShiftReport report={report} />}
    </>
  );
}

function Sale({ shift }: { shift: Shift }) {
  const [showtime, setShowtime] = useState<Schemas["Showtime"]>();
  const [seatMap, setSeatMap] = useState<Schemas["ShowtimeSeatMap"]>();
  const [choice, setChoice] = useState<Choice>(new Map());
  const [total, setTotal] = useState<number>();
  const [email, setEmail] = useState("");
  const [method, setMethod] = useState<"cash" | "terminal">("cash");
  const [tendered, setTendered] = useState("");
  const [reference, setReference] = useState("");
  const [sold, setSold] = useState<Sold>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [types, setTypes] = useState<TicketTypeOption[]>([]);
  const currency = shift.currency;

  const loadMap = useCallback(async () => {
    if (!showtime) return;
    const { data, error: problem } = await api.GET("/api/showtimes/{showtime_id}/seats", { params: { path: { showtime_id: showtime.id } } });
    if (data) setSeatMap(data);
    else setError(sentence(problem));
  }, [showtime]);
  useEffect(() => { setSeatMap(undefined); setChoice(new Map()); loadMap(); }, [loadMap]);
  // Live as on the booking site: seats sold online or held by customers show at once at the till.
  useEffect(() => (showtime ? watchSeatMap(showtime.id, loadMap) : undefined), [showtime, loadMap]);
  useEffect(() => refetchWhenHoldsEnd(seatMap?.holds_end_at, loadMap), [seatMap, loadMap]);
  useEffect(() => {
    ticketTypes(shift.cinema_id, "box_office").then(setTypes, (e: Error) => setError(e.message));
  }, [shift.cinema_id]);

  useEffect(() => {
    if (!showtime || choice.size === 0) { setTotal(undefined); return; }
    let live = true;
    quote(showtime.id, choice, "", "box_office").then((q) => live && setTotal(q.total_minor as number), (e: Error) => live && setError(e.message));
    return () => { live = false; };
  }, [showtime, choice]);

  function toggle(seat: Seat) {
    const next = new Map(choice);
    if (next.has(seat.id)) next.delete(seat.id);
    else next.set(seat.id, types[0]?.code ?? "adult");
    setChoice(next);
    setSold(undefined);
  }

  const tenderedMinor = parseAmount(tendered);
  const change = total !== undefined && tenderedMinor !== null ? changeDue(total, tenderedMinor) : null;

  async function onSell(event: FormEvent) {
    event.preventDefault();
    if (!showtime) return;
    if (method === "cash" && (tenderedMinor === null || change === null)) {
      setError("Enter the cash tendered: at least the total.");
      return;
    }
    if (method === "terminal" && !reference.trim()) {
      setError("Enter the card terminal's reference for this payment.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const tender = method === "cash"
        ? { method, tendered_minor: tenderedMinor, terminal_reference: null, payment_method: null }
        : { method, tendered_minor: null, terminal_reference: reference.trim(), payment_method: null };
      const sale = await sell(shift.id, showtime.id, choice, email.trim(), tender);
      setSold({ sale });
      setChoice(new Map());
      setTendered("");
      setReference("");
      setEmail("");
      loadMap();
      const pdf = await ticketsPdf(sale.booking.id as number).catch((e: Error) => { setError(e.message); return undefined; });
      setSold({ sale, pdf });
    } catch (e) {
      setError((e as Error).message);
      loadMap();
    } finally {
      setBusy(false);
    }
  }

  const seatsById = new Map(seatMap?.seats.map((s) => [s.id, s]));
  return (
    <section aria-labelledby="sale-heading" className="panel">
      <h2 id="sale-heading">Sell tickets</h2>
      <ShowtimePicker cinemaId={shift.cinema_id} showtimeId={showtime?.id} onChange={(s) => { setShowtime(s); setSold(undefined); }} />
      <Notice error={error} />
      {sold && (
        <div className="confirmation" role="status" data-testid="sale-done">
          <p>
            Sold: booking <strong data-testid="sale-reference">{sold.sale.booking.reference}</strong> for{" "}
            {formatMoney(sold.sale.entry.amount_minor, currency)}
            {sold.sale.entry.tender === "cash" && <>. Change to give: <strong data-testid="sale-change">{formatMoney(sold.sale.entry.change_minor ?? 0, currency)}</strong></>}.
          </p>
          {sold.pdf && <p><a href={sold.pdf} download={`tickets-${sold.sale.booking.reference}.pdf`} className="button">Print the tickets (PDF)</a></p>}
        </div>
      )}
      {seatMap && <SeatMap seats={seatMap.seats} currency={seatMap.currency} selected={new Set(choice.keys())} onToggle={toggle} />}
      {choice.size > 0 && (
        <form onSubmit={onSell} className="form">
          <ul className="choice-list">
            {[...choice.entries()].map(([seatId, type]) => (
              <li key={seatId}>
                <span>{seatsById.get(seatId)?.label}</span>{" "}
                <label>Ticket{" "}
                  <select value={type} onChange={(e) => setChoice(new Map(choice).set(seatId, e.target.value as TicketType))}>
                    {types.map((t) => <option key={t.code} value={t.code}>{t.name}</option>)}
                  </select>
                </label>
              </li>
            ))}
          </ul>
          {total !== undefined && <p data-testid="sale-total">Total <strong>{formatMoney(total, currency)}</strong></p>}
          <label>Customer e-mail (optional, for the confirmation) <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" /></label>
          <fieldset>
            <legend>Payment</legend>
            <label><input type="radio" name="tender" checked={method === "cash"} onChange={() => setMethod("cash")} /> Cash</label>{" "}
            <label><input type="radio" name="tender" checked={method === "terminal"} onChange={() => setMethod("terminal")} /> Card terminal</label>
          </fieldset>
          {method === "cash" ? (
            <>
              <label>Cash tendered <input value={tendered} onChange={(e) => setTendered(e.target.value)} inputMode="decimal" autoComplete="off" /></label>
              <p aria-live="polite" data-testid="change-due">
                {change !== null ? <>Change due: <strong>{formatMoney(change, currency)}</strong></> : tendered && "The cash tendered does not cover the total yet."}
              </p>
            </>
          ) : (
            <label>Terminal reference <input value={reference} onChange={(e) => setReference(e.target.value)} autoComplete="off" /></label>
          )}
          <button type="submit" disabled={busy}>Sell {choice.size === 1 ? "1 ticket" : `${choice.size} tickets`}</button>
        </form>
      )}
    </section>
  );
}
