"""`python -m mutasi.evaluation` runs the evaluation service with uvicorn."""

from __future__ import annotations

from mutasi.chassis.runner import serve
from mutasi.evaluation.bootstrap import create_app
from mutasi.evaluation.settings import EvaluationSettings


def main() -> None:
    settings = EvaluationSettings()
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
