// Dynamic prices at one cinema: one showtime's price changes with its freeze, and the guard
// rails the pricing job keeps to.
import { useState } from "react";
import type { Schemas } from "@/api/types";
import CinemaSelect, { useChosenCinema } from "@/components/CinemaSelect";
import GuardRailsForm from "@/components/GuardRailsForm";
import PriceChanges from "@/components/PriceChanges";
import ShowtimePicker from "@/components/ShowtimePicker";
import { isManager, useSession } from "@/lib/session";

export default function DynamicPricesPage() {
  const session = useSession();
  const chosen = useChosenCinema();
  const cinema = chosen.allowed?.find((c) => c.id === chosen.cinemaId);
  const [showtime, setShowtime] = useState<Schemas["Showtime"]>();

  if (!isManager(session)) return <><h1>Dynamic prices</h1><p>Log in as a manager or an administrator to manage dynamic prices.</p></>;
  return (
    <>
      <h1>Dynamic prices</h1>
      <div className="filters"><CinemaSelect {...chosen} setCinemaId={(id) => { setShowtime(undefined); chosen.setCinemaId(id); }} /></div>
      <section className="panel" aria-labelledby="price-log">
        <h2 id="price-log">Price changes of a showtime</h2>
        {cinema && <ShowtimePicker cinemaId={cinema.id as number} showtimeId={showtime?.id} onChange={(s) => setShowtime(s)} />}
        {showtime ? <PriceChanges key={showtime.id} showtimeId={showtime.id as number} /> : <p>Choose a show above to see how its price moved.</p>}
      </section>
      <section className="panel" aria-labelledby="guard-rails">
        <h2 id="guard-rails">Guard rails{cinema ? ` at ${cinema.name}` : ""}</h2>
        {cinema && <GuardRailsForm key={cinema.id} cinemaId={cinema.id as number} currency={cinema.currency ?? "EUR"} />}
      </section>
    </>
  );
}
