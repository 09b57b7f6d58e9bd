"""Channels a notice goes out on: e-mail over SMTP and a WhatsApp gateway over HTTP."""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import httpx

from mutasi.console.service_layer.ports import Outgoing


class SmtpChannel:
    """One SMTP connection per batch; each message carries its notice id in a header (Message-ID is unique)."""

    name = "email"

    def __init__(self, host: str, port: int, sender: str, *, starttls: bool = False, username: str | None = None,
                 password: str | None = None, timeout_s: float = 15.0) -> None:  # fmt: skip
        self.host, self.port, self.sender = host, port, sender
        self.starttls, self.username, self.password, self.timeout_s = starttls, username, password, timeout_s

    async def send(self, batch: list[Outgoing]) -> dict[str, str | None]:
        return await asyncio.to_thread(self._send_all, batch)

    def _send_all(self, batch: list[Outgoing]) -> dict[str, str | None]:
        results: dict[str, str | None] = {}
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password or "")
                for item in batch:
                    try:
                        smtp.send_message(self._message(item))
                        results[item.notice_id] = None
                    except smtplib.SMTPException as exc:
                        results[item.notice_id] = f"{type(exc).__name__}: {exc}"
        except (OSError, smtplib.SMTPException) as exc:
            for item in batch:
                results.setdefault(item.notice_id, f"{type(exc).__name__}: {exc}")
        return results

    def _message(self, item: Outgoing) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = item.to
        msg["Subject"] = item.subject
        msg["Message-ID"] = make_msgid(domain="mutasi.local")
        msg["X-Mutasi-Notice"] = item.notice_id
        msg.set_content(item.body)
        return msg


class WhatsAppChannel:
    """POST {"to", "message", "reference"} as JSON to the gateway; any 2xx means accepted (see the README)."""

    name = "whatsapp"

    def __init__(self, url: str, token: str | None, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.url, self.token, self.transport = url, token, transport

    async def send(self, batch: list[Outgoing]) -> dict[str, str | None]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        results: dict[str, str | None] = {}
        async with httpx.AsyncClient(timeout=15, transport=self.transport) as http:
            for item in batch:
                body = {"to": item.to, "message": f"{item.subject}\n{item.body}", "reference": item.notice_id}
                try:
                    r = await http.post(self.url, json=body, headers={**headers, "Idempotency-Key": item.notice_id})
                    results[item.notice_id] = None if r.is_success else f"gateway answered {r.status_code}"
                except httpx.HTTPError as exc:
                    results[item.notice_id] = f"{type(exc).__name__}: {exc}"
        return results
