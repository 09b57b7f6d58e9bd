"""Use cases over the chassis unit of work: needs, pool, rounds, plans, objections, reads."""
