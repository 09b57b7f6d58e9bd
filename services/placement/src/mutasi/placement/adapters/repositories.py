"""Mongo repositories over chassis collections: posts, the candidate pool, policies, rounds and explanations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from mutasi.chassis.store import UnitOfWork, find_by_keys
from mutasi.placement.domain.candidates import Candidate
from mutasi.placement.domain.eligibility import BlackoutWindow, Dated, EligibilityPolicy
from mutasi.placement.domain.errors import NotFound
from mutasi.placement.domain.options import Preference
from mutasi.placement.domain.posts import Post
from mutasi.placement.domain.rounds import (
    Approval,
    Decision,
    Objection,
    ObjectionState,
    Plan,
    PlanEntry,
    Round,
    RoundState,
)

POSTS = "posts"
CANDIDATES = "candidates"
POLICIES = "policies"
ROUNDS = "rounds"
EXPLANATIONS = "explanations"
NOTICES = "notices"
SCENARIOS = "scenarios"
IMPORTS = "imports"
FOLLOW_UPS = "follow_ups"  # flags that arrived before the person's assessment
DECISION_LOG = "decision_log"
DECISION_LOG_HEAD = "decision_log_head"  # last (seq, hash) per agency, written with every entry

INDEXES: list[tuple[str, list[tuple[str, int]], bool]] = [
    (POSTS, [("agency_id", 1), ("post_id", 1)], True),
    (CANDIDATES, [("agency_id", 1), ("nip", 1)], True),
    (POLICIES, [("agency_id", 1)], True),
    (ROUNDS, [("agency_id", 1), ("round_id", 1)], True),
    (EXPLANATIONS, [("agency_id", 1), ("round_id", 1), ("nip", 1)], True),
    (NOTICES, [("agency_id", 1), ("nip", 1), ("round_id", 1)], True),
    (SCENARIOS, [("agency_id", 1), ("round_id", 1), ("scenario_id", 1)], True),
    (IMPORTS, [("agency_id", 1), ("import_id", 1)], True),
    (FOLLOW_UPS, [("agency_id", 1), ("nip", 1)], True),
    (DECISION_LOG, [("agency_id", 1), ("seq", 1)], True),
    (DECISION_LOG, [("agency_id", 1), ("round_id", 1)], False),
    (DECISION_LOG_HEAD, [("agency_id", 1)], True),
]


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _dt(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


# --- posts -------------------------------------------------------------------------------------
def post_to_doc(post: Post) -> dict[str, Any]:
    doc = asdict(post)
    doc["standard"] = dict(post.standard)
    doc["education_levels"] = list(post.education_levels)
    doc["education_fields"] = list(post.education_fields)
    return doc


def post_from_doc(doc: Mapping[str, Any]) -> Post:
    return Post(
        post_id=doc["post_id"], agency_id=doc["agency_id"], unit_id=doc["unit_id"], unit_name=doc["unit_name"],
        name=doc["name"], post_type=doc["post_type"], eselon=doc.get("eselon"), field=doc.get("field", ""),
        golongan_min=doc["golongan_min"], golongan_max=doc["golongan_max"],
        education_levels=tuple(doc.get("education_levels", ())),
        education_fields=tuple(doc.get("education_fields", ())),
        kebutuhan=float(doc["kebutuhan"]), bezetting=int(doc["bezetting"]), standard=dict(doc.get("standard", {})),
        fields_mandatory=bool(doc.get("fields_mandatory", False)),
        leadership_task=bool(doc.get("leadership_task", False)),
        reports_to=doc.get("reports_to"),
        competency_test_required=bool(doc.get("competency_test_required", False)),
    )  # fmt: skip


async def load_posts(uow: UnitOfWork, agency_id: str) -> list[Post]:
    docs = await uow.collection(POSTS).find({"agency_id": agency_id}, sort=[("post_id", 1)])
    return [post_from_doc(d) for d in docs]


async def save_posts(uow: UnitOfWork, posts: Iterable[Post]) -> int:
    return await uow.collection(POSTS).bulk_upsert([post_to_doc(p) for p in posts], ["agency_id", "post_id"])


# --- candidates ----------------------------------------------------------------------------------
def candidate_from_doc(doc: Mapping[str, Any]) -> Candidate:
    return Candidate(
        nip=doc["nip"], name=doc["name"], agency_id=doc["agency_id"], employee_type=doc["employee_type"],
        golongan=doc["golongan"], post_id=doc["post_id"], post_type=doc["post_type"], unit_id=doc["unit_id"],
        months_in_post=int(doc["months_in_post"]), as_of=date.fromisoformat(doc["as_of"]),
        tmt_pns=_d(doc.get("tmt_pns")), education_level=doc["education_level"], education_field=doc["education_field"],
        years_to_bup=float(doc["years_to_bup"]), predicates=tuple((int(y), p) for y, p in doc.get("predicates", [])),
        competencies=dict(doc.get("competencies", {})), talent_box=int(doc.get("talent_box", 5)),
        jpm_current=float(doc.get("jpm_current", 0.0)), discipline_active=bool(doc.get("discipline_active")),
        discipline_until=_d(doc.get("discipline_until")), on_study_leave=bool(doc.get("on_study_leave")),
        on_cltn=bool(doc.get("on_cltn")), in_court_process=bool(doc.get("in_court_process")),
        audit_finding_open=bool(doc.get("audit_finding_open")), coi_unit_ids=frozenset(doc.get("coi_unit_ids", [])),
        follow_up=doc.get("follow_up"), post_name=(doc.get("current_post") or {}).get("post_name", ""),
    )  # fmt: skip


async def load_candidates(uow: UnitOfWork, agency_id: str) -> list[Candidate]:
    docs = await uow.collection(CANDIDATES).find({"agency_id": agency_id}, sort=[("nip", 1)])
    return [candidate_from_doc(d) for d in docs]


async def candidate_doc(uow: UnitOfWork, agency_id: str, nip: str) -> dict[str, Any] | None:
    return await uow.collection(CANDIDATES).find_one({"agency_id": agency_id, "nip": nip})


# --- policy --------------------------------------------------------------------------------------
def policy_to_doc(policy: EligibilityPolicy) -> dict[str, Any]:
    return {
        "min_months_in_post": [[d.since.isoformat(), d.value] for d in policy.min_months_in_post],
        "jpt_tenure_exempt": policy.jpt_tenure_exempt,
        "min_years_to_bup": [[d.since.isoformat(), d.value] for d in policy.min_years_to_bup],
        "pledge_years": policy.pledge_years,
        "performance_years": policy.performance_years,
        "blackout_windows": [
            {"start": w.start.isoformat(), "end": w.end.isoformat(), "approval_ref": w.approval_ref}
            for w in policy.blackout_windows
        ],
        "disabled_rules": sorted(policy.disabled_rules),
        "demosi_on_penalty": policy.demosi_on_penalty,
        "demosi_on_request": policy.demosi_on_request,
        "promosi_months_in_level": [list(p) for p in policy.promosi_months_in_level],
        "jpt_max_age": policy.jpt_max_age,
        "eselon_rank_allowance": policy.eselon_rank_allowance,
    }


def policy_from_doc(doc: Mapping[str, Any]) -> EligibilityPolicy:
    return EligibilityPolicy(
        min_months_in_post=tuple(Dated(date.fromisoformat(s), float(v)) for s, v in doc["min_months_in_post"]),
        jpt_tenure_exempt=bool(doc["jpt_tenure_exempt"]),
        min_years_to_bup=tuple(Dated(date.fromisoformat(s), float(v)) for s, v in doc["min_years_to_bup"]),
        pledge_years=int(doc["pledge_years"]),
        performance_years=int(doc["performance_years"]),
        blackout_windows=tuple(
            BlackoutWindow(date.fromisoformat(w["start"]), date.fromisoformat(w["end"]), w.get("approval_ref"))
            for w in doc["blackout_windows"]
        ),
        disabled_rules=frozenset(doc["disabled_rules"]),
        **_promotion_settings(doc),
    )


def _promotion_settings(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The demosi/promosi settings of a stored policy; a policy stored before they existed keeps the defaults."""
    out: dict[str, Any] = {k: doc[k] for k in ("demosi_on_penalty", "demosi_on_request", "jpt_max_age",
                                               "eselon_rank_allowance") if k in doc}  # fmt: skip
    if "promosi_months_in_level" in doc:
        out["promosi_months_in_level"] = tuple((str(t), int(m)) for t, m in doc["promosi_months_in_level"])
    return out


async def load_policy(uow: UnitOfWork, agency_id: str, default: EligibilityPolicy) -> EligibilityPolicy:
    doc = await uow.collection(POLICIES).find_one({"agency_id": agency_id})
    return policy_from_doc(doc["policy"]) if doc else default


async def save_policy(uow: UnitOfWork, agency_id: str, policy: EligibilityPolicy, by: str | None) -> None:
    doc = {"agency_id": agency_id, "policy": policy_to_doc(policy), "updated_by": by}
    await uow.collection(POLICIES).replace_one({"agency_id": agency_id}, doc, upsert=True)


# --- rounds --------------------------------------------------------------------------------------
def _entry_doc(e: PlanEntry) -> dict[str, Any]:
    return {**asdict(e), "parts": dict(e.parts)}


def _entry(d: Mapping[str, Any]) -> PlanEntry:
    return PlanEntry(d["nip"], d["from_post"], d["to_post"], float(d["score"]), dict(d["parts"]),
                     float(d["jpm_target"]), d.get("override_reason"), d.get("overridden_by"),
                     d.get("kind", "rotasi"))  # fmt: skip


def _decision_doc(d: Decision) -> dict[str, Any]:
    return {**asdict(d), "parts": dict(d.parts), "effective_date": d.effective_date.isoformat()}


def _decision(d: Mapping[str, Any]) -> Decision:
    return Decision(
        d["decision_id"], d["nip"], d["from_post"], d["to_post"], date.fromisoformat(d["effective_date"]),
        _dt(d["decided_at"]), d["reason_summary"], float(d["score"]), dict(d["parts"]), float(d["jpm_target"]),
        d.get("override_reason"), d.get("supersedes"), d.get("superseded_by"),
    )  # fmt: skip


def round_to_doc(r: Round) -> dict[str, Any]:
    plan = None
    if r.plan is not None:
        p = r.plan
        plan = {
            "plan_id": p.plan_id, "entries": [_entry_doc(e) for e in p.entries.values()], "total_fit": p.total_fit,
            "greedy_total_fit": p.greedy_total_fit, "gain_over_greedy_pct": p.gain_over_greedy_pct,
            "eligible_pairs": p.eligible_pairs, "solve_seconds": p.solve_seconds, "rules": dict(p.rules),
            "status_quo_total_fit": p.status_quo_total_fit,
        }  # fmt: skip
    return {
        "agency_id": r.agency_id, "round_id": r.round_id, "name": r.name, "period": r.period,
        "announced_on": r.announced_on.isoformat(), "preferences_open_until": r.preferences_open_until.isoformat(),
        "effective_date": r.effective_date.isoformat(), "max_preferences": r.max_preferences,
        "objection_days": r.objection_days, "scope_units": list(r.scope_units), "state": r.state.value,
        "preferences": [
            {"nip": p.nip, "ranked": list(p.ranked), "avoid_units": sorted(p.avoid_units), "note": p.note}
            for p in r.preferences.values()
        ],
        "plan": plan,
        "approvals": [{"user": a.user, "at": a.at} for a in r.approvals],
        "decisions": [_decision_doc(d) for d in r.decisions.values()],
        "objections": [{**asdict(o), "filed_on": o.filed_on.isoformat(), "state": o.state.value}
                       for o in r.objections.values()],
        "decided_on": r.decided_on.isoformat() if r.decided_on else None, "agencies": list(r.agencies),
    }  # fmt: skip


def round_from_doc(d: Mapping[str, Any]) -> Round:
    plan = None
    if d.get("plan"):
        p = d["plan"]
        plan = Plan(p["plan_id"], {e["nip"]: _entry(e) for e in p["entries"]}, float(p["total_fit"]),
                    float(p["greedy_total_fit"]), float(p["gain_over_greedy_pct"]), int(p["eligible_pairs"]),
                    float(p["solve_seconds"]), dict(p.get("rules", {})),
                    float(p.get("status_quo_total_fit", 0.0)))  # fmt: skip
    return Round(
        round_id=d["round_id"], agency_id=d["agency_id"], name=d["name"], period=d["period"],
        announced_on=date.fromisoformat(d["announced_on"]),
        preferences_open_until=date.fromisoformat(d["preferences_open_until"]),
        effective_date=date.fromisoformat(d["effective_date"]), max_preferences=int(d["max_preferences"]),
        objection_days=int(d["objection_days"]), scope_units=tuple(d.get("scope_units", ())),
        state=RoundState(d["state"]),
        preferences={p["nip"]: Preference(p["nip"], tuple(p["ranked"]), frozenset(p.get("avoid_units", [])),
                                          p.get("note", "")) for p in d.get("preferences", [])},
        plan=plan,
        approvals=[Approval(a["user"], _dt(a["at"])) for a in d.get("approvals", [])],
        decisions={x["decision_id"]: _decision(x) for x in d.get("decisions", [])},
        objections={
            o["objection_id"]: Objection(o["objection_id"], o["nip"], o["decision_id"], o["reason"],
                                         date.fromisoformat(o["filed_on"]), ObjectionState(o["state"]),
                                         o.get("reviewer"), o.get("review_note"), o.get("new_decision_id"))
            for o in d.get("objections", [])
        },
        decided_on=_d(d.get("decided_on")), agencies=tuple(d.get("agencies", ())),
    )  # fmt: skip


async def get_round(uow: UnitOfWork, agency_id: str, round_id: str) -> Round:
    doc = await uow.collection(ROUNDS).find_one({"agency_id": agency_id, "round_id": round_id})
    if doc is None:
        raise NotFound("round_id", f"Putaran {round_id} tidak ditemukan.", f"Round {round_id} not found.")
    return round_from_doc(doc)


async def save_round(uow: UnitOfWork, r: Round) -> None:
    await uow.collection(ROUNDS).replace_one(
        {"agency_id": r.agency_id, "round_id": r.round_id}, round_to_doc(r), upsert=True
    )


async def rounds_of(uow: UnitOfWork, agency_id: str) -> list[Round]:
    docs = await uow.collection(ROUNDS).find({"agency_id": agency_id}, sort=[("announced_on", 1)])
    return [round_from_doc(d) for d in docs]


async def round_spanning(uow: UnitOfWork, round_id: str, agency_id: str) -> Round | None:
    doc = await uow.collection(ROUNDS).find_one({"round_id": round_id, "agencies": agency_id})
    return round_from_doc(doc) if doc is not None else None


# --- what the service layer keeps beside rounds and posts -----------------------------------------
Doc = dict[str, Any]
AgencyNip = tuple[str, str]


async def existing_post_ids(uow: UnitOfWork, agency_id: str, post_ids: Sequence[str]) -> set[str]:
    docs = await uow.collection(POSTS).find({"agency_id": agency_id, "post_id": {"$in": list(post_ids)}})
    return {d["post_id"] for d in docs}


async def log_import(uow: UnitOfWork, doc: Doc) -> None:
    await uow.collection(IMPORTS).insert_one(doc)


async def candidate_docs(uow: UnitOfWork, agency_id: str) -> list[Doc]:
    found: list[Doc] = await uow.collection(CANDIDATES).find({"agency_id": agency_id}, sort=[("nip", 1)])
    return found


async def count_candidates(uow: UnitOfWork, agency_id: str) -> int:
    return await uow.collection(CANDIDATES).count({"agency_id": agency_id})


async def candidates_by_key(uow: UnitOfWork, keys: Sequence[AgencyNip]) -> dict[AgencyNip, Doc]:
    found: dict[AgencyNip, Doc] = await find_by_keys(uow.collection(CANDIDATES), ("agency_id", "nip"), keys)
    return found


async def save_candidate(uow: UnitOfWork, doc: Doc) -> None:
    await uow.collection(CANDIDATES).replace_one({"agency_id": doc["agency_id"], "nip": doc["nip"]}, doc, upsert=True)


async def save_candidates(uow: UnitOfWork, docs: list[Doc]) -> None:
    await uow.collection(CANDIDATES).bulk_upsert(docs, ("agency_id", "nip"))


async def flag_candidate(uow: UnitOfWork, agency_id: str, nip: str, reason: str) -> bool:
    key = {"agency_id": agency_id, "nip": nip}
    return bool(await uow.collection(CANDIDATES).update_one(key, {"$set": {"follow_up": reason}}))


async def waiting_follow_up(uow: UnitOfWork, agency_id: str, nip: str) -> Doc | None:
    found: Doc | None = await uow.collection(FOLLOW_UPS).find_one({"agency_id": agency_id, "nip": nip})
    return found


async def waiting_follow_ups(uow: UnitOfWork, keys: Sequence[AgencyNip]) -> dict[AgencyNip, Doc]:
    found: dict[AgencyNip, Doc] = await find_by_keys(uow.collection(FOLLOW_UPS), ("agency_id", "nip"), keys)
    return found


async def save_waiting_follow_up(uow: UnitOfWork, doc: Doc) -> None:
    await uow.collection(FOLLOW_UPS).replace_one({"agency_id": doc["agency_id"], "nip": doc["nip"]}, doc, upsert=True)


async def add_notices(uow: UnitOfWork, docs: list[Doc]) -> None:
    await uow.collection(NOTICES).insert_many(docs)


async def notice(uow: UnitOfWork, agency_id: str, round_id: str, nip: str) -> Doc | None:
    found: Doc | None = await uow.collection(NOTICES).find_one(
        {"agency_id": agency_id, "round_id": round_id, "nip": nip}
    )
    return found


async def replace_explanations(uow: UnitOfWork, agency_id: str, round_id: str, docs: list[Doc]) -> None:
    await uow.collection(EXPLANATIONS).delete_many({"agency_id": agency_id, "round_id": round_id})
    if docs:
        await uow.collection(EXPLANATIONS).insert_many(docs)


async def explanation(uow: UnitOfWork, agency_id: str, round_id: str, nip: str) -> Doc | None:
    found: Doc | None = await uow.collection(EXPLANATIONS).find_one(
        {"agency_id": agency_id, "round_id": round_id, "nip": nip}
    )
    return found


async def update_explanation(
    uow: UnitOfWork, agency_id: str, round_id: str, nip: str, fields: Doc, add_text: str | None = None
) -> None:
    change: Doc = {"$set": fields, **({"$push": {"text_id": add_text}} if add_text is not None else {})}
    await uow.collection(EXPLANATIONS).update_one({"agency_id": agency_id, "round_id": round_id, "nip": nip}, change)


async def add_scenario(uow: UnitOfWork, doc: Doc) -> None:
    await uow.collection(SCENARIOS).insert_one(doc)


async def scenarios(uow: UnitOfWork, agency_id: str, round_id: str) -> list[Doc]:
    found: list[Doc] = await uow.collection(SCENARIOS).find({"agency_id": agency_id, "round_id": round_id})
    return found


async def log_head(uow: UnitOfWork, agency_id: str) -> Doc | None:
    found: Doc | None = await uow.collection(DECISION_LOG_HEAD).find_one({"agency_id": agency_id})
    return found


async def append_log(uow: UnitOfWork, agency_id: str, entry: Doc) -> None:
    await uow.collection(DECISION_LOG).insert_one({"agency_id": agency_id, **entry})
    await uow.collection(DECISION_LOG_HEAD).replace_one(
        {"agency_id": agency_id}, {"agency_id": agency_id, "seq": entry["seq"], "hash": entry["hash"]}, upsert=True
    )


async def log_entries(uow: UnitOfWork, agency_id: str, round_id: str | None = None, limit: int = 0) -> list[Doc]:
    query: Doc = {"agency_id": agency_id}
    if round_id:
        query["round_id"] = round_id
    found: list[Doc] = await uow.collection(DECISION_LOG).find(query, sort=[("seq", 1)], limit=limit)
    return found
