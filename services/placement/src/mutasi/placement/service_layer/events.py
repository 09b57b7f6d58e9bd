"""Domain decisions turned into the public `mutation-decided` contract (what training and evaluation need)."""

from __future__ import annotations

from typing import Any

from mutasi.contracts.common import PostRef, PredicateYear
from mutasi.contracts.placement import GroupProfile, MutationDecidedV1
from mutasi.contracts.vocabulary import MoveKindName
from mutasi.placement.domain.candidates import Candidate
from mutasi.placement.domain.fairness import profile_of
from mutasi.placement.domain.posts import Post
from mutasi.placement.domain.ranks import post_level
from mutasi.placement.domain.rounds import Decision, Round


def _local(an_id: str | None) -> str | None:
    """Ids in events are the agency's own; a province round's `<agency>:<id>` loses its agency part."""
    return an_id.split(":", 1)[-1] if an_id else an_id


def post_ref(post: Post | None, fallback: dict[str, Any] | None, post_id: str) -> PostRef:
    if post is not None:
        return PostRef(post_id=post.post_id.split(":", 1)[-1], post_name=post.name,
                       unit_id=post.unit_id.split(":", 1)[-1], unit_name=post.unit_name, post_type=post.post_type,
                       eselon=post.eselon, reports_to_post_id=_local(post.reports_to))  # fmt: skip
    if fallback and fallback.get("post_id") == _local(post_id):
        return PostRef.model_validate(fallback)
    return PostRef(post_id=post_id, post_name=post_id, unit_id="", unit_name="", post_type="pelaksana")


def kind_of(old: PostRef, new: PostRef) -> MoveKindName:
    """rotasi, promosi or demosi on the jenjang ladder (domain.ranks.post_level), as plans name them."""
    delta = post_level(new.post_type, new.post_name) - post_level(old.post_type, old.post_name)
    return "promosi" if delta > 0 else "demosi" if delta < 0 else "rotasi"


WEIGHTED_PARTS = ("jpm", "education", "box", "preference")


def mutation_decided(
    r: Round, d: Decision, c: Candidate, posts: dict[str, Post], current_post_ref: dict[str, Any] | None
) -> MutationDecidedV1:
    """The event of one decision; `score_weights` are the weights of the plan the decision came from."""
    old = post_ref(posts.get(d.from_post), current_post_ref, d.from_post)
    new = post_ref(posts.get(d.to_post), current_post_ref, d.to_post)
    target = posts.get(d.to_post)
    return MutationDecidedV1(
        decision_id=d.decision_id, round_id=r.round_id, nip=d.nip, name=c.name, from_post=old, to_post=new,
        kind=kind_of(old, new), effective_date=d.effective_date, reason_summary=d.reason_summary,
        fit_score=d.score, score_parts=dict(d.parts), score_weights=_weights(r), override_reason=d.override_reason,
        supersedes=d.supersedes, cancelled=d.cancelled, competencies=dict(c.competencies),
        target_standard=target.standard_levels() if target is not None else {},
        predicates_before=[PredicateYear(year=y, predicate=p) for y, p in sorted(c.predicates)],
        jpm_before=c.jpm_current, jpm_target=d.jpm_target, talent_box=c.talent_box,
        profile=_profile(c, d),
        from_agency_id=c.agency_id if target is not None and target.agency_id != c.agency_id else None,
    )  # fmt: skip


def _profile(c: Candidate, d: Decision) -> GroupProfile | None:
    """The person's groups for evaluation's fairness breakdown; left out when the stored data can't be read."""
    try:
        return GroupProfile.model_validate(profile_of(c, d.effective_date))
    except ValueError:
        return None


def _weights(r: Round) -> dict[str, float]:
    used = r.plan.rules.get("weights", {}) if r.plan is not None else {}
    return {part: float(used[part]) for part in WEIGHTED_PARTS if isinstance(used, dict) and part in used}
