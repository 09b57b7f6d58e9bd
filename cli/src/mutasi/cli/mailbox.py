"""The local mailbox: an aiosmtpd SMTP server that keeps every message it receives as one .eml file.

`python -m mutasi.cli.mailbox --port N --dir D` runs it (the local stack starts it); `read_mailbox(D)` reads it."""

from __future__ import annotations

import argparse
import email
import email.policy
import time
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class MailboxHandler:
    """Writes each received message to `<dir>/<time>-<uuid>.eml` (write then rename: a reader never sees half)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}"
        tmp = self.directory / f".{name}.tmp"
        tmp.write_bytes(envelope.original_content or envelope.content)
        tmp.rename(self.directory / f"{name}.eml")
        return "250 OK"


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    notice_id: str


def read_mailbox(directory: Path) -> list[Mail]:
    """Every message in the mailbox, oldest first."""
    out = []
    for path in sorted(directory.glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        body = msg.get_body(("plain",))
        out.append(Mail(str(msg["To"]), str(msg["Subject"]), body.get_content() if body else "",
                        str(msg.get("X-Mutasi-Notice", ""))))  # fmt: skip
    return out


def start(directory: Path, port: int, host: str = "127.0.0.1") -> Controller:
    controller = Controller(MailboxHandler(directory), hostname=host, port=port)
    controller.start()
    return controller


def main() -> None:
    parser = argparse.ArgumentParser(description="Local SMTP mailbox for Mutasi's notices.")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args()
    controller = start(args.dir, args.port)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
