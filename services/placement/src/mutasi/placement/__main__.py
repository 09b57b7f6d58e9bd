"""`python -m mutasi.placement` runs the placement service with uvicorn."""

from __future__ import annotations

from mutasi.chassis.runner import serve
from mutasi.placement.bootstrap import create_app
from mutasi.placement.settings import PlacementSettings


def main() -> None:
    settings = PlacementSettings()
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
