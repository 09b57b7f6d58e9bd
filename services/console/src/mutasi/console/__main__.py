"""`python -m mutasi.console` runs the console (pages and notifier) with uvicorn."""

from __future__ import annotations

from mutasi.chassis.runner import serve
from mutasi.console.bootstrap import create_app
from mutasi.console.settings import ConsoleSettings


def main() -> None:
    settings = ConsoleSettings()
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
