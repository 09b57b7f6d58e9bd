"""Indonesian labels and number formatting shared by the spreadsheet and the HTML report."""

from __future__ import annotations

from mutasi.evaluation.domain.followup import FOLLOW_UP_LABELS_ID, FollowUpReason
from mutasi.evaluation.domain.recording import SURVEY_LABELS_ID

POST_TYPES_ID = {
    "jpt_pratama": "JPT Pratama",
    "administrator": "Administrator",
    "pengawas": "Pengawas",
    "fungsional": "Fungsional",
    "pelaksana": "Pelaksana",
}
PARTS_ID = {
    "jpm": "JPM",
    "education": "Kesesuaian pendidikan",
    "talent": "Kotak talenta",
    "box": "Kotak talenta",
    "move_cost": "Biaya perpindahan",
    "performance": "Kinerja",
    "preference": "Preferensi",
    "experience": "Pengalaman",
    "training": "Pelatihan",
}


def survey_label(item: str) -> str:
    return SURVEY_LABELS_ID.get(item, item)


def reason_label(reason: str) -> str:
    return FOLLOW_UP_LABELS_ID.get(FollowUpReason(reason), reason) if reason in set(FollowUpReason) else reason


def post_type_label(key: str) -> str:
    return POST_TYPES_ID.get(key, key)


def part_label(part: str) -> str:
    return PARTS_ID.get(part, part.replace("_", " ").capitalize())


def num(value: float | None, digits: int = 1) -> str:
    """Indonesian style: decimal comma; a dash when there is nothing to show."""
    if value is None:
        return "–"
    return f"{value:,.{digits}f}".replace(",", "·").replace(".", ",").replace("·", ".")


def pct(value: float | None) -> str:
    return "–" if value is None else f"{num(value * 100, 0)}%"


def signed(value: float | None) -> str:
    if value is None:
        return "–"
    return ("+" if value > 0 else "") + num(value)
