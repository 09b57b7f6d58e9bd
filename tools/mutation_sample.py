"""Keep a reproducible random sample of a cosmic-ray session's mutants, so a mutation pass fits in minutes.

Arithmetic-operator swaps (`a + b` → `a * b`, …) are most of the mutants and rarely tell anything a comparison,
boolean, constant or `not` mutant does not, so they are left out before sampling.

    python tools/mutation_sample.py SESSION.sqlite --keep 60 --seed 2026
"""

from __future__ import annotations

import argparse
import random
import sqlite3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("session")
    parser.add_argument("--keep", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    db = sqlite3.connect(args.session)
    rows = db.execute("SELECT job_id, operator_name FROM mutation_specs ORDER BY module_path, job_id").fetchall()
    meaningful = [job for job, operator in rows if not operator.startswith("core/ReplaceBinaryOperator")]
    keep = set(random.Random(args.seed).sample(meaningful, min(args.keep, len(meaningful))))
    drop = [(job,) for job, _ in rows if job not in keep]
    db.executemany("DELETE FROM mutation_specs WHERE job_id = ?", drop)
    db.executemany("DELETE FROM work_items WHERE job_id = ?", drop)
    db.commit()
    print(f"mutation: {len(rows)} mutants, {len(meaningful)} not arithmetic, kept {len(keep)} (seed {args.seed})")


if __name__ == "__main__":
    main()
