"""A mutation round: announce → preferences → closed → planned → approved by two → decided; objections after."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from mutasi.contracts.vocabulary import MoveKind, MoveKindName
from mutasi.placement.domain.errors import InvalidInput, InvalidState, NotAllowed, NotFound
from mutasi.placement.domain.options import Preference
from mutasi.placement.domain.planning import gain_pct

APPROVER_ROLE = "approver"
REQUIRED_APPROVALS = 2  # two different people with the approver role (issue #4)
MIN_REASON_CHARS = 10


class RoundState(StrEnum):
    ANNOUNCED = "announced"  # the preferences window is open
    CLOSED = "closed"
    PLANNED = "planned"
    APPROVED = "approved"
    DECIDED = "decided"


class ObjectionState(StrEnum):
    FILED = "filed"
    UNDER_REVIEW = "under_review"
    UPHELD = "upheld"
    REJECTED = "rejected"


@dataclass(frozen=True)
class PlanEntry:
    """Where the plan puts one person, with the fit score and its parts."""

    nip: str
    from_post: str
    to_post: str
    score: float
    parts: Mapping[str, float]
    jpm_target: float
    override_reason: str | None = None
    overridden_by: str | None = None
    kind: MoveKindName = "rotasi"  # domain.eligibility.move_kind; a stay is rotasi

    @property
    def moved(self) -> bool:
        return self.to_post != self.from_post


@dataclass
class Plan:
    """The optimal plan of a round (or of a what-if scenario) with the greedy baseline for comparison."""

    plan_id: str
    entries: dict[str, PlanEntry]
    total_fit: float
    greedy_total_fit: float
    gain_over_greedy_pct: float
    eligible_pairs: int
    solve_seconds: float
    rules: Mapping[str, object] = field(default_factory=dict)
    status_quo_total_fit: float = 0.0  # everyone stays

    @property
    def gain_over_greedy_of_improvement_pct(self) -> float:
        """How much more the optimum improves on the status quo than greedy does, in percent."""
        greedy_gain = self.greedy_total_fit - self.status_quo_total_fit
        if greedy_gain <= 0:
            return 0.0
        return round(100.0 * (self.total_fit - self.greedy_total_fit) / greedy_gain, 2)

    @property
    def moves(self) -> list[PlanEntry]:
        return [e for e in self.entries.values() if e.moved]

    def moves_by_kind(self) -> dict[str, int]:
        """How many moves of each kind the plan proposes (every kind listed, zeros included)."""
        counts = {k.value: 0 for k in MoveKind}
        for e in self.moves:
            counts[e.kind] = counts.get(e.kind, 0) + 1
        return counts


@dataclass(frozen=True)
class Approval:
    user: str
    at: datetime


@dataclass(frozen=True)
class Decision:
    """One decided move (or a superseding decision that changes or cancels an earlier one)."""

    decision_id: str
    nip: str
    from_post: str
    to_post: str
    effective_date: date
    decided_at: datetime
    reason_summary: str
    score: float
    parts: Mapping[str, float]
    jpm_target: float
    override_reason: str | None = None
    supersedes: str | None = None
    superseded_by: str | None = None

    @property
    def cancelled(self) -> bool:
        return self.to_post == self.from_post


@dataclass
class Objection:
    """A keberatan against a decision, and how it was reviewed."""

    objection_id: str
    nip: str
    decision_id: str
    reason: str
    filed_on: date
    state: ObjectionState = ObjectionState.FILED
    reviewer: str | None = None
    review_note: str | None = None
    new_decision_id: str | None = None


@dataclass(frozen=True)
class Caller:
    """Who acts: the user (`sub` of the verified token) and the role the access policy granted."""

    user: str | None
    role: str | None


def _require_approver(caller: Caller) -> str:
    if caller.role != APPROVER_ROLE or not caller.user:
        raise NotAllowed(
            "token.roles",
            "Hanya pengguna berperan approver yang boleh melakukan ini.",
            "Only a user with the approver role may do this.",
        )
    return caller.user


def _require_reason(reason: str, field_name: str) -> str:
    text = reason.strip()
    if len(text) < MIN_REASON_CHARS:
        raise InvalidInput(
            field_name,
            f"Alasan tertulis wajib diisi (minimal {MIN_REASON_CHARS} karakter).",
            f"A written reason is required (at least {MIN_REASON_CHARS} characters).",
        )
    return text


@dataclass
class Round:
    """The aggregate of one mutation round in one agency."""

    round_id: str
    agency_id: str
    name: str
    period: str
    announced_on: date
    preferences_open_until: date
    effective_date: date
    max_preferences: int = 5
    objection_days: int = 14
    scope_units: tuple[str, ...] = ()
    state: RoundState = RoundState.ANNOUNCED
    preferences: dict[str, Preference] = field(default_factory=dict)
    plan: Plan | None = None
    approvals: list[Approval] = field(default_factory=list)
    decisions: dict[str, Decision] = field(default_factory=dict)
    objections: dict[str, Objection] = field(default_factory=dict)
    decided_on: date | None = None
    agencies: tuple[str, ...] = ()  # a province round across agencies (PP 11/2017 inter-agency mutasi); () = own

    @property
    def cross_agency(self) -> bool:
        return len(self.agencies) > 1

    @classmethod
    def announce(
        cls,
        round_id: str,
        agency_id: str,
        name: str,
        period: str,
        today: date,
        preferences_open_until: date,
        effective_date: date,
        max_preferences: int = 5,
        objection_days: int = 14,
        scope_units: tuple[str, ...] = (),
        agencies: tuple[str, ...] = (),
    ) -> Round:
        if preferences_open_until < today:
            raise InvalidInput(
                "preferences_open_until",
                "Batas pengisian pilihan tidak boleh sebelum hari ini.",
                "The preferences deadline cannot be before today.",
            )
        if effective_date < preferences_open_until:
            raise InvalidInput(
                "effective_date",
                "TMT mutasi harus setelah batas pengisian pilihan.",
                "The effective date must be after the preferences deadline.",
            )
        if not 1 <= max_preferences <= 10:
            raise InvalidInput(
                "max_preferences", "Jumlah pilihan harus 1 sampai 10.", "The number of preferences must be 1 to 10."
            )
        return cls(
            round_id,
            agency_id,
            name,
            period,
            today,
            preferences_open_until,
            effective_date,
            max_preferences,
            objection_days,
            scope_units,
            agencies=tuple(sorted(set(agencies))),
        )

    def _expect(self, *states: RoundState) -> None:
        if self.state not in states:
            allowed = ", ".join(s.value for s in states)
            raise InvalidState(
                "state",
                f"Putaran berstatus {self.state.value}; tindakan ini hanya untuk {allowed}.",
                f"The round is {self.state.value}; this action needs {allowed}.",
            )

    def in_scope(self, unit_id: str) -> bool:
        return not self.scope_units or unit_id in self.scope_units

    def submit_preference(self, preference: Preference, today: date, known_posts: frozenset[str]) -> None:
        self._expect(RoundState.ANNOUNCED)
        if today > self.preferences_open_until:
            raise InvalidState(
                "preferences_open_until", "Masa pengisian pilihan sudah berakhir.", "The preferences window has ended."
            )
        if len(preference.ranked) > self.max_preferences:
            raise InvalidInput(
                "ranked",
                f"Maksimal {self.max_preferences} pilihan jabatan.",
                f"At most {self.max_preferences} post preferences.",
            )
        if len(set(preference.ranked)) != len(preference.ranked):
            raise InvalidInput("ranked", "Jabatan yang sama dipilih lebih dari sekali.", "A post is listed twice.")
        unknown = [p for p in preference.ranked if p not in known_posts]
        if unknown:
            raise InvalidInput(
                "ranked", f"Jabatan tidak dikenal: {', '.join(unknown)}.", f"Unknown posts: {', '.join(unknown)}."
            )
        self.preferences[preference.nip] = preference

    def close(self) -> None:
        self._expect(RoundState.ANNOUNCED)
        self.state = RoundState.CLOSED

    def record_plan(self, plan: Plan) -> None:
        """A (re)computed plan replaces the previous one and needs fresh approvals."""
        self._expect(RoundState.CLOSED, RoundState.PLANNED)
        self.plan = plan
        self.approvals = []
        self.state = RoundState.PLANNED

    def _planned(self) -> Plan:
        self._expect(RoundState.PLANNED)
        assert self.plan is not None
        return self.plan

    def entry(self, nip: str) -> PlanEntry:
        plan = self.plan
        if plan is None or nip not in plan.entries:
            raise NotFound("nip", f"NIP {nip} tidak ada dalam rencana.", f"NIP {nip} is not in the plan.")
        return plan.entries[nip]

    def override(self, entry: PlanEntry, reason: str, caller: Caller) -> PlanEntry:
        """An approver replaces one assignment; the written reason is kept and earlier approvals lapse."""
        user = _require_approver(caller)
        plan = self._planned()
        self.entry(entry.nip)
        text = _require_reason(reason, "reason")
        new = replace(entry, override_reason=text, overridden_by=user)
        plan.entries[entry.nip] = new
        plan.total_fit = round(sum(e.score for e in plan.entries.values()), 2)
        plan.gain_over_greedy_pct = gain_pct(plan.total_fit, plan.greedy_total_fit)
        self.approvals = []
        return new

    def approve(self, caller: Caller, at: datetime) -> None:
        user = _require_approver(caller)
        self._planned()
        if any(a.user == user for a in self.approvals):
            raise InvalidState(
                "token.sub",
                "Anda sudah menyetujui rencana ini; perlu penyetuju kedua yang berbeda.",
                "You already approved this plan; a second, different approver is needed.",
            )
        self.approvals.append(Approval(user, at))
        if len(self.approvals) >= REQUIRED_APPROVALS:
            self.state = RoundState.APPROVED

    def decide(self, new_ids: list[str], at: datetime, reasons: Mapping[str, str]) -> list[Decision]:
        """One decision per move of the approved plan; `new_ids` supplies the decision ids in NIP order."""
        self._expect(RoundState.APPROVED)
        assert self.plan is not None
        moves = sorted(self.plan.moves, key=lambda e: e.nip)
        if len(new_ids) < len(moves):
            raise ValueError("not enough decision ids")
        out = []
        for decision_id, e in zip(new_ids, moves, strict=False):
            d = Decision(
                decision_id,
                e.nip,
                e.from_post,
                e.to_post,
                self.effective_date,
                at,
                reasons.get(e.nip, ""),
                e.score,
                e.parts,
                e.jpm_target,
                e.override_reason,
            )
            self.decisions[decision_id] = d
            out.append(d)
        self.state = RoundState.DECIDED
        self.decided_on = at.date()
        return out

    def active_decision(self, nip: str) -> Decision | None:
        return next((d for d in self.decisions.values() if d.nip == nip and d.superseded_by is None), None)

    def file_objection(self, objection_id: str, nip: str, reason: str, today: date) -> Objection:
        self._expect(RoundState.DECIDED)
        decision = self.active_decision(nip)
        if decision is None or decision.cancelled:
            raise NotFound("nip", f"Tidak ada keputusan mutasi untuk NIP {nip}.", f"No move decided for NIP {nip}.")
        assert self.decided_on is not None
        deadline = self.decided_on + timedelta(days=self.objection_days)
        if today > deadline:
            raise InvalidState(
                "filed_on",
                f"Batas waktu keberatan sudah lewat ({deadline.isoformat()}).",
                f"The objection deadline has passed ({deadline.isoformat()}).",
            )
        if any(
            o.nip == nip and o.state in (ObjectionState.FILED, ObjectionState.UNDER_REVIEW)
            for o in self.objections.values()
        ):
            raise InvalidState("nip", "Keberatan sebelumnya masih diproses.", "An earlier objection is still open.")
        objection = Objection(objection_id, nip, decision.decision_id, _require_reason(reason, "reason"), today)
        self.objections[objection_id] = objection
        return objection

    def objection(self, objection_id: str) -> Objection:
        if objection_id not in self.objections:
            raise NotFound("objection_id", "Keberatan tidak ditemukan.", "Objection not found.")
        return self.objections[objection_id]

    def start_review(self, objection_id: str, caller: Caller) -> Objection:
        user = _require_approver(caller)
        o = self.objection(objection_id)
        if o.state is not ObjectionState.FILED:
            raise InvalidState("state", "Keberatan ini sudah ditinjau.", "This objection is already under review.")
        o.state, o.reviewer = ObjectionState.UNDER_REVIEW, user
        return o

    def reject_objection(self, objection_id: str, note: str, caller: Caller) -> Objection:
        o = self._reviewing(objection_id, caller)
        o.state, o.review_note = ObjectionState.REJECTED, _require_reason(note, "note")
        return o

    def uphold_objection(
        self,
        objection_id: str,
        note: str,
        caller: Caller,
        new_entry: PlanEntry,
        decision_id: str,
        at: datetime,
        reason_summary: str,
    ) -> Decision:
        """The objection holds: a new decision (another post, or back to the old one) supersedes the old."""
        o = self._reviewing(objection_id, caller)
        text = _require_reason(note, "note")
        old = self.decisions[o.decision_id]
        new = Decision(
            decision_id,
            o.nip,
            old.from_post,
            new_entry.to_post,
            self.effective_date,
            at,
            reason_summary,
            new_entry.score,
            new_entry.parts,
            new_entry.jpm_target,
            override_reason=f"Keberatan dikabulkan: {text}",
            supersedes=old.decision_id,
        )
        self.decisions[old.decision_id] = replace(old, superseded_by=decision_id)
        self.decisions[decision_id] = new
        o.state, o.review_note, o.new_decision_id = ObjectionState.UPHELD, text, decision_id
        return new

    def _reviewing(self, objection_id: str, caller: Caller) -> Objection:
        user = _require_approver(caller)
        o = self.objection(objection_id)
        if o.state is not ObjectionState.UNDER_REVIEW:
            raise InvalidState("state", "Keberatan harus dalam peninjauan dulu.", "The objection must be under review.")
        o.reviewer = user
        return o
