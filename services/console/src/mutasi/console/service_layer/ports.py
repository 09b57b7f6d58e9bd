"""What the notifier needs from outside: channels that send a batch of notices (e-mail, WhatsApp).

The adapters implement `Channel` and the composition root (`bootstrap.create_app`) hands the configured ones to the
notifier, so the service layer never imports an adapter (an import contract in pyproject.toml checks it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Outgoing:
    """One notice as a channel sends it."""

    notice_id: str
    to: str
    subject: str
    body: str


class Channel(Protocol):
    name: str

    async def send(self, batch: list[Outgoing]) -> dict[str, str | None]:
        """Send a batch; returns notice id -> None when sent, or the error text."""
        ...
