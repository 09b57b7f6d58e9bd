"""Rows of the posts workbook: every bad cell named with row, column and both reasons; eselon gives the range."""

from __future__ import annotations

from mutasi.placement.domain.post_rows import parse_posts

GOOD = {
    "post_id": "DISKOMINFO-KABID-APTIKA", "unit_id": "diskominfo", "unit_name": "Dinas Kominfo",
    "name": "Kepala Bidang Aplikasi Informatika", "post_type": "administrator", "eselon": "III.b",
    "kebutuhan": "1", "bezetting": "0", "standard": "tek_sistem_informasi:3; integritas:3",
}  # fmt: skip


def test_eselon_fills_the_golongan_range_of_pp_100_2000() -> None:
    out = parse_posts("sawahlunto", [GOOD])
    [post] = out.accepted
    assert (post.golongan_min, post.golongan_max) == ("III/d", "IV/a")
    assert post.standard == {"tek_sistem_informasi": 3, "integritas": 3}
    assert post.gap == 1


def test_every_bad_cell_of_a_row_is_reported_not_only_the_first() -> None:
    bad = GOOD | {"post_type": "boss", "kebutuhan": "-1", "bezetting": "1.5", "standard": "integritas:9"}
    out = parse_posts("sawahlunto", [bad])
    assert out.accepted == []
    assert {(e.row, e.column, e.code) for e in out.errors} == {
        (2, "post_type", "BAD_POST_TYPE"), (2, "kebutuhan", "OUT_OF_RANGE"), (2, "bezetting", "OUT_OF_RANGE"),
        (2, "standard", "BAD_STANDARD"),
    }  # fmt: skip
    assert all(e.reason_id and e.reason_en for e in out.errors)


def test_a_post_id_used_twice_is_an_error_on_the_later_row() -> None:
    out = parse_posts("sawahlunto", [GOOD, GOOD])
    assert len(out.accepted) == 1
    [error] = out.errors
    assert (error.row, error.column, error.code) == (3, "post_id", "DUPLICATE")
    assert "baris 2" in error.reason_id


def test_golongan_is_required_when_there_is_no_eselon() -> None:
    out = parse_posts("sawahlunto", [GOOD | {"eselon": "", "golongan_min": "III/x"}])
    assert {(e.column, e.code) for e in out.errors} == {("golongan_min", "BAD_GOLONGAN"), ("golongan_max", "REQUIRED")}
