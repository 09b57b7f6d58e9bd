"""FastAPI dependencies: the use-case dependencies and the caller's agency policy."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException

from mutasi.assessment.service_layer.deps import Deps
from mutasi.chassis.http import Caller, CallerDep
from mutasi.chassis.kit import deps_dependency

DepsDep = Annotated[Deps, Depends(deps_dependency(Deps))]


def hr_caller(caller: CallerDep) -> Caller:
    """Reads about other people are for HR roles; an employee (X-Role: employee) reads only /v1/me (UU 27/2022)."""
    if caller.role == "employee":
        reason = "peran employee hanya boleh membaca /v1/me / the employee role may only read /v1/me"
        raise HTTPException(403, {"message": reason, "errors": [{"field": "header.X-Role", "reason": reason}]})
    return caller


HrCallerDep = Annotated[Caller, Depends(hr_caller)]
