"""Property-based fuzzing of the served OpenAPI document (schemathesis), as every audience.

schemathesis reads ``/api/openapi.json`` as the app serves it and runs what ``schemathesis run``
runs (its engine: the examples, the coverage phase's boundary and invalid values of every
parameter and field, then generated cases) in-process against the WSGI app, on the test
PostgreSQL and Redis, with the demo data seeded plus a paid booking, a pricing rule, a promo
code and a closure, so the small ids it favours exist. A run fails on any of:

- a server error (5xx, or an exception escaping the app);
- an answer whose body breaks the schema its operation documents for that status;
- a status the operation does not document.

One test per audience: anonymous over every operation, and each role, with its Bearer token on
every request, over the operations whose ``x-roles`` admit it (the others answer 403 before
reading anything, which ``tests/integration/test_rbac_openapi.py`` proves). Logging out is left
out of the signed-in runs: it would revoke the token the run uses.

The budget is ``FUZZ_EXAMPLES`` generated cases per operation (default 5, a few minutes for the
five audiences on two cores, most of it the coverage phase, whose cases do not depend on the
budget); the seed is fixed and generation derandomised, so a run repeats the same cases.
``make fuzz`` runs the same with a larger budget.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
import schemathesis
from schemathesis.engine import events, from_schema

from app.models import ROLES
from tests.fuzz_support import Credentials, seed_fuzz_data

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
SEED = 14
CHECKS = ("not_a_server_error", "status_code_conformance", "response_schema_conformance")
AUDIENCES = ("anonymous", *ROLES)
METHODS = ("get", "put", "post", "delete", "patch")


@dataclass(frozen=True)
class Finding:
    audience: str
    operation: str
    problem: str
    detail: str
    reproduce: str

    def __str__(self) -> str:
        return f"{self.audience}: {self.operation}: {self.problem}\n{self.detail}\n{self.reproduce}\n"


@pytest.fixture
def credentials(app, client, factory) -> dict[str, Credentials]:
    return seed_fuzz_data(client, factory)


@pytest.mark.slow
@pytest.mark.timeout(60 * max(EXAMPLES, 10))
@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_api_keeps_its_documented_contract_under_fuzzing(app, credentials, audience, monkeypatch):
    # Background jobs are queued as in production and no worker runs them: the subject is the
    # HTTP contract, and a schedule generation would otherwise solve in-process on every call.
    monkeypatch.setitem(app.config, "RQ_ASYNC", True)
    findings = run_schemathesis(app, audience, credentials.get(audience))
    assert not findings, f"{len(findings)} finding(s):\n" + "\n".join(map(str, findings))


def run_schemathesis(app, audience: str, signed_in: Credentials | None) -> list[Finding]:
    config = {
        "seed": SEED,
        "cache": {"enabled": False},
        "generation": {
            "mode": "all", "max-examples": EXAMPLES, "deterministic": True, "database": "none",
            # Small ids exist (seeded): a third of the integers drawn are one of them.
            "dictionaries": {"integer": {"dictionary": "ids", "probability": 0.3}},
        },
        "dictionaries": {"ids": {"values": [1, 2, 3]}},
        "phases": {"stateful": {"enabled": False}},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        # The run signs in with the token given here, never by registering an account itself.
        "auth": {"auto-signup": False},
    }
    if signed_in is not None:
        # The token goes on every request, public operations included (they may answer a
        # signed-in caller differently); the refresh session only where the document asks.
        config["headers"] = {"Authorization": f"Bearer {signed_in.access_token}"}
        config["auth"]["openapi"] = {"refreshCookie": {"api_key": signed_in.refresh_cookie},
                                     "csrfToken": {"api_key": signed_in.csrf_token}}
    else:
        # Anonymous callers of a protected operation get 401 before anything is read: a couple
        # of cases each show that, and the budget goes to the public operations.
        config["operations"] = [{
            "include-name": _protected_operations(app), "generation": {"max-examples": 2},
            "phases": {"coverage": {"enabled": False}, "examples": {"enabled": False}}}]
    schema = schemathesis.openapi.from_wsgi(
        "/api/openapi.json", app, config=schemathesis.Config.from_dict(config))
    if signed_in is not None:
        schema = schema.include(lambda ctx: audience in ctx.operation.definition.raw["x-roles"]) \
                       .exclude(path="/api/auth/logout")

    findings: dict[tuple, Finding] = {}
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.failure_info is None:
                        continue
                    failure = check.failure_info.failure
                    key = (event.recorder.label, check.name, failure.title)
                    findings.setdefault(key, Finding(
                        audience, event.recorder.label, f"{check.name}: {failure.title}",
                        failure.message.strip()[:1200], check.failure_info.code_sample))
        elif isinstance(event, events.NonFatalError):
            findings.setdefault((event.label, event.info.title), Finding(
                audience, event.label, event.info.title,
                "\n".join(event.info.traceback.strip().splitlines()[-12:]), event.info.code_sample or ""))
        elif isinstance(event, events.FatalError):
            raise event.exception
    return list(findings.values())


def _protected_operations(app) -> list[str]:
    document = app.test_client().get("/api/openapi.json").get_json()
    return [f"{method.upper()} {path}" for path, item in document["paths"].items()
            for method, operation in item.items() if method in METHODS and operation["security"]]
