"""`python -m mutasi.training` runs the training service with uvicorn."""

from __future__ import annotations

from mutasi.chassis.runner import serve
from mutasi.training.bootstrap import create_app
from mutasi.training.settings import TrainingSettings


def main() -> None:
    settings = TrainingSettings()
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
