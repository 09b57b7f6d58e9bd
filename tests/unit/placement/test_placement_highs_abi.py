"""highspy and OR-Tools each load a HiGHS library under the same soname (libhighs.so.1), and whichever comes first
serves both. With different HiGHS versions the second import fails on an undefined symbol, or worse, runs against
the wrong library. These checks run each import order in a fresh interpreter and solve with both, so bumping one
of the pair without the other (services/placement/pyproject.toml) fails here rather than in a placement round."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import pytest

SOLVE_BOTH = """
import {first}, {second}
import highspy
import numpy as np
from ortools.graph.python import min_cost_flow

h = highspy.Highs()
h.setOptionValue("output_flag", False)
lp = highspy.HighsLp()
lp.num_col_, lp.num_row_ = 2, 1
lp.col_cost_ = np.array([-1.0, -2.0])
lp.col_lower_, lp.col_upper_ = np.zeros(2), np.ones(2)
lp.row_lower_, lp.row_upper_ = np.array([-np.inf]), np.array([1.0])
lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
lp.a_matrix_.start_, lp.a_matrix_.index_ = np.array([0, 1, 2], dtype=np.int32), np.array([0, 0], dtype=np.int32)
lp.a_matrix_.value_ = np.ones(2)
lp.integrality_ = [highspy.HighsVarType.kInteger] * 2
h.passModel(lp)
h.run()
assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal, h.getModelStatus()
assert list(h.getSolution().col_value) == [0.0, 1.0]

flow = min_cost_flow.SimpleMinCostFlow()
flow.add_arc_with_capacity_and_unit_cost(0, 1, 1, 3)
flow.set_node_supply(0, 1)
flow.set_node_supply(1, -1)
assert flow.solve() == flow.OPTIMAL and flow.optimal_cost() == 3
print(highspy.Highs().version())
"""


@pytest.mark.parametrize(("first", "second"), [("highspy", "ortools"), ("ortools", "highspy")])
def test_highspy_and_ortools_share_one_highs(first: str, second: str) -> None:
    ran = subprocess.run([sys.executable, "-c", SOLVE_BOTH.format(first=first, second=second)],
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert ran.stdout.strip() == version("highspy")
