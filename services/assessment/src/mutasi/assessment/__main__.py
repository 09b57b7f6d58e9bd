"""`python -m mutasi.assessment`: run the service with uvicorn on settings.http_host/http_port."""

from __future__ import annotations

from mutasi.assessment.bootstrap import create_app
from mutasi.assessment.settings import AssessmentSettings
from mutasi.chassis.runner import serve


def main() -> None:
    """Read settings from the environment and serve."""
    settings = AssessmentSettings()
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
