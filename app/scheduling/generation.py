"""Optimised schedule generation: queue a run, follow it, and the job that does it.

``request_generation`` checks that the cinema can be scheduled at all (films, screens, data
the optimiser can use: a 422 naming what is wrong), records an ``OptimisationRun`` and queues
``run_generation`` on the ``schedule`` queue (in the embedded default it runs in-process
before the 202 answer). The job loads the cinema, solves with ``optimizer.solve`` and writes
the new showtimes in one transaction; a failed or killed run leaves the previous schedule as
it was and is reported as failed, with the optimiser's message in the manager's words
(film, screen, local date and time, rule). ``refresh_run`` notices a job whose worker died:
RQ says so, or its heartbeat (``app.scheduling.heartbeat``) fell silent.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from flask import current_app
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.common.access import Principal, ensure_cinema_access
from app.common.clock import now
from app.common.errors import ConflictError, NotFoundError, ValidationError
from app.common.lookups import get_at_own_cinema
from app.common.tasks import launch_task
from app.common.unit_of_work import after_commit, unit_of_work, use_case
from app.extensions import db
from app.models import Cinema, Movie, OptimisationRun
from app.scheduling.heartbeat import beating, death_notice, silent_too_long
from app.scheduling.instance import GenerationFailed, Horizon, build_instance, proposal, write_schedule
from app.scheduling.queries import invalidate_schedule
from optimizer.checks import instance_problems
from optimizer.model import Objective, Rules, ScheduleResult
from optimizer.solver import solve

ACTIVE = ("queued", "running")
_DEAD_JOB = (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED)
# The API's names of what a run maximises, and the optimiser's.
OBJECTIVES = {"revenue": Objective.GROSS, "kept": Objective.KEPT}


def request_generation(principal: Principal, *, cinema_id: int, start_date: date, days: int,
                       movie_ids: list[int] | None, options: dict[str, Any],
                       dry_run: bool) -> OptimisationRun:
    run_id = _record_run(principal, cinema_id=cinema_id, start_date=start_date, days=days,
                         movie_ids=movie_ids, options=options, dry_run=dry_run)
    # Queued once the run is committed, outside any transaction: a worker (or, embedded, this
    # process) must find the run, and runs the job in units of work of its own.
    job = launch_task("schedule", "app.scheduling.generation.run_generation", run_id,
                      job_id=f"schedule-{run_id}")
    with unit_of_work():  # its own transaction: the job's id exists only once it is queued
        run = db.session.get(OptimisationRun, run_id)
        if run.rq_job_id is None:
            run.rq_job_id = job.id
    return run


@use_case
def _record_run(principal: Principal, *, cinema_id: int, start_date: date, days: int,
                movie_ids: list[int] | None, options: dict[str, Any], dry_run: bool) -> str:
    """Check the request and record the queued run (a 409 while another covers its dates)."""
    cinema = db.session.get(Cinema, cinema_id)
    if cinema is None:
        raise NotFoundError(f"Cinema {cinema_id} not found")
    ensure_cinema_access(principal, cinema_id)
    if movie_ids:
        known = set(db.session.scalars(select(Movie.id).where(Movie.id.in_(movie_ids))))
        if set(movie_ids) - known:
            unknown = sorted(set(movie_ids) - known)
            raise ValidationError(f"Movies {unknown} do not exist", reason="unknown_movies",
                                  details={"movie_ids": [f"unknown ids {unknown}"]})
    _ensure_schedulable(Horizon(cinema, start_date, days), movie_ids, options)
    # The cinema row lock makes "is a run active?" and "record mine" one step for concurrent requests.
    db.session.execute(select(Cinema.id).where(Cinema.id == cinema_id).with_for_update())
    end = start_date + timedelta(days=days)
    for other in db.session.scalars(select(OptimisationRun).where(
            OptimisationRun.cinema_id == cinema_id, OptimisationRun.status.in_(ACTIVE))):
        other_end = other.start_date + timedelta(days=other.days)
        if other.start_date < end and start_date < other_end and refresh_run(other) in ACTIVE:
            raise ConflictError(f"Schedule generation {other.id} is already running for overlapping dates",
                                reason="generation_running", details={"job_id": other.id})
    run = OptimisationRun(id=str(uuid.uuid4()), cinema_id=cinema_id, start_date=start_date, days=days,
                          dry_run=dry_run, options={**options, "movie_ids": movie_ids or []},
                          status="queued", created_by_id=principal.id)
    db.session.add(run)
    return run.id


def _ensure_schedulable(horizon: Horizon, movie_ids: list[int] | None, options: dict[str, Any]) -> None:
    """A 422 listing everything that makes the cinema unschedulable as it stands (no films,
    no screens, unusable data), before anything is queued."""
    problems = instance_problems(build_instance(horizon, movie_ids, _rules(options)))
    if problems:
        raise ValidationError("This schedule cannot be generated: " + "; ".join(problems),
                              reason="unschedulable", details={"problems": problems})


def get_run(principal: Principal, run_id: str) -> OptimisationRun:
    run = get_at_own_cinema(principal, OptimisationRun, run_id, f"Schedule job {run_id}")
    refresh_run(run)  # reported, not written: a read never commits
    return run


def refresh_run(run: OptimisationRun) -> str:
    """Mark a run failed when its job died without saying so: its heartbeat fell silent, or
    RQ reports the job dead (e.g. the work horse was killed).

    The mark is kept only by the caller's unit of work (the next request for the cinema's
    dates); a read just reports it, and reports it again until then."""
    if silent_too_long(run):
        run.status, run.finished_at, run.error = "failed", now(), death_notice()
        return run.status
    if run.status not in ACTIVE or not current_app.config["RQ_ASYNC"] or run.rq_job_id is None:
        return run.status
    try:
        job = Job.fetch(run.rq_job_id, connection=current_app.extensions["rq_connection"])
        status = job.get_status(refresh=True)
    except NoSuchJobError:
        status = JobStatus.FAILED
    if status in _DEAD_JOB:
        run.status, run.finished_at = "failed", now()
        run.error = run.error or f"the worker stopped before finishing (job {status.value})"
    return run.status


def run_generation(run_id: str) -> dict[str, Any]:
    """The RQ job body: solve and write, or fail leaving the old schedule intact.

    The job is several transactions on purpose: "running" (with its first beat) and the
    progress must be seen, by readers and by the dead-worker check, while the solve runs for
    minutes holding no transaction; the new schedule is then written in one more."""
    with unit_of_work():  # its own transaction: "running" must be visible during the solve
        run = db.session.get(OptimisationRun, run_id)
        if run is None or run.status not in ACTIVE:
            return {"skipped": True}  # idempotent: a finished run is never redone
        run.rq_job_id = run.rq_job_id or f"schedule-{run.id}"
        run.status, run.started_at, run.progress = "running", now(), 10
        run.heartbeat_at = run.started_at
    try:
        with beating(run_id):
            return _solve_and_write(run_id)
    except GenerationFailed as exc:
        _fail(run_id, str(exc), exc.warnings)
        return {"failed": str(exc)}
    except Exception:
        # Logged with its traceback by the worker; the manager gets words, not a class name.
        _fail(run_id, "the schedule could not be computed because of an internal error; "
                      "it has been logged", [])
        raise


@use_case
def _fail(run_id: str, error: str, warnings: list[str]) -> None:
    """Record the failure in a transaction of its own (the failed step's was rolled back)."""
    run = db.session.get(OptimisationRun, run_id)
    if run.status == "running":  # not already failed for a dead worker meanwhile
        run.status, run.finished_at, run.error = "failed", now(), error
        run.warnings = warnings


def _solve_and_write(run_id: str) -> dict[str, Any]:
    with unit_of_work():  # its own transaction: the progress shows while the solver works
        run = db.session.get(OptimisationRun, run_id)
        cinema = db.session.get(Cinema, run.cinema_id)
        horizon = Horizon(cinema, run.start_date, run.days)
        options = dict(run.options)
        instance = build_instance(horizon, options.pop("movie_ids", None), _rules(options))
        run.progress = 30
    objective = options.get("objective", "revenue")
    result = solve(instance, solver=options.get("solver", "highs"),
                   time_limit=float(options.get("time_limit_seconds", 60)),
                   rel_gap=float(options.get("relative_gap", 0.005)),
                   workers=current_app.config["SCHEDULE_SOLVER_WORKERS"],
                   objective=OBJECTIVES[objective])
    if result.status not in ("optimal", "feasible"):
        raise GenerationFailed(_FAILURES.get(result.status, "No schedule") + ": " + result.message,
                               list(result.warnings))
    with unit_of_work():  # the new showtimes, their audit entry and the run's outcome together
        return _write_outcome(run_id, horizon, result, objective)


def _write_outcome(run_id: str, horizon: Horizon, result: ScheduleResult, objective: str) -> dict[str, Any]:
    run = db.session.get(OptimisationRun, run_id)
    db.session.refresh(run, with_for_update=True)
    if run.status != "running":  # failed meanwhile for a silent heartbeat: a retry may be running
        return {"skipped": True}
    cinema = horizon.cinema
    summary = {
        "solver_status": result.status, "objective": objective,
        "expected_revenue_minor": result.revenue_minor, "expected_kept_minor": result.kept_minor,
        "expected_visitors": round(result.visitors, 1), "greedy_revenue_minor": result.greedy_revenue_minor,
        "greedy_kept_minor": result.greedy_kept_minor,
        "bound": result.bound, "gap": result.gap, "solve_seconds": round(result.seconds, 2),
        "currency": cinema.currency,
    }
    shows = proposal(horizon, result)
    if run.dry_run:
        summary |= {"shows_created": 0, "proposal": shows}
    else:
        try:
            created = write_schedule(horizon, result, run.id)
            db.session.flush()
        except IntegrityError as exc:
            raise GenerationFailed("The new schedule collides with a showtime written meanwhile; "
                                   "request it again", list(result.warnings)) from exc
        summary |= {"shows_created": len(created), "proposal": shows}
        audit.record(None, "schedule.generated", cinema.id, ("schedule_run", run.id), None, {
            "shows_created": len(created), "start_date": run.start_date, "days": run.days,
            "requested_by": run.created_by_id})
    run.status, run.progress, run.finished_at, run.result = "succeeded", 100, now(), summary
    run.warnings = list(result.warnings)
    if not run.dry_run:
        days = [horizon.local_midnight(d) for d in range(run.days + 1)]
        after_commit(lambda: invalidate_schedule(cinema, *days))
    return {key: value for key, value in summary.items() if key != "proposal"}


_FAILURES = {
    "infeasible": "No schedule can satisfy every rule",
    "invalid": "The data cannot be scheduled as it stands",
    "error": "No schedule was found in the time allowed",
}


def _rules(options: dict[str, Any]) -> Rules:
    fields = {}
    for name in ("grid_minutes", "stagger_max_starts", "stagger_window_minutes"):
        if name in options:
            fields[name] = int(options[name])
    if "family_last_start" in options:
        hours, minutes = str(options["family_last_start"]).split(":")
        fields["family_last_start"] = int(hours) * 60 + int(minutes)
    return Rules(**fields)
