"""The fairness report of a round's plan, as JSON rows, a workbook sheet and a chart."""

from __future__ import annotations

from typing import Any

from mutasi.chassis.http import Caller
from mutasi.placement.domain.eligibility import EligibilityPolicy, check_person
from mutasi.placement.domain.errors import NotFound
from mutasi.placement.domain.fairness import NOTE_ID, FairnessSettings, GroupRow, fairness_report
from mutasi.placement.domain.options import PoolView
from mutasi.placement.domain.rounds import Round
from mutasi.placement.service_layer.deps import Deps
from mutasi.placement.service_layer.pool import load_pool
from mutasi.placement.service_layer.shared import policy_of

SHEET_HEADER = ["Dimensi", "Kelompok", "Pegawai", "Tidak Memenuhi Syarat", "Pindah", "Rotasi", "Promosi", "Demosi",
                "Rata-rata Kenaikan JPM", "Tingkat Seleksi", "Rasio thd Terbaik", "Ditandai"]  # fmt: skip


async def round_rows(deps: Deps, caller: Caller, round_id: str) -> tuple[Round, list[GroupRow]]:
    """The report rows of the round's current plan."""
    async with deps.uow() as uow:
        r = await deps.store.get_round(uow, caller.agency_id, round_id)
        pool = await load_pool(deps.store, uow, r)
        policy = await policy_of(uow, deps, r.agency_id)
    if r.plan is None:
        raise NotFound("plan", "Putaran ini belum punya rencana.", "This round has no plan yet.")
    return r, rows_for(r, pool, policy)


def rows_for(r: Round, pool: PoolView, policy: EligibilityPolicy) -> list[GroupRow]:
    assert r.plan is not None
    excluded = {n for n, c in pool.candidates.items() if not check_person(c, r.effective_date, policy).eligible}
    return fairness_report(pool.candidates.values(), r.plan.entries, excluded, r.effective_date, FairnessSettings())


def row_doc(row: GroupRow) -> dict[str, Any]:
    return {
        "dimension": row.dimension, "group": row.group, "people": row.people, "excluded": row.excluded,
        "moved": row.moved, "moves_by_kind": dict(row.by_kind), "jpm_gain_mean": row.jpm_gain,
        "selection_rate": row.selection_rate, "ratio_to_best": row.ratio_to_best, "flagged": row.flagged,
    }  # fmt: skip


def report_doc(r: Round, rows: list[GroupRow]) -> dict[str, Any]:
    settings = FairnessSettings()
    assert r.plan is not None
    return {
        "round_id": r.round_id, "plan_id": r.plan.plan_id, "note_id": NOTE_ID,
        "note_en": "This report informs; it changes no decision by itself.",
        "flag_ratio": settings.flag_ratio, "min_group": settings.min_group,
        "flagged": [f"{x.dimension}={x.group}" for x in rows if x.flagged],
        "rows": [row_doc(x) for x in rows],
    }  # fmt: skip


def sheet_rows(rows: list[GroupRow]) -> list[list[Any]]:
    return [[x.dimension, x.group, x.people, x.excluded, x.moved, x.by_kind["rotasi"], x.by_kind["promosi"],
             x.by_kind["demosi"], x.jpm_gain, x.selection_rate, x.ratio_to_best, "ya" if x.flagged else ""]
            for x in rows]  # fmt: skip
