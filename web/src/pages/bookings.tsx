// My bookings, newest first, each with its seats; cancelling shows the refund.
import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { api } from "@/api/client";
import type { Schemas } from "@/api/types";
import Notice from "@/components/Notice";
import { dateTimeOf } from "@/lib/dates";
import { sentence } from "@/lib/errors";
import { formatMoney } from "@/lib/money";
import { useSession } from "@/lib/session";

export default function MyBookings() {
  const session = useSession();
  const [bookings, setBookings] = useState<Schemas["Booking"][]>();
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const load = useCallback(async () => {
    const { data, error: problem } = await api.GET("/api/bookings", { params: { query: { page_size: 50 } } });
    if (data) setBookings(data);
    else setError(sentence(problem));
  }, []);
  useEffect(() => { if (session) load(); }, [session, load]);

  async function cancel(booking: Schemas["Booking"]) {
    setError(null);
    const { data, error: problem } = await api.DELETE("/api/bookings/{booking_id}", { params: { path: { booking_id: booking.id as number } } });
    if (!data) { setError(sentence(problem)); return; }
    const refund = data.refund_due_minor ?? data.refunded_minor ?? 0;
    setMessage(`Booking ${data.reference} is cancelled. ${refund > 0 ? `${formatMoney(refund, data.currency as string)} will be refunded to your card.` : "No refund is due."}`);
    load();
  }

  if (!session) return <><h1>My bookings</h1><p><Link href="/login?next=/bookings">Log in</Link> to see your bookings.</p></>;
  return (
    <>
      <h1>My bookings</h1>
      <Notice error={error} message={message} />
      {bookings?.length === 0 && <p>You have no bookings yet. <Link href="/">See what&apos;s on</Link>.</p>}
      <ul className="booking-list">
        {bookings?.map((b) => (
          <li key={b.id} className="panel">
            <h2>{b.showtime?.movie_title} <span className={`badge badge-${b.status}`}>{b.status?.replace("_", " ")}</span></h2>
            <p>{b.showtime && dateTimeOf(b.showtime.starts_at)} · {b.showtime?.screen_name} · reference <strong>{b.reference}</strong></p>
            <p>{b.seats?.map((s) => s.label).join(", ")} · {formatMoney(b.total_minor as number, b.currency as string)}</p>
            {!!b.refunded_minor && <p>Refunded: {formatMoney(b.refunded_minor, b.currency as string)}</p>}
            {(b.status === "confirmed" || b.status === "pending_payment") && (
              <button type="button" className="secondary" onClick={() => cancel(b)}>Cancel booking {b.reference}</button>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
