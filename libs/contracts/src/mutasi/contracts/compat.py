"""Tells whether a new JSON Schema of a topic breaks subscribers that read the old one."""

from __future__ import annotations

from typing import Any

# Attributes every message has always carried (CloudEvents 1.0 requires them, the producers always set them):
# declaring them required in the schema documents what readers already receive, it breaks none of them.
ALWAYS_PRESENT = frozenset(
    {"specversion", "id", "source", "type", "time", "subject", "datacontenttype", "dataschema", "agencyid",
     "correlationid", "data"}
)  # fmt: skip


def breaking_changes(old: dict[str, Any], new: dict[str, Any], path: str = "") -> list[str]:
    """Removed or retyped properties and newly required ones break readers; additive optional fields do not.

    A string narrowed to an enumeration of strings keeps its wire type: readers still receive a string."""
    problems: list[str] = []
    old_props: dict[str, Any] = old.get("properties", {})
    new_props: dict[str, Any] = new.get("properties", {})
    for name, old_prop in old_props.items():
        where = f"{path}{name}"
        if name not in new_props:
            problems.append(f"{where}: removed")
            continue
        if _type_of(old_prop, old) != _type_of(new_props[name], new):
            problems.append(f"{where}: type changed {_type_of(old_prop, old)} -> {_type_of(new_props[name], new)}")
    for name in set(new.get("required", [])) - set(old.get("required", [])):
        if not (path == "" and name in ALWAYS_PRESENT):
            problems.append(f"{path}{name}: newly required")
    for name, old_def in old.get("$defs", {}).items():
        new_def = new.get("$defs", {}).get(name)
        if new_def is not None:
            problems += breaking_changes(old_def, new_def, f"{path}{name}.")
    return problems


def _type_of(prop: dict[str, Any], root: dict[str, Any]) -> str:
    if "$ref" in prop:
        return str(prop["$ref"])
    if "anyOf" in prop:
        return "|".join(sorted(_type_of(p, root) for p in prop["anyOf"]))
    kind = prop.get("type", "any")
    if kind == "array":
        return f"array<{_type_of(prop.get('items', {}), root)}>"
    return str(kind)
