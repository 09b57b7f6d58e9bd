"""The import contracts in pyproject.toml cover every service under services/, so a new one is guarded from the
moment its package exists."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _services() -> list[str]:
    return sorted(
        f"mutasi.{p.name}" for p in (ROOT / "services").glob("*/src/mutasi/*") if (p / "__init__.py").exists()
    )


def _contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    return {c["name"]: c for c in config}


# contract name -> the option that must name every service
LISTS_EVERY_SERVICE = {
    "Services are independent of each other": "modules",
    "Contracts import only pydantic": "forbidden_modules",
    "The chassis never imports a service": "forbidden_modules",
    "Each service keeps its layers: bootstrap -> entrypoints -> adapters -> service_layer -> domain": "containers",
    "The CLI talks to services over HTTP only": "forbidden_modules",
}


def test_there_are_services_to_guard() -> None:
    assert len(_services()) >= 4


@pytest.mark.parametrize(("contract", "option"), sorted(LISTS_EVERY_SERVICE.items()))
def test_every_service_package_is_named_in_the_contract(contract: str, option: str) -> None:
    listed = set(_contracts()[contract][option])
    missing = [s for s in _services() if s not in listed]
    assert missing == [], f"add {missing} to {option} of the import contract {contract!r} in pyproject.toml"


def test_domain_packages_are_guarded_by_an_allow_list_that_matches_every_service() -> None:
    contract = _contracts()[
        "Domain packages import only the standard library, their own domain and the shared vocabulary"
    ]
    assert contract["type"] == "allow_list"
    assert contract["source_modules"] == ["mutasi.*.domain"]


LAYERS = "Each service keeps its layers: bootstrap -> entrypoints -> adapters -> service_layer -> domain"


def test_use_cases_sit_below_the_adapters_with_no_exception() -> None:
    """A use case depends on its service's ports; importing an adapter breaks the layers contract."""
    contract = _contracts()[LAYERS]
    assert contract["layers"] == ["bootstrap", "(entrypoints)", "(adapters)", "(service_layer)", "domain"]
    assert not contract.get("ignore_imports")


@pytest.mark.parametrize("service", _services())
def test_every_service_layer_declares_its_ports(service: str) -> None:
    name = service.removeprefix("mutasi.")
    ports = ROOT / "services" / name / "src" / "mutasi" / name / "service_layer" / "ports.py"
    assert ports.exists(), f"{service}: describe what the use cases need from outside in service_layer/ports.py"
    assert "Protocol" in ports.read_text()
