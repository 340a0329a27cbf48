// A showtime: its seat map (kept live while open: lib/liveSeatMap), choose seats and ticket
// types, the quote, hold with the API's countdown, pay, and the booking with its invoice.
import dynamic from "next/dynamic";
import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { api } from "@/api/client";
import type { Schemas } from "@/api/types";
import Countdown from "@/components/Countdown";
import Notice from "@/components/Notice";
import SeatMap from "@/components/SeatMap";
import { type Authenticate, type CheckoutSettings, type Choice, type HeldSeats, type Paid, Refusal, SANDBOX_CARDS, type TicketType, type TicketTypeOption, bookAndPay, checkoutSettings, hold, invoiceLink, quote, release, ticketTypes } from "@/lib/checkout";
import { dateTimeOf } from "@/lib/dates";
import { sentence } from "@/lib/errors";
import { refetchWhenHoldsEnd, watchSeatMap } from "@/lib/liveSeatMap";
import { formatMoney } from "@/lib/money";
import { useSession } from "@/lib/session";
import { useQueryParam } from "@/lib/useQueryParam";

// Its own chunk, fetched (with Stripe.js) only when Stripe takes the payments.
const StripeCard = dynamic(() => import("@/components/StripeCard"), { ssr: false });

const REFRESH_REASONS = new Set(["seats_taken", "seats_sold", "seats_blocked", "hold_expired"]);

type Seat = Schemas["ShowtimeSeat"];

export default function ShowtimePage() {
  const id = Number(useQueryParam("id"));
  const session = useSession();
  const [showtime, setShowtime] = useState<Schemas["Showtime"]>();
  const [seatMap, setSeatMap] = useState<Schemas["ShowtimeSeatMap"]>();
  const [choice, setChoice] = useState<Choice>(new Map());
  const [promo, setPromo] = useState("");
  const [priced, setPriced] = useState<Schemas["Quote"]>();
  const [held, setHeld] = useState<HeldSeats>();
  const [card, setCard] = useState<string>(SANDBOX_CARDS[0].id);
  const [gateway, setGateway] = useState<CheckoutSettings>();
  const [booking, setBooking] = useState<Schemas["Booking"]>();
  const [paid, setPaid] = useState<Paid>();
  const [invoice, setInvoice] = useState<string>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [types, setTypes] = useState<TicketTypeOption[]>([]);

  const loadMap = useCallback(async () => {
    if (!id) return;
    const { data, error: problem } = await api.GET("/api/showtimes/{showtime_id}/seats", { params: { path: { showtime_id: id } } });
    if (data) setSeatMap(data);
    else setError(sentence(problem));
  }, [id]);

  useEffect(() => {
    if (!id) return;
    api.GET("/api/showtimes/{showtime_id}", { params: { path: { showtime_id: id } } })
      .then(({ data, error: problem }) => (data ? setShowtime(data) : setError(sentence(problem))));
    loadMap();
    return watchSeatMap(id, loadMap);
  }, [id, loadMap]);
  useEffect(() => refetchWhenHoldsEnd(seatMap?.holds_end_at, loadMap), [seatMap, loadMap]);

  useEffect(() => {
    if (!showtime) return;
    ticketTypes(showtime.cinema_id, "online").then(setTypes, (e: Refusal) => setError(e.message));
  }, [showtime]);

  useEffect(() => {
    if (choice.size === 0 || held) { setPriced(undefined); return; }
    let live = true;
    quote(id, choice, promo).then((q) => live && setPriced(q), (e: Refusal) => live && setError(e.message));
    return () => { live = false; };
  }, [id, choice, promo, held]);

  function toggle(seat: Seat) {
    if (held) return;
    setError(null);
    const next = new Map(choice);
    if (next.has(seat.id)) next.delete(seat.id);
    else next.set(seat.id, types[0]?.code ?? "adult");
    setChoice(next);
  }

  useEffect(() => {
    if (!held || gateway) return;
    checkoutSettings().then(setGateway, (e: Refusal) => setError(e.message));
  }, [held, gateway]);

  async function onHold() {
    setBusy(true);
    setError(null);
    try {
      setHeld(await hold(id, choice, promo));
    } catch (e) {
      const refusal = e as Refusal;
      setError(refusal.message);
      if (refusal.reason && REFRESH_REASONS.has(refusal.reason)) {
        setChoice(new Map());
        await loadMap();
      }
    } finally {
      setBusy(false);
    }
  }

  async function onRelease() {
    if (held) await release(held.hold.hold_id as string);
    setHeld(undefined);
    setChoice(new Map());
    loadMap();
  }

  const onExpire = useCallback(() => {
    setHeld(undefined);
    setChoice(new Map());
    setError("Your seats were held for too long and have been released. Please choose them again.");
    loadMap();
  }, [loadMap]);

  async function onPay(paymentMethod: string, authenticate?: Authenticate) {
    if (!held) return;
    setBusy(true);
    setError(null);
    try {
      const result = await bookAndPay(held.hold.hold_id as string, paymentMethod, booking, authenticate);
      setPaid(result);
      setHeld(undefined);
      setInvoice(await invoiceLink(result.payment.id as number));
      loadMap();
    } catch (e) {
      const refusal = e as Refusal & { booking?: Schemas["Booking"] };
      if (refusal.booking) setBooking(refusal.booking);
      setError(refusal.message);
    } finally {
      setBusy(false);
    }
  }

  const currency = seatMap?.currency ?? "EUR";
  const seatsById = new Map(seatMap?.seats.map((s) => [s.id, s]));

  if (paid) {
    return (
      <>
        <h1>Booking confirmed</h1>
        <p className="confirmation" role="status">
          Your booking reference is <strong data-testid="booking-reference">{paid.booking.reference}</strong>.
          You paid {formatMoney(paid.payment.amount_minor as number, paid.payment.currency as string)}.
        </p>
        <ul>{paid.booking.seats?.map((s) => <li key={s.seat_id}>{s.label} ({s.category}, {s.ticket_type})</li>)}</ul>
        {invoice && <p><a href={invoice} download className="button">Download the invoice (PDF)</a></p>}
        <p><Link href="/bookings">See all my bookings</Link></p>
      </>
    );
  }

  return (
    <>
      <h1>{showtime?.movie_title ?? "Choose your seats"}</h1>
      {showtime && <p className="muted">{dateTimeOf(showtime.starts_at as string)} · {showtime.screen_name} · {showtime.format}</p>}
      <Notice error={error} />
      {seatMap && <SeatMap seats={seatMap.seats} currency={currency} selected={new Set(choice.keys())} onToggle={toggle} />}
      {seatMap && <p className="muted" aria-live="polite">{seatMap.counts.available} seats free</p>}

      <section aria-labelledby="your-seats" className="panel">
        <h2 id="your-seats">Your seats</h2>
        {choice.size === 0 && <p>Choose seats on the map.</p>}
        <ul className="choice-list">
          {[...choice.entries()].map(([seatId, type]) => (
            <li key={seatId}>
              <span>{seatsById.get(seatId)?.label}</span>{" "}
              <label>
                Ticket{" "}
                <select value={type} disabled={!!held} onChange={(e) => setChoice(new Map(choice).set(seatId, e.target.value as TicketType))}>
                  {types.map((t) => <option key={t.code} value={t.code}>{t.name}</option>)}
                </select>
              </label>
            </li>
          ))}
        </ul>
        {choice.size > 0 && !held && (
          <label className="promo">Promo code <input value={promo} onChange={(e) => setPromo(e.target.value.trim())} autoComplete="off" /></label>
        )}
        {priced && (
          <>
            {!!priced.fees?.length && (
              <ul className="fees" data-testid="quote-fees">
                {priced.fees.map((f) => (
                  <li key={f.fee_id}>{f.name}{(f.quantity ?? 1) > 1 ? ` × ${f.quantity}` : ""}: {formatMoney(f.amount_minor as number, priced.currency as string)}</li>
                ))}
              </ul>
            )}
            <p data-testid="quote-total">
              Total {formatMoney(priced.total_minor as number, priced.currency as string)}
              {!!priced.discount_minor && <> (you save {formatMoney(priced.discount_minor, priced.currency as string)})</>}
              {!!priced.fees_minor && <>, booking fees included</>}
            </p>
          </>
        )}
        {!held && choice.size > 0 && (session
          ? <button type="button" onClick={onHold} disabled={busy}>Hold {choice.size === 1 ? "this seat" : `these ${choice.size} seats`}</button>
          : <p><Link href={`/login?next=${encodeURIComponent(`/showtime?id=${id}`)}`}>Log in</Link> or <Link href="/register">register</Link> to hold seats.</p>)}
      </section>

      {held && (
        <section aria-labelledby="pay" className="panel">
          <h2 id="pay">Pay</h2>
          <Countdown expiresAt={held.hold.expires_at as string} skewMs={held.skewMs} onExpire={onExpire} />
          <p>Total to pay: <strong>{formatMoney(held.hold.total_minor as number, held.hold.currency as string)}</strong></p>
          {gateway?.gateway === "stripe" && (gateway.publishable_key ? (
            <StripeCard publishableKey={gateway.publishable_key} amountMinor={held.hold.total_minor as number}
                        currency={held.hold.currency as string} busy={busy} onPay={onPay} onError={setError} />
          ) : <p>Card payments are not available at the moment. Please pay at the box office, or try again later.</p>)}
          {gateway?.gateway === "sandbox" && (
            <>
              <label>
                Card{" "}
                <select value={card} onChange={(e) => setCard(e.target.value)}>
                  {SANDBOX_CARDS.map((c) => <option key={c.id} value={c.id}>{c.label}</option>)}
                </select>
              </label>
              <div className="actions"><button type="button" onClick={() => onPay(card)} disabled={busy}>Pay now</button></div>
            </>
          )}
          <div className="actions">
            <button type="button" className="secondary" onClick={onRelease} disabled={busy}>Release the seats</button>
          </div>
        </section>
      )}
    </>
  );
}
