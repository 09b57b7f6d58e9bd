"""Runs a service's ASGI app with uvicorn (used by each `python -m mutasi.<service>`)."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from mutasi.chassis.settings import ServiceSettings


def serve(app: FastAPI, settings: ServiceSettings) -> None:
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_config=None, access_log=False)
