// A cinema's guard rails on dynamic prices: a floor and a ceiling per seat category, the largest
// change in a day, no rises close to the show, prices that only fall.
import { type FormEvent, useEffect, useState } from "react";
import { listSeatCategories, readGuardRails, saveGuardRails } from "@/lib/pricing";
import { type RailFields, type SeatCategory, railFields, railsBody } from "@/lib/pricingForms";
import { dateTimeOf } from "@/lib/dates";
import Notice from "./Notice";

export default function GuardRailsForm({ cinemaId, currency }: { cinemaId: number; currency: string }) {
  const [fields, setFields] = useState<RailFields>();
  const [categories, setCategories] = useState<SeatCategory[]>([]);
  const [updatedAt, setUpdatedAt] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    setFields(undefined);
    Promise.all([readGuardRails(cinemaId), listSeatCategories()]).then(([rails, listed]) => {
      if (!live) return;
      setCategories(listed);
      setFields(railFields(rails, listed));
      setUpdatedAt(rails.updated_at ?? null);
    }, (e: Error) => live && setError(e.message));
    return () => { live = false; };
  }, [cinemaId]);

  if (!fields) return <Notice error={error} />;
  const set = (change: Partial<RailFields>) => setFields({ ...fields, ...change });
  const nameOf = (code: string) => categories.find((c) => c.code === code)?.name ?? code;
  const bound = (category: string, side: "floor" | "ceiling", value: string) =>
    set({ bounds: { ...fields.bounds, [category]: { ...fields.bounds[category], [side]: value } } });

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!fields) return;
    setError(null);
    setMessage(null);
    const checked = railsBody(fields, currency);
    if (!checked.body) { setError(checked.problems.join(" ")); return; }
    setBusy(true);
    try {
      const saved = await saveGuardRails(cinemaId, checked.body);
      setFields(railFields(saved, categories));
      setUpdatedAt(saved.updated_at ?? null);
      setMessage("The guard rails are saved: the pricing job keeps to them from its next run.");
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-label="Guard rails" noValidate>
      <Notice error={error} message={message} />
      <p className="muted">{updatedAt ? `Last changed ${dateTimeOf(updatedAt)}.` : "This cinema has set no guard rails yet: these are the defaults."}</p>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Price floors and ceilings">
        <table>
          <caption>Full (adult) price per seat category, in {currency}; empty: no limit</caption>
          <thead><tr><th scope="col">Category</th><th scope="col">Floor</th><th scope="col">Ceiling</th></tr></thead>
          <tbody>
            {Object.entries(fields.bounds).map(([category, typed]) => (
              <tr key={category}>
                <th scope="row">{nameOf(category)}</th>
                <td><input aria-label={`Floor of ${nameOf(category)} seats`} value={typed.floor} inputMode="decimal" size={8}
                           onChange={(e) => bound(category, "floor", e.target.value)} /></td>
                <td><input aria-label={`Ceiling of ${nameOf(category)} seats`} value={typed.ceiling} inputMode="decimal" size={8}
                           onChange={(e) => bound(category, "ceiling", e.target.value)} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="form">
        <label>Largest change of a price in 24 hours (%, empty: no limit)
          <input value={fields.maxDailyChangePercent} inputMode="decimal" onChange={(e) => set({ maxDailyChangePercent: e.target.value })} />
        </label>
        <label>No price rises within this many hours of the show
          <input value={fields.noRiseHours} inputMode="numeric" onChange={(e) => set({ noRiseHours: e.target.value })} />
        </label>
        <label className="check"><input type="checkbox" checked={fields.onlyFall} onChange={(e) => set({ onlyFall: e.target.checked })} /> Once on sale, prices only fall</label>
        <div className="actions"><button type="submit" disabled={busy}>Save the guard rails</button></div>
      </div>
    </form>
  );
}
