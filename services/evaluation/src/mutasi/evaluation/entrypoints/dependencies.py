"""What evaluation's routes and periodic tasks need, built once by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from mutasi.evaluation.entrypoints.metrics import EvaluationMetrics
from mutasi.evaluation.service_layer.config import EvaluationConfig


@dataclass(frozen=True)
class Deps:
    """The service's configuration, its business metrics and its calendar."""

    config: EvaluationConfig
    metrics: EvaluationMetrics
    today: Callable[[], date]
