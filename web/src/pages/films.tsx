// The films now showing, with their posters.
import Link from "next/link";
import { api } from "@/api/client";
import Notice from "@/components/Notice";
import Poster from "@/components/Poster";
import { useApi } from "@/lib/catalogue";

export default function Films() {
  const movies = useApi(() => api.GET("/api/movies", { params: { query: { showing: "now_showing", page_size: 100 } } }), []);
  return (
    <>
      <h1>Films</h1>
      <Notice error={movies.error} />
      <ul className="poster-grid">
        {movies.data?.items.map((movie) => (
          <li key={movie.id}>
            <Link href={`/film?id=${movie.id}`}>
              <Poster movie={movie} title={movie.title} />
              <span>{movie.title}</span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
