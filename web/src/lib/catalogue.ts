// What the browsing pages share: cinemas, films by id (for posters) and showtimes of a day.
import { useEffect, useState } from "react";
import { api } from "@/api/client";
import type { Schemas } from "@/api/types";
import { sentence } from "./errors";

export type Loaded<T> = { data?: T; error?: string };

export function useApi<T>(load: () => Promise<{ data?: T; error?: unknown; response: Response }>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({});
  useEffect(() => {
    let live = true;
    load()
      .then(({ data, error, response }) => live && setState(response.ok ? { data } : { error: sentence(error) }))
      .catch((error) => live && setState({ error: sentence(error?.reason ? error : undefined) }));
    return () => { live = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return state;
}

export function useCinemas(): Loaded<Schemas["Cinema"][]> {
  const page = useApi(() => api.GET("/api/cinemas", { params: { query: { page_size: 100 } } }), []);
  return { data: page.data?.items, error: page.error };
}

export function useMovies(): Loaded<Map<number, Schemas["Movie"]>> {
  const page = useApi(() => api.GET("/api/movies", { params: { query: { page_size: 100 } } }), []);
  return { data: page.data && new Map(page.data.items.map((movie) => [movie.id as number, movie])), error: page.error };
}
