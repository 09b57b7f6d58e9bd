"""A plan is solved with no transaction open and written only if the round is still as it was read."""

from __future__ import annotations

import copy
from datetime import date

from mutasi.placement.domain.options import Preference
from mutasi.placement.domain.rounds import Round
from mutasi.placement.service_layer.plans import _changed


def closed() -> Round:
    r = Round.announce("r1", "sawahlunto", "Mutasi", "2026-II", date(2026, 11, 1), date(2026, 11, 10),
                       date(2026, 12, 1))  # fmt: skip
    r.preferences["199001012015031001"] = Preference("199001012015031001", ("P1",))
    r.close()
    return r


def test_the_same_round_read_again_has_not_changed() -> None:
    assert not _changed(closed(), closed())


def test_a_new_preference_another_plan_or_another_state_is_a_change() -> None:
    read = closed()
    more = copy.deepcopy(read)
    more.preferences["199102022015032002"] = Preference("199102022015032002", ("P2",))
    assert _changed(read, more)
    announced = copy.deepcopy(read)
    announced.state = type(read.state).ANNOUNCED
    assert _changed(read, announced)
