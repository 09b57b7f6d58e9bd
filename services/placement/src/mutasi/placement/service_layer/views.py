"""JSON views of rounds, plans, decisions and objections for the HTTP API and the stored documents."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from mutasi.placement.domain.options import PoolView
from mutasi.placement.domain.planning import PlanDiff
from mutasi.placement.domain.rounds import Decision, Objection, Plan, PlanEntry, Round
from mutasi.placement.service_layer.pool import PlanOptions
from mutasi.placement.service_layer.ports import Tally


def round_summary(r: Round, t: Tally) -> dict[str, Any]:
    """The round and the counts of its per-person parts (`t`, kept with the round: its people need not be loaded)."""
    return {
        "round_id": r.round_id, "name": r.name, "period": r.period, "state": r.state.value,
        "announced_on": r.announced_on.isoformat(), "preferences_open_until": r.preferences_open_until.isoformat(),
        "effective_date": r.effective_date.isoformat(), "max_preferences": r.max_preferences,
        "objection_days": r.objection_days, "scope_units": list(r.scope_units), "preferences": t.preferences,
        "approvals": [{"user": a.user, "at": a.at.isoformat()} for a in r.approvals],
        "plan": plan_totals(r.plan, t) if r.plan else None, "decisions": t.decisions, "objections": t.objections,
    }  # fmt: skip


def plan_totals(p: Plan, t: Tally) -> dict[str, Any]:
    return {
        "plan_id": p.plan_id, "people": t.people, "moves": t.moves, "moves_by_kind": dict(t.moves_by_kind),
        "total_fit": p.total_fit,
        "greedy_total_fit": p.greedy_total_fit, "gain_over_greedy_pct": p.gain_over_greedy_pct,
        "status_quo_total_fit": p.status_quo_total_fit,
        "gain_over_greedy_of_improvement_pct": p.gain_over_greedy_of_improvement_pct,
        "eligible_pairs": p.eligible_pairs, "solve_seconds": p.solve_seconds,
        "overrides": t.overrides,
        "method": p.rules.get("method", ""),
    }  # fmt: skip


def plan_summary(r: Round, p: Plan, t: Tally) -> dict[str, Any]:
    return {"round_id": r.round_id, "state": r.state.value, **plan_totals(p, t)}


def entry(e: PlanEntry) -> dict[str, Any]:
    return {**asdict(e), "parts": dict(e.parts), "moved": e.moved}


def decision(d: Decision) -> dict[str, Any]:
    """The decision's fields by name (what `dataclasses.asdict` gave, without its deep copy of every value: a
    province round answers with ~4,000 decisions), dates as ISO text."""
    return {
        "decision_id": d.decision_id, "nip": d.nip, "from_post": d.from_post, "to_post": d.to_post,
        "effective_date": d.effective_date.isoformat(), "decided_at": d.decided_at.isoformat(),
        "reason_summary": d.reason_summary, "score": d.score, "parts": dict(d.parts), "jpm_target": d.jpm_target,
        "override_reason": d.override_reason, "supersedes": d.supersedes, "superseded_by": d.superseded_by,
        "cancelled": d.cancelled,
    }  # fmt: skip


def objection(o: Objection) -> dict[str, Any]:
    return {**asdict(o), "filed_on": o.filed_on.isoformat(), "state": o.state.value}


def notice(r: Round, nip: str, follow_up: str | None) -> dict[str, Any]:
    """The per-person notice of an announced round (socialisation)."""
    flag = {"re_placement": " Anda ditandai untuk penempatan ulang sesuai hasil evaluasi.",
            "talent_pool": " Anda masuk kelompok talenta (talent pool)."}.get(follow_up or "", "")  # fmt: skip
    text = (
        f"Putaran mutasi {r.name} ({r.period}) telah diumumkan. Anda dapat melihat status Anda dan mengajukan "
        f"sampai {r.max_preferences} pilihan jabatan hingga {r.preferences_open_until.isoformat()}.{flag}"
    )
    return {"agency_id": r.agency_id, "round_id": r.round_id, "nip": nip, "text_id": text, "read": False}


def reason_summary(e: PlanEntry, pool: PoolView, r: Round) -> str:
    post = pool.posts.get(e.to_post)
    where = f"{post.name} ({post.unit_name})" if post else e.to_post
    pref = r.preferences.get(e.nip)
    wish = ""
    if pref and e.to_post in pref.ranked:
        wish = f"; pilihan ke-{pref.ranked.index(e.to_post) + 1} Anda"
    text = f"Ditempatkan di {where}: skor kecocokan {e.score:.1f}, JPM {e.jpm_target:.0f}%{wish}."
    if e.override_reason:
        text += f" Ditetapkan penyetuju: {e.override_reason}"
    return text


def scenario(scenario_id: str, r: Round, options: PlanOptions, diff: PlanDiff) -> dict[str, Any]:
    return {
        "agency_id": r.agency_id, "round_id": r.round_id, "scenario_id": scenario_id, "options": options.as_dict(),
        "total_fit_base": diff.total_base, "total_fit_scenario": diff.total_scenario,
        "moves_base": diff.moves_base, "moves_scenario": diff.moves_scenario,
        "changes": [asdict(c) for c in diff.changes], "units": [asdict(u) for u in diff.units],
    }  # fmt: skip


def unit_summary(r: Round, pool: PoolView) -> list[dict[str, Any]]:
    """Per unit: gap before, people in and out under the plan (or the decisions), gap after."""
    plan = r.plan
    units: dict[str, dict[str, Any]] = {}
    for p in pool.posts.values():
        u = units.setdefault(p.unit_id, {"unit_id": p.unit_id, "unit_name": p.unit_name, "kebutuhan": 0.0,
                                         "bezetting": 0, "incoming": 0, "outgoing": 0})  # fmt: skip
        u["kebutuhan"] += p.kebutuhan
        u["bezetting"] += p.bezetting
    if plan is not None:
        for e in plan.moves:
            origin = pool.candidates[e.nip].unit_id if e.nip in pool.candidates else ""
            target = pool.posts[e.to_post].unit_id if e.to_post in pool.posts else ""
            if origin != target:
                if origin in units:
                    units[origin]["outgoing"] += 1
                if target in units:
                    units[target]["incoming"] += 1
    out = []
    for u in sorted(units.values(), key=lambda x: x["unit_id"]):
        after = u["bezetting"] + u["incoming"] - u["outgoing"]
        before = round(u["bezetting"] - u["kebutuhan"], 2)
        out.append({**u, "kebutuhan": round(u["kebutuhan"], 2), "selisih_before": before,
                    "bezetting_after": after, "selisih_after": round(after - u["kebutuhan"], 2)})  # fmt: skip
    return out
