"""FastAPI dependencies: the use cases' Deps from the kit built by bootstrap."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from mutasi.placement.service_layer.deps import Deps


def get_deps(request: Request) -> Deps:
    deps: Deps = request.app.state.kit.state["deps"]
    return deps


DepsDep = Annotated[Deps, Depends(get_deps)]
