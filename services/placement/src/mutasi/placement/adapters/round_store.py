"""Rounds in MongoDB: one small round document, and one document per person for each part that grows with the
number of people — preferences, plan entries, decisions, objections (docs/adr/0019-a-round-is-a-small-document-
and-one-document-per-person.md).

A save writes only what changed since the round was loaded in the same unit of work: a preference PUT writes that
person's preference document, a decision writes the decisions and the round document's counts. The round document
keeps the counts a summary shows, so listing rounds reads no per-person document."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from mutasi.chassis.buckets import Buckets, Layout
from mutasi.chassis.store import Doc, UnitOfWork, storable
from mutasi.contracts.vocabulary import MoveKind
from mutasi.placement.domain.errors import NotFound
from mutasi.placement.domain.options import Preference
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
from mutasi.placement.service_layer.ports import Page, Tally

ROUNDS = "rounds"
PREFERENCES = "round_preferences"
PLAN_ENTRIES = "round_plan_entries"  # one document per person before buckets (layout 2): moved into buckets on start
PLAN_ENTRY_BUCKETS = "round_plan_entry_buckets"
ENTRY_BUCKET = 500  # plan entries per document (~350 B each): ~175 kB, far below 16 MB
# A round's plan entries many people to a document (docs/adr/0024-a-rounds-plan-entries-in-buckets.md): buckets
# cover NIP ranges, `first` names each, the entries packed in one binary value; a plan replaces all of them, an
# override rewrites one bucket.
ENTRIES = Buckets(
    PLAN_ENTRY_BUCKETS, "nip", size=ENTRY_BUCKET, fill="split", packed=True,
    layout=Layout(scope=("agency_id", "round_id"), bucket=None, keys=None, items="people", by_key=True, count="n",
                  first="first"),
)  # fmt: skip
DECISIONS = "round_decisions"
OBJECTIONS = "round_objections"
LAYOUT = 2  # 1 (no field): everything embedded in the round document; 2: per-person parts in their collections

_ROUND = [("agency_id", 1), ("round_id", 1)]
ROUND_INDEXES: list[tuple[str, list[tuple[str, int]], bool]] = [
    (ROUNDS, _ROUND, True),
    (ROUNDS, [("round_id", 1), ("agencies", 1)], False),  # a province round that spans an agency
    (PREFERENCES, [*_ROUND, ("nip", 1)], True),
    (PLAN_ENTRIES, [*_ROUND, ("nip", 1)], True),  # what is left of layout 2 moves over in this order
    *ENTRIES.indexes(),
    (DECISIONS, [*_ROUND, ("decision_id", 1)], True),
    (DECISIONS, [*_ROUND, ("order", 1)], False),  # "<nip>/<decision id>": a page's, and a person's as a range
    (OBJECTIONS, [*_ROUND, ("objection_id", 1)], True),
    (OBJECTIONS, [*_ROUND, ("order", 1)], False),
]
# Every index entry costs on each insert (on the stand-in database a third of a plan's save), so each collection
# has the fewest that serve its reads.
# Documents per insert: one command holding 40,000 decisions kept the stand-in database busy past the driver's
# heartbeat timeout (10 s), which then declared it unknown and cancelled the insert ("operation cancelled").
INSERT_CHUNK = 1000
_MEMO = "placement.round"  # uow.memo key prefix: what a unit of work loaded of each round


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _dt(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


# --- one document per person and part -------------------------------------------------------------------
@dataclass(frozen=True)
class _Part:
    """How one per-person part of a round is stored: its collection, key field, the items of a Round, the
    document of an item and back, and what one document adds to the round's counts."""

    collection: str
    key: str
    order: str  # the field a round's documents are listed and paged by (NIP first)
    items: Callable[[Round], Iterable[Any]]
    to_doc: Callable[[Any], Doc]
    from_doc: Callable[[Mapping[str, Any]], Any]
    counts: Callable[[Mapping[str, Any]], dict[str, int]]
    frozen: bool = True  # items never change in place: an item still the loaded object is unchanged


def _preference_doc(p: Preference) -> Doc:
    return {"nip": p.nip, "ranked": list(p.ranked), "avoid_units": sorted(p.avoid_units), "note": p.note}


def _preference(d: Mapping[str, Any]) -> Preference:
    return Preference(d["nip"], tuple(d["ranked"]), frozenset(d.get("avoid_units", [])), d.get("note", ""))


def _entry_doc(e: PlanEntry) -> Doc:
    return {"nip": e.nip, "from_post": e.from_post, "to_post": e.to_post, "score": e.score, "parts": dict(e.parts),
            "jpm_target": e.jpm_target, "override_reason": e.override_reason, "overridden_by": e.overridden_by,
            "kind": e.kind, "moved": e.moved}  # fmt: skip


def _entry(d: Mapping[str, Any]) -> PlanEntry:
    return PlanEntry(d["nip"], d["from_post"], d["to_post"], float(d["score"]), dict(d["parts"]),
                     float(d["jpm_target"]), d.get("override_reason"), d.get("overridden_by"),
                     d.get("kind", "rotasi"))  # fmt: skip


def _entry_counts(d: Mapping[str, Any]) -> dict[str, int]:
    moved = int(d["to_post"] != d["from_post"])
    return {"people": 1, "moves": moved, f"kind_{d.get('kind', 'rotasi')}": moved,
            "overrides": int(bool(d.get("override_reason")))}  # fmt: skip


def _decision_doc(d: Decision) -> Doc:
    return {"decision_id": d.decision_id, "nip": d.nip, "order": f"{d.nip}/{d.decision_id}",
            "from_post": d.from_post, "to_post": d.to_post,
            "effective_date": d.effective_date.isoformat(), "decided_at": storable(d.decided_at),
            "reason_summary": d.reason_summary, "score": d.score, "parts": dict(d.parts), "jpm_target": d.jpm_target,
            "override_reason": d.override_reason, "supersedes": d.supersedes,
            "superseded_by": d.superseded_by}  # fmt: skip


def _decision(d: Mapping[str, Any]) -> Decision:
    return Decision(
        d["decision_id"], d["nip"], d["from_post"], d["to_post"], date.fromisoformat(d["effective_date"]),
        _dt(d["decided_at"]), d["reason_summary"], float(d["score"]), dict(d["parts"]), float(d["jpm_target"]),
        d.get("override_reason"), d.get("supersedes"), d.get("superseded_by"),
    )  # fmt: skip


def _decision_counts(d: Mapping[str, Any]) -> dict[str, int]:
    return {"decisions": int(d.get("superseded_by") is None and d["to_post"] != d["from_post"])}


def _objection_doc(o: Objection) -> Doc:
    return {"objection_id": o.objection_id, "nip": o.nip, "order": f"{o.nip}/{o.objection_id}",
            "decision_id": o.decision_id, "reason": o.reason,
            "filed_on": o.filed_on.isoformat(), "state": o.state.value, "reviewer": o.reviewer,
            "review_note": o.review_note, "new_decision_id": o.new_decision_id}  # fmt: skip


def _objection(o: Mapping[str, Any]) -> Objection:
    return Objection(o["objection_id"], o["nip"], o["decision_id"], o["reason"], date.fromisoformat(o["filed_on"]),
                     ObjectionState(o["state"]), o.get("reviewer"), o.get("review_note"),
                     o.get("new_decision_id"))  # fmt: skip


PREFERENCE_PART = _Part(PREFERENCES, "nip", "nip", lambda r: r.preferences.values(), _preference_doc,
                        _preference, lambda d: {"preferences": 1})  # fmt: skip
ENTRY_PART = _Part(PLAN_ENTRIES, "nip", "nip", lambda r: r.plan.entries.values() if r.plan else (),
                   _entry_doc, _entry, _entry_counts)  # fmt: skip
DECISION_PART = _Part(DECISIONS, "decision_id", "order", lambda r: r.decisions.values(),
                      _decision_doc, _decision, _decision_counts)  # fmt: skip
OBJECTION_PART = _Part(OBJECTIONS, "objection_id", "order", lambda r: r.objections.values(),
                       _objection_doc, _objection, lambda d: {"objections": 1}, frozen=False)  # fmt: skip
PARTS = (PREFERENCE_PART, ENTRY_PART, DECISION_PART, OBJECTION_PART)


# --- the round document ---------------------------------------------------------------------------------
def _plan_header(p: Plan) -> Doc:
    return {"plan_id": p.plan_id, "total_fit": p.total_fit, "greedy_total_fit": p.greedy_total_fit,
            "gain_over_greedy_pct": p.gain_over_greedy_pct, "eligible_pairs": p.eligible_pairs,
            "solve_seconds": p.solve_seconds, "rules": dict(p.rules),
            "status_quo_total_fit": p.status_quo_total_fit}  # fmt: skip


def round_header(r: Round) -> Doc:
    """The round document without counts: what does not grow with the number of people (approvals are at most
    two per plan: a new plan resets them)."""
    doc: Doc = storable({
        "agency_id": r.agency_id, "round_id": r.round_id, "layout": LAYOUT, "name": r.name, "period": r.period,
        "announced_on": r.announced_on.isoformat(), "preferences_open_until": r.preferences_open_until.isoformat(),
        "effective_date": r.effective_date.isoformat(), "max_preferences": r.max_preferences,
        "objection_days": r.objection_days, "scope_units": list(r.scope_units), "state": r.state.value,
        "plan": _plan_header(r.plan) if r.plan is not None else None,
        "approvals": [{"user": a.user, "at": a.at} for a in r.approvals],
        "decided_on": r.decided_on.isoformat() if r.decided_on else None, "agencies": list(r.agencies),
    })  # fmt: skip
    return doc


def _round(d: Mapping[str, Any], parts: Mapping[str, list[Any]]) -> Round:
    plan = None
    if d.get("plan"):
        p = d["plan"]
        plan = Plan(p["plan_id"], {e.nip: e for e in parts[PLAN_ENTRIES]}, float(p["total_fit"]),
                    float(p["greedy_total_fit"]), float(p["gain_over_greedy_pct"]), int(p["eligible_pairs"]),
                    float(p["solve_seconds"]), dict(p.get("rules", {})),
                    float(p.get("status_quo_total_fit", 0.0)))  # fmt: skip
    return Round(
        round_id=d["round_id"], agency_id=d["agency_id"], name=d["name"], period=d["period"],
        announced_on=date.fromisoformat(d["announced_on"]),
        preferences_open_until=date.fromisoformat(d["preferences_open_until"]),
        effective_date=date.fromisoformat(d["effective_date"]), max_preferences=int(d["max_preferences"]),
        objection_days=int(d["objection_days"]), scope_units=tuple(d.get("scope_units", ())),
        state=RoundState(d["state"]), preferences={p.nip: p for p in parts[PREFERENCES]}, plan=plan,
        approvals=[Approval(a["user"], _dt(a["at"])) for a in d.get("approvals", [])],
        decisions={x.decision_id: x for x in parts[DECISIONS]},
        objections={o.objection_id: o for o in parts[OBJECTIONS]},
        decided_on=_d(d.get("decided_on")), agencies=tuple(d.get("agencies", ())),
    )  # fmt: skip


def tally_of(counts: Mapping[str, int]) -> Tally:
    return Tally(
        preferences=counts.get("preferences", 0), decisions=counts.get("decisions", 0),
        objections=counts.get("objections", 0), people=counts.get("people", 0), moves=counts.get("moves", 0),
        overrides=counts.get("overrides", 0),
        moves_by_kind={k.value: counts.get(f"kind_{k.value}", 0) for k in MoveKind},
    )  # fmt: skip


# --- what a unit of work loaded, so that a save writes only the difference ---------------------------------
@dataclass
class _Loaded:
    header: Doc  # as stored, counts included
    items: dict[str, dict[str, tuple[Any, Doc]]]  # collection -> key -> (domain object, its document)
    whole: bool  # every person's parts were loaded, plan entries maybe not (False: one person's, or none)


def _memo_key(agency_id: str, round_id: str) -> tuple[str, str, str]:
    return (_MEMO, agency_id, round_id)


def _scope(agency_id: str, round_id: str) -> Doc:
    return {"agency_id": agency_id, "round_id": round_id}


async def _header(uow: UnitOfWork, agency_id: str, round_id: str) -> Doc:
    doc = await uow.collection(ROUNDS).find_one(_scope(agency_id, round_id))
    if doc is None:
        raise NotFound("round_id", f"Putaran {round_id} tidak ditemukan.", f"Round {round_id} not found.")
    return doc


def _of_person(part: _Part, nip: str) -> Doc:
    """The filter of one person's documents of a part, on the index the part is listed by."""
    if part.order == "nip":
        return {"nip": nip}
    return {part.order: {"$gte": f"{nip}/", "$lt": f"{nip}0"}}  # "<nip>/<id>": "/" sorts right before "0"


Entries = Literal["all", "moves", "none"]


async def _load(uow: UnitOfWork, header: Doc, nip: str | None, whole: bool, entries: Entries = "all") -> Round:
    """`whole`: every person's parts, of the plan's entries all, only the moves or none; `nip`: that person's."""
    scope = _scope(header["agency_id"], header["round_id"])
    items: dict[str, dict[str, tuple[Any, Doc]]] = {}
    for part in PARTS:
        if part is ENTRY_PART:
            docs = await _entry_docs(uow, header, nip, entries if whole else "none")
        else:
            query = scope if nip is None else {**scope, **_of_person(part, nip)}
            docs = await uow.collection(part.collection).find(query, sort=[(part.order, 1)]) \
                if whole or nip is not None else []  # fmt: skip
        items[part.collection] = {d[part.key]: (part.from_doc(d), d) for d in docs}
    r = _round(header, {c: [obj for obj, _ in found.values()] for c, found in items.items()})
    uow.memo[_memo_key(r.agency_id, r.round_id)] = _Loaded(header, items, whole)
    return r


async def _entry_docs(uow: UnitOfWork, header: Doc, nip: str | None, entries: Entries) -> list[Doc]:
    scope = (header["agency_id"], header["round_id"])
    if nip is not None:
        return list((await ENTRIES.get(uow, scope, [nip])).values())
    if entries == "none" or not header.get("plan"):
        return []
    docs = await ENTRIES.all(uow, scope)
    return [d for d in docs if d["moved"]] if entries == "moves" else docs


async def get_round(uow: UnitOfWork, agency_id: str, round_id: str) -> Round:
    """The whole round: every person's preference, plan entry, decisions and objections."""
    return await _load(uow, await _header(uow, agency_id, round_id), None, True)


async def get_round_moves(uow: UnitOfWork, agency_id: str, round_id: str) -> Round:
    """The round with its plan's moves (no stayer's entry), the preferences, decisions and objections: enough to
    decide the plan. Its plan keeps the totals; it cannot be replaced by a new plan."""
    return await _load(uow, await _header(uow, agency_id, round_id), None, True, "moves")


async def get_round_to_plan(uow: UnitOfWork, agency_id: str, round_id: str, people: bool = True) -> Round:
    """The round with every person's parts but no plan entry: enough to plan it again (a new plan replaces every
    entry without reading them). `people=False`: no person's part at all, to write a plan made from the round as
    read earlier in a state where its people's parts cannot change (closed or planned)."""
    header = await _header(uow, agency_id, round_id)
    if people:
        return await _load(uow, header, None, True, "none")
    r = await _load(uow, header, None, False, "none")
    loaded = uow.memo[_memo_key(r.agency_id, r.round_id)]
    loaded.whole = r.state in (RoundState.CLOSED, RoundState.PLANNED)  # nobody's part to read: none can change
    return r


async def get_round_part(uow: UnitOfWork, agency_id: str, round_id: str, nip: str | None) -> Round:
    """The round with only `nip`'s preference, plan entry, decisions and objections (nobody's when None); its
    plan keeps the totals. Enough to change that person's parts or the round's state."""
    return await _load(uow, await _header(uow, agency_id, round_id), nip, False)


async def rounds_of(uow: UnitOfWork, agency_id: str) -> list[Round]:
    """The agency's rounds without their per-person parts (`tally` has the counts)."""
    docs = await uow.collection(ROUNDS).find({"agency_id": agency_id}, sort=[("announced_on", 1)])
    return [await _load(uow, d, None, False) for d in docs]


async def round_spanning(uow: UnitOfWork, round_id: str, agency_id: str, nip: str | None = None) -> Round | None:
    """A province round that includes the agency, with only `nip`'s parts."""
    doc = await uow.collection(ROUNDS).find_one({"round_id": round_id, "agencies": agency_id})
    return await _load(uow, doc, nip, False) if doc is not None else None


async def tally(uow: UnitOfWork, r: Round) -> Tally:
    """The counts of the round's per-person parts as stored (after this unit's saves)."""
    loaded = uow.memo.get(_memo_key(r.agency_id, r.round_id))
    header = loaded.header if isinstance(loaded, _Loaded) else await _header(uow, r.agency_id, r.round_id)
    return tally_of(header.get("counts", {}))


def _add(counts: dict[str, int], change: Mapping[str, int], sign: int) -> None:
    for k, v in change.items():
        counts[k] = counts.get(k, 0) + sign * v


async def save_round(uow: UnitOfWork, r: Round) -> None:
    """Write what changed since the round was loaded in this unit of work (everything for a new round)."""
    loaded = uow.memo.get(_memo_key(r.agency_id, r.round_id))
    before = loaded if isinstance(loaded, _Loaded) else _Loaded({}, {}, True)
    scope = _scope(r.agency_id, r.round_id)
    counts = dict(before.header.get("counts", {}))
    old_plan = (before.header.get("plan") or {}).get("plan_id")
    new_plan = r.plan.plan_id if r.plan is not None else None
    items: dict[str, dict[str, tuple[Any, Doc]]] = {}
    for part in PARTS:
        old = before.items.get(part.collection, {})
        replaced = part is ENTRY_PART and old_plan != new_plan
        if replaced and not before.whole:  # a plan is made from everyone's preferences (entries need not be read)
            raise RuntimeError("a round loaded for one person cannot replace its plan")
        now: dict[str, tuple[Any, Doc]] = {}
        added: list[Doc] = []  # nobody's document yet (the unit loaded the part, or the round is new)
        changed: list[Doc] = []
        for obj in part.items(r):
            key = getattr(obj, part.key)
            held = old.get(key)
            unchanged = held is not None and held[0] is obj and part.frozen  # untouched: no document to build
            if unchanged and held is not None and not replaced:
                now[key] = held
                continue
            doc = {**scope, **part.to_doc(obj)}  # already as stored: plain values, ISO dates, aware datetimes
            now[key] = (obj, doc)
            if replaced or held is None:
                added.append(doc)
                if not replaced:  # a new plan's entries are counted once, in _save_entries
                    _add(counts, part.counts(doc), 1)
            elif held[1] != doc:
                changed.append(doc)
                _add(counts, part.counts(held[1]), -1)
                _add(counts, part.counts(doc), 1)
        if part is ENTRY_PART:
            await _save_entries(uow, r, counts, old, now, added, changed, replaced, bool(before.header))
            items[part.collection] = now
            continue
        collection = uow.collection(part.collection)
        if replaced:
            for _, doc in old.values():
                _add(counts, part.counts(doc), -1)
            if before.header:
                await collection.delete_many(scope)
        else:
            gone = [k for k in old if k not in now]
            for k in gone:
                _add(counts, part.counts(old[k][1]), -1)
            if gone:
                await collection.delete_many({**scope, part.key: {"$in": gone}})
            if changed:
                keys = ("agency_id", "round_id", part.key)  # every changed document was loaded: it is stored
                await collection.bulk_upsert(changed, keys, stored={tuple(d[k] for k in keys) for d in changed})
        for start in range(0, len(added), INSERT_CHUNK):  # a province round decides ~40,000 people at once
            await collection.insert_many(added[start : start + INSERT_CHUNK])
        items[part.collection] = now
    header = {**round_header(r), "counts": {k: v for k, v in sorted(counts.items()) if v}}
    if header != before.header:
        await uow.collection(ROUNDS).replace_one(scope, header, upsert=True)
    uow.memo[_memo_key(r.agency_id, r.round_id)] = _Loaded(header, items, before.whole)


def _is_entry_count(key: str) -> bool:
    return key in ("people", "moves", "overrides") or key.startswith("kind_")


async def _save_entries(uow: UnitOfWork, r: Round, counts: dict[str, int], old: Mapping[str, tuple[Any, Doc]],
                        now: Mapping[str, Any], added: list[Doc], changed: list[Doc], replaced: bool,
                        stored: bool) -> None:  # fmt: skip
    """The plan's entries in their buckets: a new plan replaces the round's buckets (and the counts its entries
    made, without reading them), an override rewrites the bucket of each changed entry."""
    scope = (r.agency_id, r.round_id)
    if replaced:
        for key in [k for k in counts if _is_entry_count(k)]:
            counts[key] = 0
        for doc in added:
            _add(counts, ENTRY_PART.counts(doc), 1)
        if stored:
            await ENTRIES.replace_scope(uow, scope, added)
        elif added:
            await ENTRIES.add(uow, added)
        return
    if [k for k in old if k not in now]:
        raise RuntimeError("a plan's entries are only removed by a new plan")
    if changed or added:
        await ENTRIES.save(uow, [*changed, *added], stored=[d["nip"] for d in changed])


# --- pages of a round's people --------------------------------------------------------------------------
async def _page(uow: UnitOfWork, part: _Part, r: Round, where: Doc, limit: int, after: str | None) -> Page:
    """Up to `limit` documents that sort after `after` (the `next` of the previous page: the last one's order)."""
    query = {**_scope(r.agency_id, r.round_id), **where, **({part.order: {"$gt": after}} if after else {})}
    docs = await uow.collection(part.collection).find(query, sort=[(part.order, 1)], limit=limit + 1)
    more = len(docs) > limit
    docs = docs[:limit]
    return Page([part.from_doc(d) for d in docs], str(docs[-1][part.order]) if more else None)


PAGE_BUCKETS = 4  # buckets read at a time for a page of plan entries


async def plan_entries_page(uow: UnitOfWork, r: Round, moves_only: bool, limit: int, after: str | None = None) -> Page:
    """Up to `limit` plan entries in NIP order after the cursor (moves only, or everyone): the bucket holding the
    cursor, then the next buckets in NIP order until the page is full."""
    scope = _scope(r.agency_id, r.round_id)
    collection = uow.collection(PLAN_ENTRY_BUCKETS)
    found: list[Doc] = []
    start: Doc = scope
    if after is not None:
        found += await collection.find({**scope, "first": {"$lte": after}}, sort=[("first", -1)], limit=1)
        start = {**scope, "first": {"$gt": after}}
    picked: list[Doc] = []
    while True:
        for bucket in found:
            picked += [e for e in sorted(ENTRIES.records(bucket), key=lambda d: str(d["nip"]))
                       if (after is None or e["nip"] > after) and (e["moved"] or not moves_only)]  # fmt: skip
        if len(picked) > limit:
            break
        found = await collection.find(start, sort=[("first", 1)], limit=PAGE_BUCKETS)
        if not found:
            break
        start = {**scope, "first": {"$gt": found[-1]["first"]}}
    more = len(picked) > limit
    picked = picked[:limit]
    return Page([_entry(d) for d in picked], str(picked[-1]["nip"]) if more else None)


async def decisions_page(uow: UnitOfWork, r: Round, limit: int, after: str | None = None) -> Page:
    """Up to `limit` decisions (superseded ones included) in (NIP, decision id) order after the cursor."""
    return await _page(uow, DECISION_PART, r, {}, limit, after)


async def objections_page(uow: UnitOfWork, r: Round, limit: int, after: str | None = None) -> Page:
    """Up to `limit` objections in (NIP, objection id) order after the cursor."""
    return await _page(uow, OBJECTION_PART, r, {}, limit, after)


async def bucket_old_entries(begin: Callable[[], UnitOfWork]) -> int:
    """Move plan entries still kept one document per person (layout 2) into buckets; returns how many moved. Safe
    to run again and on several replicas at once (chassis `Buckets.move_over`)."""
    return await ENTRIES.move_over(begin, PLAN_ENTRIES)


# --- rounds stored before the split -----------------------------------------------------------------------
def _embedded(d: Mapping[str, Any]) -> Round:
    """A round document of layout 1, with every per-person part inside it."""
    plan = d.get("plan") or {}
    parts: dict[str, list[Any]] = {
        PREFERENCES: [_preference(p) for p in d.get("preferences", [])],
        PLAN_ENTRIES: [_entry(e) for e in plan.get("entries", [])],
        DECISIONS: [_decision(x) for x in d.get("decisions", [])],
        OBJECTIONS: [_objection(o) for o in d.get("objections", [])],
    }
    return _round(d, parts)


async def split_embedded_rounds(begin: Callable[[], UnitOfWork]) -> int:
    """Move the per-person parts out of every round document still in layout 1, one transaction per round.
    Safe to run again and on several replicas at once: a round another replica split meanwhile is skipped."""
    moved, skipped = 0, set()
    while True:
        async with begin() as uow:
            doc = await uow.collection(ROUNDS).find_one({"layout": {"$exists": False}})
            if doc is None:
                return moved
            key = (doc["agency_id"], doc["round_id"])
            try:
                await save_round(uow, _embedded(doc))
                await uow.commit()
                moved += 1
            except Exception:
                if key in skipped:  # failed twice: not a race with another replica
                    raise
                skipped.add(key)
