"""Managers in charge: kept shows stay even when they break a rule meant for new shows,
with a warning naming them; every message names film, screen, local date and clock time."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from optimizer import (
    DistributorTerms,
    FixedShow,
    Instance,
    Rules,
    Show,
    generate_instance,
    solve,
    violations,
)

LIMIT = 2.0


def _named(instance: Instance) -> Instance:
    titles = ("Heat", "Frozen", "Ran", "Alien", "Up")
    return replace(
        instance,
        movies=tuple(replace(m, title=t) for m, t in zip(instance.movies, titles, strict=False)),
        screens=tuple(replace(s, name=f"Hall {i + 1}") for i, s in enumerate(instance.screens)))


def _kept(result) -> set[tuple[str, str, int, int]]:
    return {(s.movie_id, s.screen_id, s.day, s.start) for s in result.shows if s.fixed}


def test_a_kept_family_show_after_the_cut_off_stays_with_a_warning() -> None:
    """The demo's failure: its own evening family shows made every generation infeasible."""
    base = _named(generate_instance(2, 1, 3, seed=1, rules=Rules(family_last_start=12 * 60)))
    family = replace(base.movies[1], rating="PG")
    late = FixedShow(family.id, base.screens[1].id, 0, 20 * 60 + 30)
    instance = replace(base, movies=(base.movies[0], family, base.movies[2]), fixed=(late,))
    result = solve(instance, time_limit=LIMIT)
    assert result.status in ("optimal", "feasible"), result.message
    assert _kept(result) == {(late.movie_id, late.screen_id, 0, late.start)}
    assert violations(instance, result.shows) == []
    assert result.warnings == (
        '"Frozen" on Hall 2, Fri 7 Mar 2025 20:30: a family film (PG) must start by 12:00 '
        '(a kept show, left as scheduled)',)
    assert all(s.start <= 12 * 60 for s in result.shows if s.movie_id == family.id and not s.fixed)


def test_kept_shows_outside_the_hours_and_off_the_grid_stay() -> None:
    base = _named(generate_instance(2, 1, 3, seed=2))
    early = FixedShow(base.movies[0].id, base.screens[0].id, 0, 8 * 60 + 7)
    result = solve(replace(base, fixed=(early,)), time_limit=LIMIT)
    assert result.status in ("optimal", "feasible"), result.message
    assert _kept(result) == {(early.movie_id, early.screen_id, 0, early.start)}
    assert result.warnings == (
        '"Heat" on Hall 1, Fri 7 Mar 2025 08:07: starts outside the opening hours '
        '(10:00-24:00) (a kept show, left as scheduled)',
        '"Heat" on Hall 1, Fri 7 Mar 2025 08:07: not on the 5-minute start grid '
        '(a kept show, left as scheduled)')


def test_kept_shows_above_a_distributor_maximum_stay_and_no_new_one_is_added() -> None:
    base = _named(generate_instance(2, 1, 3, seed=3))
    capped = replace(base.movies[0], terms=DistributorTerms(max_per_day=1))
    kept = (FixedShow(capped.id, base.screens[0].id, 0, 14 * 60),
            FixedShow(capped.id, base.screens[1].id, 0, 19 * 60))
    instance = replace(base, movies=(capped, *base.movies[1:]), fixed=kept)
    result = solve(instance, time_limit=LIMIT)
    assert result.status in ("optimal", "feasible"), result.message
    assert Counter(s.movie_id for s in result.shows)[capped.id] == 2
    assert violations(instance, result.shows) == []
    assert result.warnings == (
        '"Heat": 2 shows on Fri 7 Mar 2025, the distributor allows at most 1 (kept shows '
        'alone: left as scheduled, no new show adds to it)',)


def test_a_film_no_longer_on_offer_keeps_its_kept_shows_and_gets_no_new_one() -> None:
    base = _named(generate_instance(2, 1, 3, seed=3))
    archived = replace(base.movies[0], kept_only=True)
    kept = FixedShow(archived.id, base.screens[0].id, 0, 14 * 60)
    instance = replace(base, movies=(archived, *base.movies[1:]), fixed=(kept,))
    result = solve(instance, time_limit=LIMIT)
    assert result.status in ("optimal", "feasible"), result.message
    assert [s for s in result.shows if s.movie_id == archived.id] == [
        s for s in result.shows if s.fixed]
    assert result.warnings == ()
    assert violations(instance, result.shows) == []
    extra = Show(archived.id, base.screens[1].id, 0, 11 * 60, "2D")
    assert any("no longer on offer" in v for v in violations(instance, [*result.shows, extra]))


def test_kept_shows_that_start_together_stay_and_new_ones_keep_their_distance() -> None:
    base = _named(generate_instance(3, 1, 3, seed=4, rules=Rules(stagger_max_starts=1)))
    kept = tuple(FixedShow(m.id, s.id, 0, 18 * 60)
                 for m, s in zip(base.movies, base.screens, strict=True))
    instance = replace(base, fixed=kept)
    result = solve(instance, time_limit=LIMIT)
    assert result.status in ("optimal", "feasible"), result.message
    assert violations(instance, result.shows) == []
    assert len(_kept(result)) == 3
    assert result.warnings == (
        "3 shows start between Fri 7 Mar 2025 18:00 and 18:09: at most 1 may start within "
        "10 minutes (kept shows alone: left as scheduled, no new show adds to it)",)
    assert not [s for s in result.shows if not s.fixed and 17 * 60 + 51 <= s.start < 18 * 60 + 10]


def test_two_kept_shows_on_one_screen_at_once_are_named() -> None:
    base = _named(generate_instance(2, 1, 3, seed=1))
    clash = (FixedShow(base.movies[0].id, base.screens[0].id, 0, 15 * 60),
             FixedShow(base.movies[2].id, base.screens[0].id, 0, 16 * 60))
    result = solve(replace(base, fixed=clash), time_limit=LIMIT)
    heat = base.movies[0]
    busy = 15 * 60 + heat.feature_minutes + base.screens[0].cleaning_minutes
    assert result.status == "infeasible"
    assert result.message == (
        'kept shows cannot all run: Hall 1: "Ran" at Fri 7 Mar 2025 16:00 overlaps "Heat" at '
        f'Fri 7 Mar 2025 15:00, which with cleaning occupies the screen until '
        f'{busy // 60:02d}:{busy % 60:02d}')


def test_broken_rules_read_as_a_manager_would_say_them() -> None:
    base = _named(generate_instance(2, 2, 3, seed=1))
    heat, hall = replace(base.movies[0], rating="R", runtime=60), base.screens[0]
    base = replace(base, movies=(heat, *base.movies[1:]))
    after_midnight = Show(heat.id, hall.id, 1, 24 * 60 + 32, "2D")
    assert violations(base, [after_midnight], complete=False) == [
        '"Heat" on Hall 1, Sun 9 Mar 2025 00:32: not on the 5-minute start grid']
    too_many = replace(base, movies=(replace(heat, terms=DistributorTerms(max_per_day=1)),
                                     *base.movies[1:]))
    two = [Show(heat.id, hall.id, 0, 12 * 60, "2D"), Show(heat.id, hall.id, 0, 18 * 60, "2D")]
    assert violations(too_many, two) == [
        '"Heat": 2 shows on Fri 7 Mar 2025, the distributor allows at most 1']
