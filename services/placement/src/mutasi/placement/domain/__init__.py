"""Placement domain: needs analysis, eligibility rules, fit scores, plans, rounds and explanations (plain Python)."""
