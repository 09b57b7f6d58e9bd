"""The topic registry says who produces and consumes each topic; the services' wiring must agree with it."""

from __future__ import annotations

import importlib

import pytest

from mutasi.chassis.kit import ServiceKit
from mutasi.contracts.topics import ALL
from tests.support.service import seal_settings

SERVICES = ("assessment", "placement", "training", "evaluation", "console")


def kit_of(service: str) -> ServiceKit:
    bootstrap = importlib.import_module(f"mutasi.{service}.bootstrap")
    settings_module = importlib.import_module(f"mutasi.{service}.settings")
    settings_class = next(
        v for k, v in vars(settings_module).items() if k.endswith("Settings") and k != "ServiceSettings"
    )
    kit: ServiceKit = bootstrap.create_app(settings_class(mongo_uri="memory://", **seal_settings())).state.kit
    return kit


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_consumes_exactly_the_topics_the_registry_names_it_for(service: str) -> None:
    wired = sorted(t.name for t in kit_of(service).consumed)
    registered = sorted(t.name for t in ALL if service in t.consumers)
    assert wired == registered


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_produces_exactly_the_topics_it_owns(service: str) -> None:
    wired = sorted(t.name for t in kit_of(service).produced)
    registered = sorted(t.name for t in ALL if t.producer == service)
    assert wired == registered
