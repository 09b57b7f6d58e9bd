"""One employee's record: for HR, for the employee in Indonesian, and JPM against any post on request."""

from __future__ import annotations

from datetime import date
from typing import Any

from mutasi.assessment.domain.competency import LEVEL_NAMES, display_name
from mutasi.assessment.domain.errors import NotFound
from mutasi.assessment.domain.jpm import job_person_match
from mutasi.assessment.domain.talent import BOXES
from mutasi.assessment.service_layer.deps import Deps
from mutasi.assessment.service_layer.policy import Policy
from mutasi.assessment.service_layer.reads import status_of
from mutasi.chassis.store import UnitOfWork

Doc = dict[str, Any]
DISCLAIMER = (
    "Hasil ini adalah rekomendasi untuk pengembangan karier, bukan keputusan. Keputusan mutasi diambil oleh "
    "Pejabat Pembina Kepegawaian setelah pertimbangan Tim Penilai Kinerja. Anda berhak mengajukan keberatan."
)


async def employee_doc(deps: Deps, uow: UnitOfWork, agency_id: str, nip: str) -> Doc:
    """The stored employee, or NotFound."""
    doc = await deps.store.employee(uow, agency_id, nip)
    if doc is None:
        raise NotFound("pegawai / employee", nip)
    return doc


async def history(deps: Deps, uow: UnitOfWork, agency_id: str, nip: str) -> list[Doc]:
    """Earlier versions of the employee, oldest first."""
    await employee_doc(deps, uow, agency_id, nip)
    return await deps.store.history(uow, agency_id, nip)


async def _latest_assessment(deps: Deps, uow: UnitOfWork, agency_id: str, employee: Doc) -> Doc | None:
    latest = employee.get("latest")
    if latest is None:
        return None
    return await deps.store.assessment(uow, agency_id, latest["assessment_id"])


async def jpm_against(
    deps: Deps, uow: UnitOfWork, agency_id: str, nip: str, post_id: str, policy: Policy, today: date
) -> Doc:
    """JPM of the latest assessment against any post of the agency, with per-competency gaps."""
    employee = await employee_doc(deps, uow, agency_id, nip)
    post_doc = await deps.store.post(uow, agency_id, post_id)
    if post_doc is None:
        raise NotFound("jabatan / post", post_id)
    stored = await _latest_assessment(deps, uow, agency_id, employee)
    if stored is None:
        raise NotFound("asesmen / assessment of", nip)
    post, standard = deps.docs.post_from_doc(post_doc)
    assessment = deps.docs.assessment_from_doc(stored)
    result = job_person_match(assessment.levels, standard, policy.jpm, post.jenjang or post.post_type.value)
    return {
        "nip": nip,
        "post_id": post.post_id,
        "post_name": post.name,
        "unit_id": post.unit_id,
        "jpm": result.percent,
        "category": result.category.code,
        "category_label": result.category.label,
        "family": policy.jpm.family.name,
        "cap": policy.jpm.cap.value,
        "gaps": [{"code": g.code, "standard": g.standard, "actual": g.actual, "gap": g.gap} for g in result.gaps],
        "assessment_id": stored["assessment_id"],
        "expired": assessment.is_expired(today),
    }


def _competency_lines(latest: Doc) -> list[Doc]:
    lines = []
    for gap in latest.get("gaps", []):
        short = -gap["gap"]
        note = "memenuhi standar" if short <= 0 else f"di bawah standar (kurang {short} level)"
        lines.append(
            {
                "kompetensi": display_name(gap["code"]),
                "kode": gap["code"],
                "level": gap["actual"],
                "level_nama": LEVEL_NAMES.get(gap["actual"], "-"),
                "standar": gap["standard"],
                "keterangan": note,
            }
        )
    return lines


async def my_record(deps: Deps, uow: UnitOfWork, agency_id: str, nip: str, today: date) -> Doc:
    """The employee's own record in Indonesian: post, levels against the standard, box and what it means."""
    e = await employee_doc(deps, uow, agency_id, nip)
    post = await deps.store.post(uow, agency_id, e["post_id"]) or {}
    record: Doc = {
        "nip": e["nip"],
        "nama": e["name"],
        "golongan": e["golongan"],
        "jabatan": post.get("name", e["post_id"]),
        "unit_kerja": post.get("unit_name") or e["unit_id"],
        "predikat_kinerja": [{"tahun": p["year"], "predikat": p["predicate"]} for p in e.get("predicates", [])],
        "catatan": DISCLAIMER,
    }
    status = status_of(e, today)
    latest = e.get("latest")
    if latest is None:
        record["asesmen"] = {"status": "belum diases", "keterangan": "Anda belum memiliki hasil asesmen kompetensi."}
        return record
    box = BOXES.get(latest.get("box") or 0)
    record["asesmen"] = {
        "tanggal": latest["assessed_on"],
        "berlaku_sampai": latest["valid_until"],
        "status": {
            "expired": "kedaluwarsa — perlu asesmen ulang",
            "incomplete": "belum lengkap (predikat kinerja belum ada)",
        }.get(status, "berlaku"),
    }
    record["kompetensi"] = _competency_lines(latest)
    record["job_person_match"] = {"persen": latest["jpm"], "kategori": latest.get("jpm_category_label")}
    if box is not None:
        record["kotak_talenta"] = {"nomor": box.number, "arti": box.label, "tindak_lanjut": box.recommendation}
    if e.get("reassessment"):
        record["asesmen_ulang"] = {
            "diminta_pada": e["reassessment"]["requested_on"],
            "alasan": e["reassessment"].get("detail", ""),
        }
    return record
