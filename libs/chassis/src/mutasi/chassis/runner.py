"""Runs a service's ASGI app with uvicorn (used by each `python -m mutasi.<service>`)."""

from __future__ import annotations

import gc

import uvicorn
from fastapi import FastAPI

from mutasi.chassis.settings import ServiceSettings


def serve(app: FastAPI, settings: ServiceSettings) -> None:
    freeze_startup_objects()
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_config=None, access_log=False,
                timeout_keep_alive=settings.http_keep_alive_s)  # fmt: skip


def freeze_startup_objects() -> None:
    """Move everything built so far (imported modules, the app, its routes and pydantic schemas: objects that live
    as long as the process) out of the cyclic garbage collector's sight. Every full collection would otherwise
    walk them again (an assessment import's CPU per person fell 7–18% in-process; libs/chassis/README.md, "Running
    a service"). Objects made afterwards are collected as usual."""
    gc.collect()
    gc.freeze()
