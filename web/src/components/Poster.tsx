// A film's poster, or a plain tile with its title when it has none.
import type { Schemas } from "@/api/types";

export default function Poster({ movie, title }: { movie?: Schemas["Movie"]; title: string }) {
  if (movie?.poster_url) {
    // eslint-disable-next-line @next/next/no-img-element
    return <img className="poster" src={movie.poster_url} alt={`Poster of ${title}`} width={120} height={180} />;
  }
  return <div className="poster poster-blank" aria-hidden="true">{title}</div>;
}
