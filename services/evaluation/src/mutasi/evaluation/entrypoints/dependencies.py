"""What evaluation's routes and periodic tasks need, built once by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from mutasi.evaluation.entrypoints.metrics import EvaluationMetrics
from mutasi.evaluation.service_layer.config import EvaluationConfig
from mutasi.evaluation.service_layer.services import EvaluationService


@dataclass(frozen=True)
class Deps:
    """The use cases, the service's configuration, its business metrics and its calendar."""

    service: EvaluationService
    config: EvaluationConfig
    metrics: EvaluationMetrics
    today: Callable[[], date]
