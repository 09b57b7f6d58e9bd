"""Golongan (civil-service rank) codes for PNS and PPPK, with their order and pangkat names."""

from __future__ import annotations

# PNS golongan/pangkat, lowest first (docs/domain.md#ranks-and-eselon, PP 99/2000 structure) [V].
PNS_PANGKAT: dict[str, str] = {
    "I/a": "Juru Muda",
    "I/b": "Juru Muda Tingkat I",
    "I/c": "Juru",
    "I/d": "Juru Tingkat I",
    "II/a": "Pengatur Muda",
    "II/b": "Pengatur Muda Tingkat I",
    "II/c": "Pengatur",
    "II/d": "Pengatur Tingkat I",
    "III/a": "Penata Muda",
    "III/b": "Penata Muda Tingkat I",
    "III/c": "Penata",
    "III/d": "Penata Tingkat I",
    "IV/a": "Pembina",
    "IV/b": "Pembina Tingkat I",
    "IV/c": "Pembina Utama Muda",
    "IV/d": "Pembina Utama Madya",
    "IV/e": "Pembina Utama",
}
PNS_GOLONGAN: tuple[str, ...] = tuple(PNS_PANGKAT)

# PPPK golongan I–XVII (Perpres 98/2020 [U]: verify against the Perpres annex).
PPPK_GOLONGAN: tuple[str, ...] = (
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
    "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
)  # fmt: skip


def normalize(code: str) -> str:
    """Canonical spelling: '3b', 'III-b', 'iii/B' all become 'III/b'; PPPK roman numerals upper-case."""
    text = code.strip().replace("-", "/").replace(" ", "")
    if "/" in text:
        roman, letter = text.split("/", 1)
        return f"{_roman(roman)}/{letter.lower()}"
    if len(text) == 2 and text[0] in "1234" and text[1].isalpha():
        return f"{_roman(text[0])}/{text[1].lower()}"
    return text.upper()


def _roman(part: str) -> str:
    return {"1": "I", "2": "II", "3": "III", "4": "IV"}.get(part, part.upper())


def is_known(code: str, employee_type: str) -> bool:
    """Whether the (normalized) code exists for this employee type: PNS/CPNS use I/a..IV/e, PPPK I..XVII."""
    return code in (PPPK_GOLONGAN if employee_type == "PPPK" else PNS_GOLONGAN)


def rank(code: str) -> int:
    """Position in the ladder (0 = lowest); comparable only within one employee type."""
    if code in PNS_GOLONGAN:
        return PNS_GOLONGAN.index(code)
    return PPPK_GOLONGAN.index(code)
