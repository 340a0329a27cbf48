// A showtime's dynamic price: its multiplier, every change with why, and the freeze that stops
// the pricing job moving it (optionally at a chosen multiplier).
import { type FormEvent, useEffect, useState } from "react";
import type { Schemas } from "@/api/types";
import { dateTimeOf } from "@/lib/dates";
import { priceHistory, setFreeze } from "@/lib/pricing";
import { parseMultiplier } from "@/lib/pricingForms";
import Notice from "./Notice";

export default function PriceChanges({ showtimeId }: { showtimeId: number }) {
  const [history, setHistory] = useState<Schemas["PriceHistory"]>();
  const [multiplier, setMultiplier] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    setHistory(undefined);
    priceHistory(showtimeId).then((h) => live && setHistory(h), (e: Error) => live && setError(e.message));
    return () => { live = false; };
  }, [showtimeId]);

  async function freeze(frozen: boolean, event?: FormEvent) {
    event?.preventDefault();
    setError(null);
    setMessage(null);
    const at = frozen && multiplier.trim() ? parseMultiplier(multiplier, 3) : null;
    if (frozen && multiplier.trim() && !at) { setError("The multiplier must be a number above 0 and at most 10, such as 1.1."); return; }
    setBusy(true);
    try {
      const changed = await setFreeze(showtimeId, frozen, at);
      setHistory(changed);
      setMessage(frozen ? `The price is frozen at ×${changed.dynamic_multiplier}.` : "The price is released: the pricing job may move it again.");
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  if (!history) return <Notice error={error} />;
  const changes = [...(history.changes ?? [])].reverse();
  return (
    <>
      <Notice error={error} message={message} />
      <p data-testid="price-state">
        Multiplier now ×{history.dynamic_multiplier}: {history.price_frozen ? "frozen, the pricing job leaves it." : "the pricing job may move it."}
      </p>
      {history.price_frozen ? (
        <button type="button" onClick={() => freeze(false)} disabled={busy}>Release the price</button>
      ) : (
        <form className="filters" onSubmit={(e) => freeze(true, e)} aria-label="Freeze the price">
          <label>Freeze at multiplier (empty: as it is) <input value={multiplier} onChange={(e) => setMultiplier(e.target.value)} inputMode="decimal" placeholder={history.dynamic_multiplier} /></label>
          <button type="submit" disabled={busy}>Freeze the price</button>
        </form>
      )}
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Price changes">
        <table data-testid="price-changes" className="stacked-table">
          <caption>Price changes, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Change</th><th scope="col">By</th><th scope="col">Why</th></tr></thead>
          <tbody>
            {changes.length === 0 && <tr><td colSpan={4}>No change yet: the price is where it started.</td></tr>}
            {changes.map((c) => (
              <tr key={c.id}>
                <td data-label="When">{dateTimeOf(c.created_at as string)}</td>
                <td data-label="Change">×{c.old_multiplier} → ×{c.new_multiplier}</td>
                <td data-label="By">{c.reason === "manual" ? "a manager" : "the pricing job"}{c.driver ? ` (${c.driver})` : ""}</td>
                <td data-label="Why">{c.why ?? (c.flags ? c.flags.split("|").join(", ") : "—")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
