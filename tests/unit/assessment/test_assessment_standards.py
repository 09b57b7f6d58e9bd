"""SKJ: default levels by post type and JF jenjang, per-post overrides, technical competencies, SKJ rows."""

from __future__ import annotations

import pytest

from mutasi.assessment.domain.competency import MANAGERIAL, Group, Post, PostType, group_of
from mutasi.assessment.domain.errors import InvalidInput
from mutasi.assessment.domain.rules import StandardLevelRules
from mutasi.assessment.domain.skj_rows import validate_skj_rows
from mutasi.assessment.domain.standards import build_standard

RULES = StandardLevelRules()


@pytest.mark.parametrize(
    ("post_type", "level"),
    [
        (PostType.JPT_MADYA, 5),
        (PostType.JPT_PRATAMA, 4),
        (PostType.ADMINISTRATOR, 3),
        (PostType.PENGAWAS, 2),
        (PostType.PELAKSANA, 1),
    ],
)
def test_sets_the_same_default_level_for_all_eight_managerial_competencies(post_type: PostType, level: int) -> None:
    standard = build_standard(Post("p", "u", "Jabatan", post_type), RULES)
    assert {standard.levels[c] for c in MANAGERIAL} == {level}
    assert standard.levels["perekat_bangsa"] == level


@pytest.mark.parametrize(("jenjang", "level"), [("ahli_utama", 4), ("ahli_madya", 3), ("ahli_pertama", 1)])
def test_takes_functional_post_levels_from_the_configurable_jenjang_table(jenjang: str, level: int) -> None:
    standard = build_standard(Post("p", "u", "JF", PostType.FUNGSIONAL, jenjang=jenjang), RULES)
    assert standard.levels["integritas"] == level


def test_uses_a_configured_perekat_bangsa_level_instead_of_the_managerial_one() -> None:
    rules = StandardLevelRules(perekat_bangsa_override={"administrator": 4})
    standard = build_standard(Post("p", "u", "Kabid", PostType.ADMINISTRATOR), rules)
    assert standard.levels["perekat_bangsa"] == 4
    assert standard.levels["integritas"] == 3


def test_lets_a_post_override_defaults_and_add_technical_competencies() -> None:
    post = Post("p", "u", "Pengelola SI", PostType.PELAKSANA)
    standard = build_standard(post, RULES, {"komunikasi": 2, "tek_sistem_informasi": 3})
    assert standard.levels["komunikasi"] == 2
    assert standard.levels["integritas"] == 1
    assert standard.technical == {"tek_sistem_informasi": 3}
    assert group_of("tek_sistem_informasi") is Group.TECHNICAL


@pytest.mark.parametrize(("code", "level"), [("tek_x", 6), ("tek_x", 0), ("kepemimpinan", 3)])
def test_rejects_a_level_outside_1_to_5_or_an_unknown_code(code: str, level: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        build_standard(Post("p", "u", "X", PostType.PELAKSANA), RULES, {code: level})
    assert caught.value.field == code


def skj_row(**changes: str) -> dict[str, str | None]:
    row: dict[str, str | None] = {
        "jabatan_id": "kominfo-pelaksana-si",
        "nama_jabatan": "Pengelola Sistem Informasi",
        "unit_id": "diskominfo",
        "nama_unit": "Dinas Komunikasi dan Informatika",
        "jenis_jabatan": "pelaksana",
        "jenjang": "",
        "bidang": "Informatika",
        "komunikasi": "",
        "tek_sistem_informasi": "3",
        "tek_pemrograman": "",
    }
    row.update(changes)
    return row


def test_reads_a_post_and_its_standard_from_an_skj_row() -> None:
    outcome = validate_skj_rows([skj_row()], RULES)
    (item,) = outcome.accepted
    assert item.post.unit_name == "Dinas Komunikasi dan Informatika"
    assert item.post.field == "informatika"
    assert item.standard.technical == {"tek_sistem_informasi": 3}
    assert item.overrides == {"tek_sistem_informasi": 3}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"jabatan_id": ""}, ("jabatan_id", "REQUIRED")),
        ({"jenis_jabatan": "staf"}, ("jenis_jabatan", "VALUE_UNKNOWN")),
        ({"jenis_jabatan": "fungsional"}, ("jenjang", "JENJANG_UNKNOWN")),
        ({"komunikasi": "6"}, ("komunikasi", "LEVEL_RANGE")),
        ({"tek_sistem_informasi": "tiga"}, ("tek_sistem_informasi", "NOT_INTEGER")),
    ],
)
def test_rejects_skj_row_with_the_named_error(changes: dict[str, str], expected: tuple[str, str]) -> None:
    outcome = validate_skj_rows([skj_row(**changes)], RULES)
    assert [(e.column, e.code) for e in outcome.errors] == [expected]


def test_rejects_a_post_listed_twice_in_one_skj_file() -> None:
    outcome = validate_skj_rows([skj_row(), skj_row()], RULES)
    assert [(e.row, e.code) for e in outcome.errors] == [(3, "DUPLICATE")]
