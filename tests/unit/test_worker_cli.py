"""`python -m workers` (what `make worker` and compose run) parses its command line."""

import pytest

from workers.__main__ import parse_args
from workers.queues import QUEUE_NAMES


def test_no_argument_serves_every_queue():
    assert parse_args([]).queues == list(QUEUE_NAMES)


def test_named_queues_are_served_in_the_order_given():
    assert parse_args(["default", "schedule", "--burst"]).queues == ["default", "schedule"]


def test_an_unknown_queue_is_refused(capsys):
    with pytest.raises(SystemExit):
        parse_args(["emails"])
    assert "unknown queue emails" in capsys.readouterr().err
