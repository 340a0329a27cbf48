"""Scheduling optimisation for CinemaOS: a pure library (numpy, HiGHS, PuLP), no app imports.

Entry points: ``solve`` (the schedule maximising gross revenue, or what the cinema keeps
(``Objective``), with a proven bound), ``greedy`` (the
hand-made-style baseline), ``violations`` (checks every rule), ``attendance`` (expected
visitors of any schedule under audience sharing), ``generate_instance`` (seeded test and
benchmark data), ``instance_problems`` (why an instance cannot be scheduled, before
solving) and the demand model (``prior_profile``, ``fit_profile``, ``ProfileForecast``).
"""

from optimizer.audience import attendance
from optimizer.checks import InvalidInstance, instance_problems
from optimizer.demand import DemandProfile, ProfileForecast, fit_profile, prior_profile
from optimizer.generator import generate_instance
from optimizer.greedy import GreedyResult, greedy
from optimizer.model import (
    DistributorTerms,
    FixedShow,
    Forecast,
    Instance,
    Movie,
    Objective,
    OpeningHours,
    Rules,
    ScheduleResult,
    Screen,
    Show,
    horizon_minute,
)
from optimizer.solver import solve
from optimizer.validate import violations

__all__ = [
    "DemandProfile",
    "DistributorTerms",
    "FixedShow",
    "Forecast",
    "GreedyResult",
    "Instance",
    "InvalidInstance",
    "Movie",
    "Objective",
    "OpeningHours",
    "ProfileForecast",
    "Rules",
    "ScheduleResult",
    "Screen",
    "Show",
    "attendance",
    "fit_profile",
    "generate_instance",
    "greedy",
    "horizon_minute",
    "instance_problems",
    "prior_profile",
    "solve",
    "violations",
]
