"""Outages are logged when they start, in a periodic summary and when they end — never once per retry."""

from __future__ import annotations

import logging

import pytest
from pymongo.errors import AutoReconnect

from mutasi.chassis.outage import BROKER_MARKERS, Outage, OutageFilter, Outages


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_thousand_failed_retries_in_two_minutes_log_four_lines(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    outage = Outage("broker", summary_s=60, clock=clock)
    with caplog.at_level(logging.WARNING, logger="mutasi.outage"):
        for i in range(1000):
            clock.now = i * 0.125
            outage.failed(ConnectionError("refused"))
        outage.recovered()
        outage.recovered()
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "broker unreachable; retrying quietly",
        "broker still unreachable",
        "broker still unreachable",
        "broker reachable again",
    ]
    assert caplog.records[-1].failures == 1000  # type: ignore[attr-defined]


def test_a_dependency_that_never_failed_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="mutasi.outage"):
        Outage("database").recovered()
    assert caplog.records == []


def test_database_errors_and_broker_errors_are_told_apart() -> None:
    outages = Outages()
    assert outages.of(AutoReconnect("primary gone")) is outages.database
    assert outages.of(ConnectionError("refused")) is outages.broker


def test_a_library_reconnect_line_becomes_an_outage_failure_instead_of_a_log_line() -> None:
    outage = Outage("broker")
    noisy = OutageFilter(outage, BROKER_MARKERS, ("aiokafka",))
    reconnect = logging.makeLogRecord({"name": "aiokafka.conn", "msg": "Unable connect to node with id 0"})
    own = logging.makeLogRecord({"name": "mutasi.placement", "msg": "Unable connect to node, says a user"})
    other = logging.makeLogRecord({"name": "aiokafka.consumer", "msg": "Group rebalanced"})
    assert noisy.filter(reconnect) is False
    assert noisy.filter(own) is True
    assert noisy.filter(other) is True
    assert outage.down
