"""Indonesian labels of the states, roles and score parts the services return as codes."""

from __future__ import annotations

ROUND_STATES = {
    "announced": "Diumumkan — pengisian pilihan dibuka",
    "closed": "Pengisian pilihan ditutup",
    "planned": "Rencana disusun",
    "approved": "Disetujui",
    "decided": "Diputuskan",
}
OBJECTION_STATES = {"filed": "Diajukan", "in_review": "Sedang ditinjau", "upheld": "Diterima", "rejected": "Ditolak"}
ROLES = {"hr": "BKPSDM (SDM)", "approver": "Tim Penilai Kinerja", "employee": "ASN", "auditor": "Pemeriksa"}
PARTS = {
    "jpm": "Kesesuaian kompetensi (JPM)",
    "education": "Bidang pendidikan",
    "box": "Kotak talenta",
    "preference": "Pilihan sendiri",
    "move_cost": "Biaya perpindahan",
    "move_friction": "Gangguan perpindahan",
}
CHECKPOINT_STATES = {
    "upcoming": "belum waktunya",
    "due": "sudah waktunya — survei dibuka",
    "overdue": "terlambat — survei masih dibuka",
    "recorded": "sudah dicatat",
}
LOG_KINDS = {
    "plan": "Rencana disusun",
    "override": "Diubah penyetuju",
    "approval": "Persetujuan",
    "decision": "Keputusan ditetapkan",
    "objection_outcome": "Putusan keberatan",
}
ELIGIBILITY = {"passed": "memenuhi", "failed": "tidak memenuhi", "not_applicable": "tidak berlaku"}
IMPORT_KINDS = {
    "employees": ("Data pegawai (ASN)", "assessment"),
    "assessments": ("Hasil asesmen kompetensi", "assessment"),
    "skj": ("Standar Kompetensi Jabatan (SKJ)", "assessment"),
    "posts": ("Peta jabatan dan ANJAB/ABK", "placement"),
    "catalogue": ("Katalog pelatihan", "training"),
}


def label(table: dict[str, str], code: object) -> str:
    return table.get(str(code), str(code))
