"""How the optimiser names things to a cinema manager.

Every message that leaves the library (invalid data, broken rules, warnings, infeasibility)
names films by title, screens by name, days by their local date and times as the clock
shows them (a show at minute 1470 of a business day is "00:30" on the next date), never by
internal indices or minutes since midnight. One home for that wording keeps it the same
everywhere.
"""

from __future__ import annotations

from datetime import date, timedelta

from optimizer.model import MINUTES_PER_DAY, Instance, Movie, Screen


def film_name(movie: Movie) -> str:
    return f'"{movie.title}"' if movie.title else f"film {movie.id}"


def screen_name(screen: Screen) -> str:
    return screen.name or f"screen {screen.id}"


def clock(minute: int) -> str:
    """Wall-clock time of a local minute; 1440 reads "24:00" (a closing time)."""
    if minute == MINUTES_PER_DAY:
        return "24:00"
    minute %= MINUTES_PER_DAY
    return f"{minute // 60:02d}:{minute % 60:02d}"


def calendar_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


class Names:
    """Message wording for one instance: films, screens, dates and moments by id/index."""

    def __init__(self, instance: Instance) -> None:
        self.start_date = instance.start_date
        self.movies = {m.id: m for m in instance.movies}
        self.screens = {s.id: s for s in instance.screens}
        self._days: dict[int, str] = {}

    def film(self, movie_id: str) -> str:
        movie = self.movies.get(movie_id)
        return film_name(movie) if movie else f"unknown film {movie_id}"

    def screen(self, screen_id: str) -> str:
        screen = self.screens.get(screen_id)
        return screen_name(screen) if screen else f"unknown screen {screen_id}"

    def day(self, day: int) -> str:
        """The local date of horizon day ``day``."""
        if day not in self._days:
            self._days[day] = calendar_date(self.start_date + timedelta(days=day))
        return self._days[day]

    def moment(self, day: int, minute: int) -> str:
        """Local date and clock time of minute ``minute`` of business day ``day``."""
        extra, rest = divmod(minute, MINUTES_PER_DAY)
        return f"{self.day(day + extra)} {clock(rest)}"

    def horizon_moment(self, minute: int) -> str:
        """Local date and clock time of a horizon minute (closures)."""
        return self.moment(0, minute)

    def show(self, movie_id: str, screen_id: str, day: int, start: int) -> str:
        return f"{self.film(movie_id)} on {self.screen(screen_id)}, {self.moment(day, start)}"
