"""Golongan codes: spelling variants, known codes per employee type, and their order."""

from __future__ import annotations

import pytest

from mutasi.assessment.domain import golongan


@pytest.mark.parametrize("text", ["III/b", "iii/B", "III-b", "3b", " III / b "])
def test_normalizes_spelling_variants_of_golongan(text: str) -> None:
    assert golongan.normalize(text) == "III/b"


def test_knows_pns_and_pppk_codes_separately() -> None:
    assert golongan.is_known("IV/e", "PNS")
    assert not golongan.is_known("IV/f", "PNS")
    assert golongan.is_known("XVII", "PPPK")
    assert not golongan.is_known("III/a", "PPPK")


def test_orders_golongan_from_juru_muda_to_pembina_utama() -> None:
    assert golongan.rank("I/a") == 0
    assert golongan.rank("II/d") < golongan.rank("III/a") < golongan.rank("IV/e")
    assert golongan.PNS_PANGKAT["III/a"] == "Penata Muda"
