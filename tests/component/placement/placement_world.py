"""A small Sawahlunto world for the placement component tests: posts workbook and assessment events."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from mutasi.contracts.assessment import AssessmentCompletedV2, EligibilityFlagsV1
from mutasi.contracts.common import PostRef, PredicateYear
from mutasi.placement.adapters.pool_store import BUCKETS as POOL_BUCKETS
from mutasi.placement.adapters.pool_store import POOL as BUCKETS
from mutasi.placement.adapters.workbooks import write_posts
from mutasi.placement.bootstrap import create_app
from mutasi.placement.domain.post_rows import COLUMNS
from mutasi.placement.settings import PlacementSettings
from tests.support.service import seal_for_placement, seal_settings

TODAY = date.today()
HR = {"X-User": "rina", "X-Role": "hr"}
ANA = {"X-User": "ana", "X-Role": "approver"}
BAYU = {"X-User": "bayu", "X-Role": "approver"}
MANAGERIAL = ("integritas", "kerja_sama", "komunikasi", "orientasi_hasil", "pelayanan_publik", "pengembangan_diri",
              "mengelola_perubahan", "pengambilan_keputusan")  # fmt: skip

IT_GRAD = "199001012015031001"
ACCOUNTANT = "199102022015032002"
LAWYER = "198903032012031003"
NEWCOMER = "199204042019031004"
KOMINFO_HOLDER = "198805052010031005"

POSTS = {
    "SETDA-ADM": ("setda", "Sekretariat Daerah", "Pengadministrasi Umum", "pelaksana", "", "administrasi", "II/a",
                  "III/d", "", "", "2", "4", "", "tidak", "tidak"),
    "KOMINFO-SI": ("kominfo", "Dinas Kominfo", "Pranata Sistem Informasi", "pelaksana", "", "informatika", "III/a",
                   "III/d", "S1", "informatika, sistem_informasi", "3", "1", "teknis_ti:3", "tidak", "tidak",
                   "KOMINFO-KABID"),
    "BKAD-KEU": ("bkad", "Badan Keuangan dan Aset Daerah", "Pengelola Keuangan", "pelaksana", "", "keuangan", "II/a",
                 "III/d", "D3", "akuntansi", "2", "1", "teknis_keuangan:3", "tidak", "tidak"),
}  # fmt: skip


def settings() -> PlacementSettings:
    return PlacementSettings(mongo_uri="memory://", max_outflow_pct=None, **seal_settings())


def app() -> Any:
    return create_app(settings())


def posts_xlsx(extra_rows: list[list[Any]] | None = None) -> bytes:
    rows: list[list[Any]] = [[pid, *values] for pid, values in POSTS.items()]
    return write_posts(COLUMNS, rows + (extra_rows or []))


def assessment(
    nip: str,
    post_id: str,
    *,
    field: str,
    months: int = 36,
    tech: dict[str, int] | None = None,
    box: int = 6,
    jpm: float = 70.0,
    golongan: str = "III/b",
) -> AssessmentCompletedV2:
    unit, unit_name, post_name = POSTS[post_id][0], POSTS[post_id][1], POSTS[post_id][2]
    levels = {c: 2 for c in (*MANAGERIAL, "perekat_bangsa")} | (tech or {})
    return AssessmentCompletedV2(
        assessment_id=f"as-{nip}", nip=nip, name=f"Pegawai {nip[-3:]}", employee_type="PNS", golongan=golongan,
        current_post=PostRef(post_id=post_id, post_name=post_name, unit_id=unit, unit_name=unit_name,
                             post_type="pelaksana"),
        months_in_post=months, tmt_pns=date(2012, 3, 1), education_level="S1", education_field=field,
        sealed_flags=seal_for_placement(EligibilityFlagsV1(nip=nip, assessment_id=f"as-{nip}",
                                                             discipline_active=False)),
        years_to_bup=20.0,
        predicates=[PredicateYear(year=2024, predicate="Baik"), PredicateYear(year=2025, predicate="Sangat Baik")],
        performance="sesuai", potential="tinggi", competencies=levels, jpm_current=jpm, jpm_category="Kurang Optimal",
        talent_box=box, box_recommendation="Penempatan yang sesuai", assessed_on=TODAY - timedelta(days=10),
        valid_until=TODAY + timedelta(days=1000),
    )  # fmt: skip


POOL = [
    assessment(IT_GRAD, "SETDA-ADM", field="informatika", tech={"teknis_ti": 4}),
    assessment(ACCOUNTANT, "SETDA-ADM", field="akuntansi", tech={"teknis_keuangan": 3}),
    assessment(LAWYER, "SETDA-ADM", field="hukum", box=8),
    assessment(NEWCOMER, "SETDA-ADM", field="informatika", months=3, tech={"teknis_ti": 4}),
    assessment(KOMINFO_HOLDER, "KOMINFO-SI", field="sistem_informasi", tech={"teknis_ti": 3}, jpm=95),
]


def announce_body(**changes: Any) -> dict[str, Any]:
    body = {"name": "Mutasi Sawahlunto 2026-II", "period": "2026-II",
            "preferences_open_until": (TODAY + timedelta(days=7)).isoformat(),
            "effective_date": (TODAY + timedelta(days=30)).isoformat()}  # fmt: skip
    return body | changes


async def stored_pool(svc: Any) -> list[dict[str, Any]]:
    """Every person as stored in the pool's bucket documents, in bucket order."""
    buckets = await svc.kit.database().raw(BUCKETS).find({}, sort=[("agency_id", 1), ("bucket", 1)])
    return [person for b in buckets for person in POOL_BUCKETS.records(b)]  # packed: one binary value
