"""An import-linter contract type that says what a package MAY import, instead of listing what it may not."""

from __future__ import annotations

import sys
from typing import Any

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class AllowListContract(Contract):
    """Every module under each `source_modules` package (shell-style `*` allowed) imports only the standard
    library, modules inside its own package, and `allowed_modules` (exact names or package prefixes)."""

    type_name = "allow_list"

    source_modules = fields.ListField(subfield=fields.StringField())
    allowed_modules = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        allowed = [str(m) for m in (self.allowed_modules or [])]  # type: ignore[attr-defined]
        offences: list[dict[str, Any]] = []
        packages = _expand(graph, [str(m) for m in self.source_modules])  # type: ignore[attr-defined]
        for package in packages:
            for importer in sorted(graph.find_descendants(package) | {package}):
                for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                    if not _is_allowed(imported, package, allowed):
                        offences.append({"importer": importer, "imported": imported})
        return ContractCheck(kept=not offences, metadata={"offences": offences, "packages": packages})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for offence in check.metadata["offences"]:
            output.print_error(f"{offence['importer']} imports {offence['imported']} (not on the allow-list)")
            output.new_line()


def _expand(graph: ImportGraph, patterns: list[str]) -> list[str]:
    """`mutasi.*.domain` → every existing `mutasi.<x>.domain`, so a new service is covered as soon as it exists."""
    found: list[str] = []
    for pattern in patterns:
        head, _, tail = pattern.partition(".*.")
        if not tail:
            found.append(pattern)
            continue
        for child in sorted(graph.find_children(head)):
            candidate = f"{child}.{tail}"
            if candidate in graph.modules:
                found.append(candidate)
    return found


def _is_allowed(imported: str, package: str, allowed: list[str]) -> bool:
    top = imported.split(".")[0]
    if top in sys.stdlib_module_names or top == "__future__":
        return True
    return any(imported == p or imported.startswith(p + ".") for p in [package, *allowed])
