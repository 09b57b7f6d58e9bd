"""FastAPI dependencies: the use cases' Deps from the kit built by bootstrap."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from mutasi.chassis.kit import deps_dependency
from mutasi.placement.service_layer.deps import Deps

DepsDep = Annotated[Deps, Depends(deps_dependency(Deps))]
