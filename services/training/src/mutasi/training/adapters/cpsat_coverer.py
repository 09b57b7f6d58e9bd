"""The exact coverer: a small CP-SAT model per person (OR-Tools), behind the domain's `Coverer` port."""

from __future__ import annotations

from ortools.sat.python import cp_model

from mutasi.training.domain.covering import CoveringChoice, CoveringProblem, GreedyCoverer


class _Model(cp_model.CpModel):
    """A CpModel without the per-instance camelCase aliases OR-Tools adds in `__init__` (this code uses the
    PEP 8 names only); building them costs about 1 ms per model, as much as solving one person's model."""

    def _add_pre_pep8_methods(self) -> None:
        return None


class CpSatCoverer:
    """x_o = take offering o; y_g = gap g closed (Σ_o raise(o,g)·x_o ≥ need(g)·y_g).

    One lexicographic objective folded into one integer: first the number of gaps closed, then the
    cost, then the JP. Subject to Σ jp·x ≤ JP limit and Σ cost·x ≤ budget. If the solver stops without
    a proven answer (time limit) the greedy choice is used and reported as not optimal.
    """

    def __init__(self, time_limit_s: float = 2.0) -> None:
        self.time_limit_s = time_limit_s
        self._fallback = GreedyCoverer()
        # One solver for every model: building a CpSolver costs about as much as solving these small models.
        # Presolve and LP linearisation cost more than they save on a few dozen booleans (measured ~3x).
        self._solver = cp_model.CpSolver()
        self._solver.parameters.num_workers = 1
        self._solver.parameters.max_time_in_seconds = time_limit_s
        self._solver.parameters.cp_model_presolve = False
        self._solver.parameters.linearization_level = 0

    def choose(self, problem: CoveringProblem) -> CoveringChoice:
        if not problem.gaps or not problem.candidates:
            return CoveringChoice((), frozenset(), optimal=True)
        model = _Model()
        take = {c.offering_id: model.new_bool_var(f"x_{c.offering_id}") for c in problem.candidates}
        closed = {g: model.new_bool_var(f"y_{g}") for g in problem.gaps}
        for gap, need in problem.gaps.items():
            raised = [c.raises.get(gap, 0) * take[c.offering_id] for c in problem.candidates if c.raises.get(gap)]
            if raised:
                model.add(sum(raised) >= need).only_enforce_if(closed[gap])
            else:
                model.add(closed[gap] == 0)
        model.add(sum(c.jp * take[c.offering_id] for c in problem.candidates) <= problem.jp_limit)
        model.add(sum(c.cost * take[c.offering_id] for c in problem.candidates) <= problem.budget)
        jp_weight = sum(c.jp for c in problem.candidates) + 1
        gap_weight = (sum(c.cost for c in problem.candidates) + 1) * jp_weight
        model.maximize(
            gap_weight * sum(closed.values())
            - sum((c.cost * jp_weight + c.jp) * take[c.offering_id] for c in problem.candidates)
        )
        solver = self._solver
        status = solver.solve(model)
        if status != cp_model.OPTIMAL:
            return self._fallback.choose(problem)
        chosen = frozenset(o for o, x in take.items() if solver.boolean_value(x))
        return CoveringChoice(tuple(sorted(chosen)), problem.closed_by(chosen), optimal=True)
