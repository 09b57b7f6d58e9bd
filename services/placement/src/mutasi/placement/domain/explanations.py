"""Per-person explanations in Indonesian: moved or not, where, the score parts, excluded wishes, next best."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mutasi.placement.domain.eligibility import EligibilityResult
from mutasi.placement.domain.planning import Option
from mutasi.placement.domain.rounds import PlanEntry

PART_LABELS_ID: Mapping[str, str] = {
    "jpm": "kesesuaian kompetensi (JPM)",
    "education": "kesesuaian bidang pendidikan",
    "box": "rekomendasi kotak talenta",
    "preference": "pilihan Anda",
    "move_cost": "biaya perpindahan (lebih besar bila Anda sudah sesuai di jabatan sekarang)",
}


@dataclass(frozen=True)
class AskedFor:
    """How one of the person's preferences fared."""

    rank: int
    post_id: str
    eligible: bool
    reasons_id: tuple[str, ...]
    reasons_en: tuple[str, ...]
    score: float | None


@dataclass(frozen=True)
class Explanation:
    nip: str
    moved: bool
    from_post: str
    to_post: str
    score: float
    parts: Mapping[str, float]
    override_reason: str | None
    asked_for: tuple[AskedFor, ...]
    next_best: tuple[tuple[str, float], ...]
    text_id: tuple[str, ...]
    jpm_before: float | None = None  # assessment's JPM in the current post
    jpm_after: float | None = None  # JPM against the post the person ends in
    kind: str = "rotasi"
    requirement_checks: tuple[tuple[str, str], ...] = ()  # (code, outcome) of the rules a promosi must pass


@dataclass(frozen=True)
class MoveFacts:
    """What the explanation tells about the move itself: JPM before and after, field match, requirement checks."""

    jpm_before: float
    education_field: str
    field_matches: bool | None  # None when the target post names no field
    checks: EligibilityResult | None = None  # every rule for the chosen pair (shown for a promotion)


PROMOTION_CODES = ("PROMOSI_TENURE", "PROMOSI_JF_UKOM", "PROMOSI_JPT_MAX_AGE", "JOB_REQUIREMENTS", "BUP_TARGET_POST")
OUTCOME_ID = {"passed": "terpenuhi", "failed": "tidak terpenuhi", "not_applicable": "tidak berlaku"}
KIND_ID = {"rotasi": "rotasi (jenjang sama)", "promosi": "promosi (jenjang naik)", "demosi": "demosi (jenjang turun)"}


def _move_lines(entry: PlanEntry, facts: MoveFacts) -> list[str]:
    after = entry.jpm_target
    gain = after - facts.jpm_before
    lines = [
        f"Kesesuaian kompetensi (JPM) Anda {facts.jpm_before:.1f}% di jabatan sekarang menjadi {after:.1f}% "
        f"di jabatan {'tujuan' if entry.moved else 'ini'} ({'naik' if gain >= 0 else 'turun'} "
        f"{abs(gain):.1f} poin)."
    ]
    if facts.field_matches is not None:
        verdict = "sesuai" if facts.field_matches else "tidak termasuk bidang yang diminta"
        lines.append(f"Bidang pendidikan Anda ({facts.education_field}) {verdict} untuk jabatan ini.")
    if entry.moved:
        lines.append(f"Jenis perpindahan: {KIND_ID.get(entry.kind, entry.kind)}.")
    if entry.kind == "promosi" and facts.checks is not None:
        by_code = {r.code: r for r in facts.checks.results}
        shown = [by_code[c] for c in PROMOTION_CODES if c in by_code]
        lines.append("Syarat promosi: " + "; ".join(f"[{r.code}] {OUTCOME_ID[r.outcome.value]}" for r in shown) + ".")
    return lines


def _parts_text(parts: Mapping[str, float]) -> str:
    return "; ".join([f"{PART_LABELS_ID.get(k, k)} {v:+.1f}" for k, v in parts.items() if v])


def explain(
    entry: PlanEntry,
    post_names: Mapping[str, str],
    options: Sequence[Option],
    ranked: Sequence[str],
    asked_results: Mapping[str, EligibilityResult],
    ineligible_person: EligibilityResult | None = None,
    next_best_count: int = 3,
    facts: MoveFacts | None = None,
) -> Explanation:
    """Explain one plan entry (or decision) to the person it is about."""

    def name(post_id: str) -> str:
        return post_names.get(post_id, post_id)

    lines = []
    if entry.moved:
        lines.append(f"Anda ditempatkan dari {name(entry.from_post)} ke {name(entry.to_post)}.")
    else:
        lines.append(f"Anda tetap pada jabatan {name(entry.from_post)}.")
    lines.append(f"Skor kecocokan {entry.score:.1f} dari 100: {_parts_text(entry.parts)}.")
    if facts is not None:
        lines += _move_lines(entry, facts)
    if entry.override_reason:
        lines.append(f"Penempatan ini ditetapkan oleh penyetuju dengan alasan tertulis: {entry.override_reason}")
    if ineligible_person is not None and (failed := ineligible_person.failures):
        reasons = "; ".join([f.reason_id for f in failed])
        lines.append(f"Anda belum memenuhi syarat mutasi pada putaran ini: {reasons}")
    by_post = {o.post_id: o for o in options if not o.stay} if ranked else {}
    asked = []
    for rank, post_id in enumerate(ranked, start=1):
        result = asked_results.get(post_id)
        fails = result.failures if result is not None else []
        option = by_post.get(post_id)
        asked.append(
            AskedFor(
                rank,
                post_id,
                result is not None and result.eligible,
                tuple(f.reason_id for f in fails),
                tuple(f.reason_en for f in fails),
                option.score if option else None,
            )
        )
        if post_id == entry.to_post:
            lines.append(f"Pilihan ke-{rank} ({name(post_id)}) terpenuhi.")
        elif fails:
            lines.append(
                f"Pilihan ke-{rank} ({name(post_id)}) tidak memenuhi syarat: "
                + "; ".join(f"[{f.code}] {f.reason_id}" for f in fails)
            )
        elif option is not None and option.score <= entry.score:
            lines.append(
                f"Pilihan ke-{rank} ({name(post_id)}) memenuhi syarat, tetapi kecocokan Anda di sana "
                f"({option.score:.1f}) tidak lebih tinggi daripada penempatan ini ({entry.score:.1f})."
            )
        elif option is not None:
            lines.append(
                f"Pilihan ke-{rank} ({name(post_id)}) memenuhi syarat (skor {option.score:.1f}), tetapi "
                "kursinya memberi kecocokan total lebih tinggi bila diisi pegawai lain."
            )
        else:
            lines.append(f"Pilihan ke-{rank} ({name(post_id)}) tidak dipertimbangkan (di luar batasan Anda).")
    others = sorted((o for o in options if o.post_id != entry.to_post), key=lambda o: -o.scaled)[:next_best_count]
    if others:
        lines.append(
            "Alternatif terbaik berikutnya: "
            + ", ".join(f"{'tetap di ' if o.stay else ''}{name(o.post_id)} ({o.score:.1f})" for o in others)
            + "."
        )
    return Explanation(
        entry.nip,
        entry.moved,
        entry.from_post,
        entry.to_post,
        entry.score,
        dict(entry.parts),
        entry.override_reason,
        tuple(asked),
        tuple((o.post_id, o.score) for o in others),
        tuple(lines),
        facts.jpm_before if facts else None,
        entry.jpm_target if facts else None,
        entry.kind,
        tuple((r.code, r.outcome.value) for r in facts.checks.results if r.code in PROMOTION_CODES)
        if facts and facts.checks and entry.kind == "promosi"
        else (),
    )
