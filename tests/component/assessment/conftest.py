"""A running assessment service (TestKafkaBroker, in-memory database) for component tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest

from mutasi.assessment.bootstrap import create_app
from mutasi.assessment.settings import AssessmentSettings
from tests.support.service import RunningService, running_service, seal_settings


@pytest.fixture
async def svc() -> AsyncIterator[RunningService]:
    settings = AssessmentSettings(
        mongo_uri="memory://", today=date(2026, 11, 28), import_batch_size=100, **seal_settings()
    )
    async with running_service(create_app(settings)) as running:
        yield running
