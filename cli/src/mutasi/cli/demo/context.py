"""What every demo step gets: service clients, the dataset, a run folder, progress output and shared facts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from mutasi.cli.demo.dataset import Dataset


@dataclass
class DemoContext:
    """Passed to each step's `prepare` and `run`; `facts` carries results from earlier steps."""

    dataset: Dataset
    clients: dict[str, httpx.AsyncClient]  # service name -> client with base_url and the HR user's token
    run_dir: Path  # write spreadsheets and reports here
    progress: Callable[[str], None]
    facts: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # demo user name -> access token from the provider
    transport: httpx.AsyncBaseTransport | None = None  # what the clients were built with (a step may build more)

    def client(self, service: str) -> httpx.AsyncClient:
        return self.clients[service]

    def as_user(self, username: str) -> dict[str, str]:
        """Headers that make a request as `username` (signed in at the identity provider before the run)."""
        return {"Authorization": f"Bearer {self.tokens[username]}"}
