"""The console and its local mailbox in the local stack: env of the console process, and what to print for people."""

from __future__ import annotations

import sys
from pathlib import Path

from mutasi.cli.servers import free_port, spawn, wait_for_port

MAILBOX_DIR = "mailbox"
DEMO_PASSWORD = "mutasi-demo"  # the local identity provider's demo users (local stack only)
EMAIL_FALLBACK = "{nip}@asn.mutasi.local"  # the demo has no contact list: every ASN gets mail at this address
DEMO_LOGINS = (
    ("hr.sawahlunto", "BKPSDM: unggah data, umumkan putaran, susun rencana, draf SK, keberatan, laporan"),
    ("approver1.sawahlunto", "Tim Penilai Kinerja: setujui, ubah dengan alasan, tetapkan keputusan"),
    ("approver2.sawahlunto", "Tim Penilai Kinerja: persetujuan kedua (orang yang berbeda)"),
    ("employee.sawahlunto", "ASN: status saya, pilihan jabatan, penjelasan, keberatan, pelatihan"),
)


def start_mailbox(run_dir: Path) -> tuple[int, int]:
    """The local SMTP server (aiosmtpd); every message lands as a file in `<run_dir>/mailbox/`. Returns (pid, port)."""
    port = free_port()
    cmd = [sys.executable, "-m", "mutasi.cli.mailbox", "--port", str(port), "--dir", str(run_dir / MAILBOX_DIR)]
    proc = spawn(cmd, run_dir / "logs" / "mailbox.log")
    wait_for_port(port, 30, proc)
    return proc.pid, port


def console_env(urls: dict[str, str], issuer: str, port: int, smtp_port: int) -> dict[str, str]:
    """What the console needs beyond the common service environment: the services, the provider, the mailbox."""
    env = {f"MUTASI_CONSOLE_{service.upper()}_URL": url for service, url in urls.items()}
    env.update(
        {
            "MUTASI_CONSOLE_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "MUTASI_CONSOLE_SMTP_HOST": "127.0.0.1",
            "MUTASI_CONSOLE_SMTP_PORT": str(smtp_port),
            "MUTASI_CONSOLE_NOTIFY_EMAIL_FALLBACK": EMAIL_FALLBACK,
            "MUTASI_CONSOLE_NOTIFY_INTERVAL_S": "0.5",
        }
    )
    if issuer:
        env["MUTASI_CONSOLE_OIDC_ISSUER"] = issuer
    return env


def how_to_sign_in(console_url: str, password: str) -> list[str]:
    """The lines `mutasi demo --keep` prints so a person can click through the round."""
    lines = [f"Konsol Mutasi: {console_url}  (kata sandi semua pengguna demo: {password})"]
    lines += [f"  {user:<22} {what}" for user, what in DEMO_LOGINS]
    return lines
