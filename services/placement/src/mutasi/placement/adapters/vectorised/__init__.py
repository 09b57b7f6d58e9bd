"""The eligibility rules and fit score of the domain on numpy columns, for rounds of province scale.

arrays: the columns; rules: each rule's array form; scoring: the fit parts; arcs: eligible, scored moves as
flow arcs; greedy: the rank-per-vacancy baseline; grouping: independent agency groups; problem: the domain
PlanProblem built on this path.
"""
