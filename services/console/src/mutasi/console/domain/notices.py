"""What each event tells a person, in short Indonesian, with a link into the console."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mutasi.console.domain.formatting import tanggal


@dataclass(frozen=True)
class NoticeText:
    subject: str
    body: str


def round_announced(name: str, period: str, open_until: date, link: str) -> NoticeText:
    return NoticeText(
        f"Putaran mutasi {name} diumumkan",
        f"Putaran mutasi {name} ({period}) telah diumumkan. Lihat status Anda dan ajukan pilihan jabatan "
        f"sampai {tanggal(open_until)}: {link}",
    )


def mutation_decided(to_post: str, unit: str, effective: date, moved: bool, link: str) -> NoticeText:
    if not moved:
        return NoticeText("Keputusan mutasi: dibatalkan", f"Keputusan mutasi Anda dibatalkan. Penjelasan: {link}")
    return NoticeText(
        "Keputusan mutasi Anda",
        f"Anda ditetapkan ke {to_post} ({unit}) mulai {tanggal(effective)}. Baca penjelasannya dan, bila perlu, "
        f"ajukan keberatan dalam batas waktu: {link}",
    )


def training_assigned(total_jp: int, items: int, mentor: bool, link: str) -> NoticeText:
    mentor_text = " dan seorang mentor" if mentor else ""
    return NoticeText(
        "Rencana pengembangan Anda",
        f"Rencana pengembangan Anda sudah tersedia: {items} kegiatan, {total_jp} JP{mentor_text}. Rinciannya: {link}",
    )


def checkpoint_due(month: int, due_on: date, link: str) -> NoticeText:
    return NoticeText(
        f"Evaluasi {month} bulan setelah mutasi",
        f"Sudah {month} bulan sejak mutasi Anda ({tanggal(due_on)}). Mohon isi survei singkat: {link}",
    )


def add_months(d: date, months: int) -> date:
    """The same day `months` later (the last day of the month when it has fewer days)."""
    year, month = divmod(d.month - 1 + months, 12)
    year, month = d.year + year, month + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError(d)
