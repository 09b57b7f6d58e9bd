"""What training's routes need, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from mutasi.training.entrypoints.metrics import TrainingMetrics
from mutasi.training.service_layer.services import TrainingService
from mutasi.training.service_layer.views import TrainingViews


@dataclass(frozen=True)
class Deps:
    """The use cases, the read side and the business metrics."""

    service: TrainingService
    views: TrainingViews
    metrics: TrainingMetrics
