"""The evaluation service running in-process on the test broker and the in-memory database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest

from mutasi.chassis.testing import RunningService, running_service
from mutasi.evaluation.bootstrap import create_app
from mutasi.evaluation.settings import EvaluationSettings

TODAY = date(2027, 4, 10)


@pytest.fixture
async def svc() -> AsyncIterator[RunningService]:
    app = create_app(EvaluationSettings(mongo_uri="memory://", metrics_refresh_s=0, today=TODAY))
    async with running_service(app) as service:
        yield service
