"""With the broker gone, a consuming and publishing service logs the outage once and then stays quiet."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from mutasi.chassis.kit import ServiceKit
from mutasi.chassis.outage import quiet_library_logs
from mutasi.cli.servers import create_topics, start_secantus, start_tansu, stop
from mutasi.contracts import topics
from mutasi.contracts.training import TrainingAssignedV1
from tests.support.toy import ToySettings, create_app
from tests.support.wire import Wire

pytestmark = pytest.mark.integration
OUTAGE_S = 15.0


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def test_a_broker_outage_is_one_log_line_not_one_per_retry(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    kafka, mongo = start_tansu(tmp_path / "tansu.log"), start_secantus(tmp_path / "secantus.log")
    try:
        await create_topics(kafka.url)
        wire = Wire("own", kafka.url, mongo.url)
        kit: ServiceKit = create_app(ToySettings(**wire.settings(relay_interval_s=0.05))).state.kit
        await kit.start()
        try:
            collect = Collect()
            logging.getLogger().addHandler(collect)  # next to the service's JSON handler, with the same filters
            quiet_library_logs(kit.outages, "mutasi.toy.broker")
            try:
                stop(kafka.proc)
                for n in range(int(OUTAGE_S * 10)):  # the relay keeps trying to publish what is committed
                    if n % 10 == 0:
                        async with kit.uow() as uow:
                            uow.emit(
                                topics.TRAINING_ASSIGNED,
                                TrainingAssignedV1(plan_id=f"p{n}", nip="197703032001031001", items=[], total_jp=0),
                                agency_id="sawahlunto",
                            )
                            await uow.commit()
                    await asyncio.sleep(0.1)
            finally:
                logging.getLogger().removeHandler(collect)
            lines = [r for r in collect.records if r.levelno >= logging.WARNING]
            folded = kit.outages.broker.failures
        finally:
            await kit.stop()
    finally:
        stop(kafka.proc)
        stop(mongo.proc)
    said = [r.getMessage() for r in lines]
    print(f"\n{len(lines)} warning+ lines, {folded} failed attempts folded, in {OUTAGE_S:.0f}s of broker outage")
    assert "broker unreachable; retrying quietly" in said
    assert len(lines) <= 5, said
    assert folded > len(lines)  # the retries happened; they just were not each a line
