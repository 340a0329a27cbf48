"""The master LP kept in HiGHS: a solve that ends with status "unknown" is run again."""

from __future__ import annotations

import highspy
import pytest

from optimizer.highs_model import PersistentModel


class _UnknownOnce:
    """Wraps a ``highspy.Highs`` and reports status "unknown" after its first run, as the
    warm-started simplex sometimes does after new columns."""

    def __init__(self, h: highspy.Highs) -> None:
        self._h, self.runs = h, 0

    def run(self) -> highspy.HighsStatus:
        self.runs += 1
        return self._h.run()

    def getModelStatus(self) -> highspy.HighsModelStatus:  # noqa: N802 (highspy's name)
        if self.runs == 1:
            return highspy.HighsModelStatus.kUnknown
        return self._h.getModelStatus()

    def __getattr__(self, name: str) -> object:
        return getattr(self._h, name)


def test_an_lp_left_unknown_is_run_again_and_solved() -> None:
    # max 2 x0 + 3 x1 with x0 + x1 <= 1: x1 = 1, worth 3.
    model = PersistentModel([1.0], [], [], [], [])
    model.add_columns([{0: 1.0}, {0: 1.0}])
    model.h.changeColsCost(2, [0, 1], [2.0, 3.0])
    flaky = _UnknownOnce(model.h)
    model.h = flaky
    solved = model.solve(integer=False, time_limit=5.0)
    assert flaky.runs == 2
    assert solved.found and solved.proven
    assert solved.objective == pytest.approx(3.0)
