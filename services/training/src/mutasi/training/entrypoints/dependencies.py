"""What training's routes need, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from mutasi.training.entrypoints.metrics import TrainingMetrics
from mutasi.training.service_layer.services import TrainingService


@dataclass(frozen=True)
class Deps:
    """The use cases and the business metrics."""

    service: TrainingService
    metrics: TrainingMetrics
