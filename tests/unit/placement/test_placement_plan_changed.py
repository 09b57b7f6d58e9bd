"""A plan is solved with no transaction open and written only if the round is still as it was read."""

from __future__ import annotations

import copy
from datetime import date

from mutasi.placement.domain.options import Preference
from mutasi.placement.domain.rounds import Plan, Round
from mutasi.placement.service_layer.plans import _changed


def closed() -> Round:
    r = Round.announce("r1", "sawahlunto", "Mutasi", "2026-II", date(2026, 11, 1), date(2026, 11, 10),
                       date(2026, 12, 1))  # fmt: skip
    r.preferences["199001012015031001"] = Preference("199001012015031001", ("P1",))
    r.close()
    return r


def test_the_same_round_read_again_has_not_changed() -> None:
    assert not _changed(closed(), closed())


def test_another_state_or_another_plan_is_a_change() -> None:
    read = closed()
    approved = copy.deepcopy(read)
    approved.state = type(read.state).APPROVED
    assert _changed(read, approved)
    planned = copy.deepcopy(read)
    planned.record_plan(Plan("p2", {}, 0.0, 0.0, 0.0, 0, 0.0, {}))
    assert _changed(read, planned)
