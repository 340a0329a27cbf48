// A staff page's choice of cinema: one of those the signed-in person works at, the first until
// they choose another.
import { useEffect, useState } from "react";
import type { Schemas } from "@/api/types";
import { useStaffCinemas } from "./ShowtimePicker";

export type ChosenCinema = {
  allowed: Schemas["Cinema"][] | undefined;
  cinemaId: number | undefined;
  setCinemaId: (id: number) => void;
};

export function useChosenCinema(): ChosenCinema {
  const allowed = useStaffCinemas();
  const [cinemaId, setCinemaId] = useState<number>();
  useEffect(() => { if (!cinemaId && allowed?.length) setCinemaId(allowed[0].id as number); }, [allowed, cinemaId]);
  return { allowed, cinemaId, setCinemaId };
}

export default function CinemaSelect({ allowed, cinemaId, setCinemaId }: ChosenCinema) {
  return (
    <label>Cinema{" "}
      <select value={cinemaId ?? ""} onChange={(e) => setCinemaId(Number(e.target.value))}>
        {allowed?.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
      </select>
    </label>
  );
}
