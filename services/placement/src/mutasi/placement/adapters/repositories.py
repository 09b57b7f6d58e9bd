"""Mongo repositories over chassis collections: posts, the candidate pool, policies, rounds and explanations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from mutasi.chassis.store import UnitOfWork, find_by_keys
from mutasi.placement.adapters.papers import EXPLANATIONS, NOTICES
from mutasi.placement.adapters.pool_store import POOL_INDEXES
from mutasi.placement.adapters.pool_store import candidate_doc as candidate_doc
from mutasi.placement.adapters.pool_store import candidate_docs as candidate_docs
from mutasi.placement.adapters.pool_store import candidates_by_key as candidates_by_key
from mutasi.placement.adapters.pool_store import count_candidates as count_candidates
from mutasi.placement.adapters.pool_store import flag_candidate as flag_candidate
from mutasi.placement.adapters.pool_store import pool_people as pool_people
from mutasi.placement.adapters.pool_store import save_candidate as save_candidate
from mutasi.placement.adapters.pool_store import save_candidates as save_candidates
from mutasi.placement.adapters.round_store import ROUND_INDEXES
from mutasi.placement.adapters.round_store import decisions_page as decisions_page
from mutasi.placement.adapters.round_store import get_round as get_round
from mutasi.placement.adapters.round_store import get_round_moves as get_round_moves
from mutasi.placement.adapters.round_store import get_round_part as get_round_part
from mutasi.placement.adapters.round_store import get_round_to_plan as get_round_to_plan
from mutasi.placement.adapters.round_store import objections_page as objections_page
from mutasi.placement.adapters.round_store import plan_entries_page as plan_entries_page
from mutasi.placement.adapters.round_store import round_spanning as round_spanning
from mutasi.placement.adapters.round_store import rounds_of as rounds_of
from mutasi.placement.adapters.round_store import save_round as save_round
from mutasi.placement.adapters.round_store import tally as tally
from mutasi.placement.domain.candidates import Candidate
from mutasi.placement.domain.eligibility import BlackoutWindow, Dated, EligibilityPolicy
from mutasi.placement.domain.posts import Post

POSTS = "posts"
POLICIES = "policies"
SCENARIOS = "scenarios"
IMPORTS = "imports"
FOLLOW_UPS = "follow_ups"  # flags that arrived before the person's assessment
DECISION_LOG = "decision_log"
DECISION_LOG_HEAD = "decision_log_head"  # last (seq, hash) per agency, written with every entry

INDEXES: list[tuple[str, list[tuple[str, int]], bool]] = [
    (POSTS, [("agency_id", 1), ("post_id", 1)], True),
    *POOL_INDEXES,  # the candidate pool, in bucket documents (adapters/pool_store.py)
    (POLICIES, [("agency_id", 1)], True),
    *ROUND_INDEXES,
    *EXPLANATIONS.indexes,
    *NOTICES.indexes,
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
    return Candidate.of_fields(
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
        jf_competency_test_passed=False, demotion_penalty=False,
    )  # fmt: skip


async def load_candidates(uow: UnitOfWork, agency_id: str) -> list[Candidate]:
    return [candidate_from_doc(d) for d in await candidate_docs(uow, agency_id)]


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


# --- what the service layer keeps beside rounds and posts -----------------------------------------
Doc = dict[str, Any]
AgencyNip = tuple[str, str]


async def existing_post_ids(uow: UnitOfWork, agency_id: str, post_ids: Sequence[str]) -> set[str]:
    docs = await uow.collection(POSTS).find({"agency_id": agency_id, "post_id": {"$in": list(post_ids)}})
    return {d["post_id"] for d in docs}


async def log_import(uow: UnitOfWork, doc: Doc) -> None:
    await uow.collection(IMPORTS).insert_one(doc)


async def waiting_follow_up(uow: UnitOfWork, agency_id: str, nip: str) -> Doc | None:
    found: Doc | None = await uow.collection(FOLLOW_UPS).find_one({"agency_id": agency_id, "nip": nip})
    return found


async def waiting_follow_ups(uow: UnitOfWork, keys: Sequence[AgencyNip]) -> dict[AgencyNip, Doc]:
    found: dict[AgencyNip, Doc] = await find_by_keys(uow.collection(FOLLOW_UPS), ("agency_id", "nip"), keys)
    return found


async def save_waiting_follow_up(uow: UnitOfWork, doc: Doc) -> None:
    await uow.collection(FOLLOW_UPS).replace_one({"agency_id": doc["agency_id"], "nip": doc["nip"]}, doc, upsert=True)


async def add_notices(uow: UnitOfWork, docs: list[Doc]) -> None:
    await NOTICES.add(uow, docs)


async def notice(uow: UnitOfWork, agency_id: str, round_id: str, nip: str) -> Doc | None:
    return await NOTICES.get(uow, agency_id, round_id, nip)


def pack_explanations(agency_id: str, round_id: str, docs: Iterable[Doc]) -> list[Doc]:
    return EXPLANATIONS.pack(agency_id, round_id, docs)


async def replace_explanations(uow: UnitOfWork, agency_id: str, round_id: str, packed: list[Doc]) -> None:
    await EXPLANATIONS.replace(uow, agency_id, round_id, packed)


async def explanation(uow: UnitOfWork, agency_id: str, round_id: str, nip: str) -> Doc | None:
    return await EXPLANATIONS.get(uow, agency_id, round_id, nip)


async def update_explanation(
    uow: UnitOfWork, agency_id: str, round_id: str, nip: str, fields: Doc, add_text: str | None = None
) -> None:
    await EXPLANATIONS.update(uow, agency_id, round_id, nip, fields, add_text)


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
