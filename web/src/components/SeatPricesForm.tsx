// A cinema's seat prices: the base price of each seat category for the whole cinema, and a
// screen's own price where it differs (a premium screen's recliners). An empty screen cell sells
// at the cinema's price; an empty cinema cell leaves the category unsold where no screen prices it.
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { listScreens, listSeatCategories, listSeatPrices, saveSeatPrice } from "@/lib/pricing";
import { type Screen, type SeatCategory, type SeatPriceFields, seatPriceChanges, seatPriceFields, seatPriceKey } from "@/lib/pricingForms";
import Notice from "./Notice";

type Loaded = { categories: SeatCategory[]; screens: Screen[]; initial: SeatPriceFields };

export default function SeatPricesForm({ cinemaId, currency }: { cinemaId: number; currency: string }) {
  const [loaded, setLoaded] = useState<Loaded>();
  const [fields, setFields] = useState<SeatPriceFields>({});
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const [prices, categories, screens] = await Promise.all([listSeatPrices(cinemaId), listSeatCategories(), listScreens(cinemaId)]);
    const initial = seatPriceFields(prices, categories, screens);
    setLoaded({ categories, screens, initial });
    setFields(initial);
  }, [cinemaId]);

  useEffect(() => {
    setLoaded(undefined);
    load().catch((e: Error) => setError(e.message));
  }, [load]);

  if (!loaded) return <Notice error={error} />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!loaded) return;
    setError(null);
    setMessage(null);
    const checked = seatPriceChanges(fields, loaded.initial, currency);
    if (!checked.body) { setError(checked.problems.join(" ")); return; }
    setBusy(true);
    try {
      // One call per changed cell; PUT and DELETE are idempotent, so after a refusal saving again
      // resends the ones already made harmlessly.
      for (const change of checked.body) await saveSeatPrice(cinemaId, change);
      await load();
      setMessage(checked.body.length ? "The seat prices are saved: the next hold and the seat maps use them." : "Nothing to save.");
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const cell = (category: SeatCategory, screen: Screen | null) => {
    const key = seatPriceKey(category.code, screen ? (screen.id as number) : null);
    const label = screen ? `Price of ${category.name} seats at ${screen.name}` : `Price of ${category.name} seats`;
    return (
      <td key={key}>
        <input aria-label={label} value={fields[key] ?? ""} inputMode="decimal" size={8}
               placeholder={screen ? "cinema's" : "not sold"} onChange={(e) => setFields({ ...fields, [key]: e.target.value })} />
      </td>
    );
  };

  return (
    <form onSubmit={submit} aria-label="Seat prices" noValidate>
      <Notice error={error} message={message} />
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Seat prices by category and screen">
        <table>
          <caption>Full (adult) price per seat category, in {currency}, before rules and dynamic pricing</caption>
          <thead>
            <tr>
              <th scope="col">Category</th><th scope="col">Whole cinema</th>
              {loaded.screens.map((s) => <th scope="col" key={s.id}>{s.name}</th>)}
            </tr>
          </thead>
          <tbody>
            {loaded.categories.map((c) => (
              <tr key={c.code}>
                <th scope="row">{c.name}</th>
                {cell(c, null)}
                {loaded.screens.map((s) => cell(c, s))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="actions"><button type="submit" disabled={busy}>Save the seat prices</button></div>
    </form>
  );
}
