"""The evaluation service running in-process on the test broker and the in-memory database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest

from mutasi.evaluation.bootstrap import create_app
from mutasi.evaluation.settings import EvaluationSettings
from tests.support.service import RunningService, running_service

TODAY = date(2027, 4, 10)


@pytest.fixture
async def svc() -> AsyncIterator[RunningService]:
    app = create_app(EvaluationSettings(mongo_uri="memory://", metrics_refresh_s=0, today=TODAY))
    async with running_service(app) as service:
        yield service
