"""The programme report as a spreadsheet (one sheet per section, Indonesian headers, counts beside numbers)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from mutasi.chassis.spreadsheets import safe_row
from mutasi.evaluation.adapters.labels import part_label, post_type_label, reason_label, survey_label
from mutasi.evaluation.domain.fairness import DIMENSIONS
from mutasi.evaluation.domain.performance import PREDICATE_ORDER
from mutasi.evaluation.domain.recording import SURVEY_ITEMS
from mutasi.evaluation.domain.report import FeedbackSummary, GroupReport, ProgrammeReport


def _sheet(wb: Workbook, title: str, head: list[str], rows: list[list[Any]]) -> None:
    ws = wb.create_sheet(title)
    ws.append(safe_row(head))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(safe_row(row))
    for col in ws.columns:
        width = max(len(str(c.value or "")) for c in col)
        ws.column_dimensions[col[0].column_letter].width = min(60, max(10, width + 2))


def _groups(groups: list[GroupReport], label: Any) -> list[list[Any]]:
    return [
        [
            label(g),
            g.moved,
            g.evaluated,
            g.performance.mean_before.value,
            g.performance.mean_before.n,
            g.performance.mean_after.value,
            g.performance.mean_after.n,
            g.performance.mean_change.value,
            g.performance.mean_change.n,
            g.training.completion_rate.value,
            g.training.completion_rate.n,
            *(g.follow_ups[k] for k in g.follow_ups),
        ]
        for g in groups
    ]


def _feedback(groups: list[FeedbackSummary]) -> list[list[Any]]:
    return [[f.label, ", ".join(f.group_keys), f.respondents, *(f.items[i].mean for i in SURVEY_ITEMS)] for f in groups]


def render(r: ProgrammeReport) -> bytes:
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "Ringkasan"
    p, t = r.performance, r.training
    rows: list[list[Any]] = [
        ["Instansi", r.agency_id],
        ["Putaran", r.round_id],
        ["Per tanggal", r.as_of.isoformat()],
        ["Ukuran", "Nilai", "n"],
        ["ASN dimutasi", r.moved],
        ["ASN dievaluasi", r.evaluated],
        ["Evaluasi tercatat", r.evaluations],
        *[[f"Evaluasi checkpoint {m} bulan", c] for m, c in r.by_checkpoint.items()],
        ["Rata-rata skor sebelum", p.mean_before.value, p.mean_before.n],
        ["Rata-rata skor sesudah", p.mean_after.value, p.mean_after.n],
        ["Perubahan rata-rata", p.mean_change.value, p.mean_change.n],
        ["Membaik / tetap / menurun", f"{p.improved} / {p.unchanged} / {p.declined}", p.mean_change.n],
        ["Tingkat respons survei", r.survey_response_rate.value, r.survey_response_rate.n],
        ["Menyelesaikan seluruh pelatihan", t.completion_rate.value, t.completion_rate.n],
        ["JP selesai / ditugaskan", f"{t.jp_completed} / {t.jp_assigned}"],
        *[[f"Tindak lanjut: {reason_label(k)}", v] for k, v in r.follow_ups.items()],
        *[["Catatan", n] for n in r.notes],
    ]
    for row in rows:
        summary.append(safe_row(row))
    for cell in summary[4]:
        cell.font = Font(bold=True)
    _sheet(
        wb,
        "Kinerja",
        ["Predikat", "Sebelum", "Sesudah"],
        [[x.value, p.before[x.value], p.after[x.value]] for x in PREDICATE_ORDER],
    )
    survey_head = ["Kelompok", "Termasuk", "Responden", *(survey_label(i) for i in SURVEY_ITEMS)]
    overall = [r.feedback] if r.feedback else []
    _sheet(
        wb,
        "Survei",
        survey_head,
        _feedback(overall) if overall else [[f"Disembunyikan: kurang dari {r.min_group_size} responden"]],
    )
    _sheet(wb, "Survei per unit", survey_head, _feedback(r.feedback_by_unit))
    _sheet(wb, "Survei per jabatan", survey_head, _feedback(r.feedback_by_post_type))
    group_head = [
        "Kelompok",
        "Dimutasi",
        "Dievaluasi",
        "Skor sebelum",
        "n",
        "Skor sesudah",
        "n",
        "Perubahan",
        "n",
        "Pelatihan tuntas",
        "n",
        *(reason_label(k) for k in r.follow_ups),
    ]
    _sheet(wb, "Per unit", group_head, _groups(r.by_unit, lambda g: g.label))
    _sheet(wb, "Per jenis jabatan", group_head, _groups(r.by_post_type, lambda g: post_type_label(g.key)))
    f = r.fairness
    _sheet(
        wb,
        "Keadilan hasil",
        ["Checkpoint (bulan)", "Dimensi", "Kelompok", "Gabungan", "Dievaluasi", "Baik ke atas", "Persentase",
         "Rasio thd terbaik", "Di bawah ambang"],
        [
            [row.checkpoint_months, DIMENSIONS[row.dimension], row.group, "ya" if row.pooled else "", row.evaluated,
             row.favourable, row.rate, row.ratio_to_best, "ya" if row.flagged else ""]
            for row in f.rows
        ]
        + [[f"Ambang rasio {f.flag_ratio}; kelompok < {f.min_group} orang digabung. {f.note}"]],
    )  # fmt: skip
    _sheet(
        wb,
        "Saran bobot",
        ["Komponen", "n", "Korelasi r", "Koefisien", "Bobot saat ini", "Bobot disarankan", "Penalti"],
        [
            [
                part_label(e.part),
                e.n,
                e.correlation,
                e.coefficient,
                e.current_weight,
                e.suggested_weight,
                "ya" if e.penalty else "",
            ]
            for e in r.learning.parts
        ]
        + [[f"Status: {r.learning.status}; saran, tidak diterapkan otomatis"]],
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
