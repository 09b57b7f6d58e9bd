"""The one-page programme report in Indonesian, for an HR head, with inline SVG charts."""

from __future__ import annotations

from html import escape
from typing import Any

from mutasi.evaluation.adapters import charts
from mutasi.evaluation.adapters.labels import num, part_label, pct, post_type_label, reason_label, signed, survey_label
from mutasi.evaluation.domain.fairness import DIMENSIONS
from mutasi.evaluation.domain.performance import PREDICATE_ORDER
from mutasi.evaluation.domain.recording import SURVEY_ITEMS
from mutasi.evaluation.domain.report import FeedbackSummary, GroupReport, ProgrammeReport

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:980px;margin:24px auto;color:#1f2328;
font-size:14px;line-height:1.45;padding:0 16px}
h1{font-size:22px;margin:0}h2{font-size:16px;margin:22px 0 6px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.sub{color:#57606a}.cards{display:grid;grid-template-columns:repeat(3,1fr);gap:10px;margin:14px 0}
.card{border:1px solid #d0d7de;border-radius:8px;padding:10px}.card b{display:block;font-size:22px}
.card span{color:#57606a;font-size:12px}table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #eaeef2;padding:4px 6px;text-align:right}th:first-child,td:first-child{text-align:left}
th{background:#f6f8fa}.two{display:grid;grid-template-columns:1fr 1fr;gap:16px}svg{max-width:100%;height:auto}
.note{color:#57606a;font-size:12px}.warn{background:#fff8c5;border:1px solid #d4a72c;padding:6px 10px;border-radius:6px}
@media print{body{margin:0}.cards{grid-template-columns:repeat(6,1fr)}}
"""


def _card(value: str, label: str) -> str:
    return f'<div class="card"><b>{escape(value)}</b><span>{escape(label)}</span></div>'


def _table(head: list[str], rows: list[list[Any]]) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _group_rows(groups: list[GroupReport], label: Any) -> list[list[Any]]:
    rows = []
    for g in groups:
        p, t = g.performance, g.training
        rows.append(
            [
                label(g),
                g.moved,
                g.evaluated,
                f"{num(p.mean_before.value)} (n={p.mean_before.n})",
                f"{num(p.mean_after.value)} (n={p.mean_after.n})",
                f"{signed(p.mean_change.value)} (n={p.mean_change.n})",
                f"{pct(t.completion_rate.value)} (n={t.completion_rate.n})",
                sum(g.follow_ups.values()),
            ]
        )
    return rows


def _fairness(r: ProgrammeReport) -> str:
    """Outcomes per group at each checkpoint with evaluations, flagged rows marked, and a chart of the latest."""
    f = r.fairness
    if not f.rows:
        return f'<p class="note">Belum ada checkpoint dengan minimal {f.min_group} ASN dievaluasi.</p>'
    rows = [
        [
            f"{row.checkpoint_months} bln",
            DIMENSIONS[row.dimension],
            ("Gabungan: " if row.pooled else "") + row.group,
            row.evaluated,
            row.favourable,
            pct(row.rate),
            num(row.ratio_to_best, 2),
            "⚑ di bawah ambang" if row.flagged else "",
        ]
        for row in f.rows
    ]
    latest = max(row.checkpoint_months for row in f.rows)
    shown = [row for row in f.rows if row.checkpoint_months == latest]
    chart = charts.horizontal_bars(
        [f"{DIMENSIONS[row.dimension]}: {row.group}"[:48] for row in shown],
        [row.ratio_to_best or 0.0 for row in shown],
        xmax=1.15,
    )
    head = ["Checkpoint", "Dimensi", "Kelompok", "Dievaluasi", "Baik ke atas", "Persentase", "Rasio thd terbaik", ""]
    return (
        f"<p>{len(f.flagged)} baris di bawah ambang {num(f.flag_ratio, 2)} (aturan empat-perlima).</p>"
        + f"<h3>Rasio terhadap kelompok terbaik, checkpoint {latest} bulan</h3>{chart}"
        + _table(head, rows)
        + f'<p class="note">{escape(f.note)} Kelompok di bawah {f.min_group} orang digabung (UU 27/2022).</p>'
    )


def _feedback_rows(groups: list[FeedbackSummary], label: Any) -> list[list[Any]]:
    return [[label(f), f.respondents, *(num(f.items[i].mean, 2) for i in SURVEY_ITEMS)] for f in groups]


def render(r: ProgrammeReport) -> str:
    """A self-contained HTML page; survey numbers appear only for groups of at least r.min_group_size."""
    p, t = r.performance, r.training
    cards = "".join(
        [
            _card(str(r.moved), "ASN dimutasi"),
            _card(f"{r.evaluated} ({pct(r.evaluated / r.moved if r.moved else None)})", "sudah dievaluasi"),
            _card(f"{signed(p.mean_change.value)}", f"perubahan rata-rata skor kinerja (n={p.mean_change.n})"),
            _card(
                pct(r.survey_response_rate.value), f"evaluasi disertai survei pegawai (n={r.survey_response_rate.n})"
            ),
            _card(pct(t.completion_rate.value), f"menyelesaikan seluruh pelatihan (n={t.completion_rate.n})"),
            _card(str(sum(r.follow_ups.values())), "rekomendasi tindak lanjut"),
        ]
    )
    labels = [pr.value for pr in PREDICATE_ORDER]
    perf_chart = charts.predicate_bars(labels, [p.before[x] for x in labels], [p.after[x] for x in labels])
    perf_table = _table(
        ["Ukuran", "Nilai", "n"],
        [
            ["Rata-rata skor sebelum", num(p.mean_before.value), p.mean_before.n],
            ["Rata-rata skor sesudah", num(p.mean_after.value), p.mean_after.n],
            ["Perubahan rata-rata (pasangan sebelum–sesudah)", signed(p.mean_change.value), p.mean_change.n],
            ["Membaik", p.improved, p.mean_change.n],
            ["Tetap", p.unchanged, p.mean_change.n],
            ["Menurun", p.declined, p.mean_change.n],
        ],
    )
    if r.feedback:
        items = [survey_label(i) for i in SURVEY_ITEMS]
        means = [r.feedback.items[i].mean or 0.0 for i in SURVEY_ITEMS]
        survey = charts.horizontal_bars(items, means, xmax=5.0) + _table(
            ["Butir", "Rata-rata (1–5)", "Setuju (4–5)", "n"],
            [
                [
                    survey_label(i),
                    num(r.feedback.items[i].mean, 2),
                    pct(r.feedback.items[i].favourable_share),
                    r.feedback.items[i].n,
                ]
                for i in SURVEY_ITEMS
            ],
        )
        short = [survey_label(i).split()[0] for i in SURVEY_ITEMS]
        survey += (
            "<h3>Per unit kerja</h3>"
            + _table(["Unit", "Responden", *short], _feedback_rows(r.feedback_by_unit, lambda f: f.label))
            + "<h3>Per jenis jabatan</h3>"
            + _table(
                ["Jenis jabatan", "Responden", *short],
                _feedback_rows(
                    r.feedback_by_post_type, lambda f: f.label if len(f.group_keys) > 1 else post_type_label(f.label)
                ),
            )
        )
    else:
        survey = f'<p class="warn">Jawaban survei tidak ditampilkan: kurang dari {r.min_group_size} responden.</p>'
    reasons = list(r.follow_ups)
    follow_chart = charts.horizontal_bars(
        [reason_label(x) for x in reasons],
        [float(r.follow_ups[x]) for x in reasons],
        xmax=max([1.0, *(r.follow_ups[x] * 1.2 for x in reasons)]),
        color=charts.ACCENT,
        fmt="{:.0f}",
    )
    group_head = [
        "",
        "Dimutasi",
        "Dievaluasi",
        "Skor sebelum",
        "Skor sesudah",
        "Perubahan",
        "Pelatihan tuntas",
        "Tindak lanjut",
    ]
    learning = r.learning
    learn_rows = [
        [
            part_label(e.part),
            num(e.correlation, 2),
            num(e.coefficient, 2),
            "penalti" if e.penalty else pct(e.current_weight),
            "tidak diberi bobot" if e.penalty else pct(e.suggested_weight),
        ]
        for e in learning.parts
    ]
    learn_note = (
        f"Berdasarkan {learning.n} hasil evaluasi; R² = {num(learning.r_squared, 2)}."
        if learning.status == "suggested"
        else f"Data belum cukup ({learning.n} dari minimal {learning.min_samples} hasil): bobot saat ini dipertahankan."
    )
    notes = "".join(f"<li>{escape(n)}</li>" for n in r.notes)
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Laporan Evaluasi Mutasi {escape(r.round_id)}</title>
<style>{STYLE}</style></head><body>
<h1>Laporan Evaluasi Pasca-Mutasi ASN</h1>
<div class="sub">Instansi <b>{escape(r.agency_id)}</b> · putaran <b>{escape(r.round_id)}</b> · per {r.as_of.isoformat()}
· {r.evaluations} evaluasi tercatat ({
        ", ".join(f"{m} bln: {c}" for m, c in r.by_checkpoint.items()) or "belum ada"
    })</div>
<div class="cards">{cards}</div>
<h2>Kinerja sebelum dan sesudah mutasi</h2>
<div class="two"><div>{perf_chart}</div><div>{perf_table}
<p class="note">Skor predikat: Sangat Baik 100, Baik 80, Butuh Perbaikan 60, Kurang 40, Sangat Kurang 20.
"Sesudah" = predikat pada checkpoint terakhir yang tercatat.</p></div></div>
<h2>Umpan balik pegawai (skala 1–5)</h2>{survey}
<p class="note">Jawaban hanya ditampilkan untuk kelompok minimal {r.min_group_size} orang; kelompok kecil digabung
agar jawaban seseorang tidak dapat dikenali (UU 27/2022). Teks bebas tidak pernah ditampilkan.</p>
<h2>Tindak lanjut</h2>
<div class="two"><div>{follow_chart}</div><div>{
        _table(["Alasan", "Jumlah"], [[reason_label(x), r.follow_ups[x]] for x in reasons])
    }
<p class="note">Setiap rekomendasi dapat ditelusuri ke evaluasi yang memicunya.</p></div></div>
<h2>Pelatihan</h2>
{
        _table(
            ["Ukuran", "Nilai"],
            [
                ["ASN dengan rencana pelatihan", t.people_with_training],
                ["Menyelesaikan seluruh pelatihan", f"{t.people_completed} ({pct(t.completion_rate.value)})"],
                ["Kegiatan selesai / ditugaskan", f"{t.items_completed} / {t.items_assigned}"],
                ["JP selesai / ditugaskan", f"{t.jp_completed} / {t.jp_assigned}"],
            ],
        )
    }
<h2>Per unit kerja</h2>{_table(["Unit", *group_head[1:]], _group_rows(r.by_unit, lambda g: g.label))}
<h2>Per jenis jabatan</h2>{
        _table(["Jenis jabatan", *group_head[1:]], _group_rows(r.by_post_type, lambda g: post_type_label(g.key)))
    }
<h2>Keadilan hasil per kelompok (kinerja Baik ke atas di tiap checkpoint)</h2>
{_fairness(r)}
<h2>Pembelajaran untuk putaran berikut: saran bobot penempatan</h2>
{_table(["Komponen skor kecocokan", "Korelasi r", "Koefisien", "Bobot saat ini", "Bobot disarankan"], learn_rows)}
<p class="note">{escape(learn_note)} Hasil = {escape(learning.outcome)}. Ini <b>saran</b> untuk diputuskan
oleh tim; tidak diterapkan otomatis pada mesin penempatan.</p>
{f"<h2>Catatan</h2><ul>{notes}</ul>" if notes else ""}
</body></html>
"""
