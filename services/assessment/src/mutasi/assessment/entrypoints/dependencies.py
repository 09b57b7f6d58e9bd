"""FastAPI dependencies: the use-case dependencies the composition root built."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from mutasi.assessment.service_layer.deps import Deps
from mutasi.chassis.kit import deps_dependency

DepsDep = Annotated[Deps, Depends(deps_dependency(Deps))]
