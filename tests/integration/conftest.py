"""One integration suite, run on the local stand-ins always and on testcontainers where Docker answers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.wire import Wire, docker_engine_answers, docker_wire, local_wire


@pytest.fixture(scope="session", params=["local", "docker"])
def wire(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Wire]:
    if request.param == "local":
        with local_wire(tmp_path_factory.mktemp("wire")) as w:
            yield w
    else:
        if not docker_engine_answers():
            pytest.skip(
                "no Docker engine answers here (the docker CLI is only a client); the testcontainers run of this "
                "suite (Apache Kafka KRaft + MongoDB replica set) happens on hosts with Docker"
            )
        with docker_wire() as w:  # pragma: no cover
            yield w
