"""MongoDB filter and update semantics for documents held in memory (the subset services use)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

Doc = dict[str, Any]
MISSING = object()


def get_path(doc: Mapping[str, Any], path: str) -> Any:
    """Value at a dotted path, or a sentinel when absent."""
    current: Any = doc
    for part in path.split("."):
        if isinstance(current, Mapping) and part in current:
            current = current[part]
        else:
            return MISSING
    return current


def _cmp(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def check(value: Any, arg: Any) -> bool:
        if value is MISSING or value is None:
            return False
        if isinstance(value, list) and not isinstance(arg, list):  # as MongoDB: some element of the array
            return any(check(v, arg) for v in value)
        try:
            return op(value, arg)
        except TypeError:
            return False

    return check


def _eq(value: Any, arg: Any) -> bool:
    if isinstance(value, list) and not isinstance(arg, list):
        return arg in value
    if value is MISSING:
        return arg is None
    return bool(value == arg)


_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "$eq": _eq,
    "$ne": lambda v, a: not _eq(v, a),
    "$in": lambda v, a: any(_eq(v, x) for x in a),
    "$nin": lambda v, a: not any(_eq(v, x) for x in a),
    "$gt": _cmp(lambda v, a: v > a),
    "$gte": _cmp(lambda v, a: v >= a),
    "$lt": _cmp(lambda v, a: v < a),
    "$lte": _cmp(lambda v, a: v <= a),
    "$exists": lambda v, a: (v is not MISSING) == bool(a),
}


def matches(doc: Mapping[str, Any], query: Mapping[str, Any]) -> bool:
    """True when `doc` satisfies the MongoDB-style `query`."""
    for key, cond in query.items():
        if key == "$and":
            if not all(matches(doc, q) for q in cond):
                return False
        elif key == "$or":
            if not any(matches(doc, q) for q in cond):
                return False
        else:
            value = get_path(doc, key)
            if isinstance(cond, Mapping) and cond and all(k.startswith("$") for k in cond):
                for op, arg in cond.items():
                    if op not in _OPERATORS:
                        raise ValueError(f"unsupported query operator {op}")
                    if not _OPERATORS[op](value, arg):
                        return False
            elif not _eq(value, cond):
                return False
    return True


def _set_path(doc: Doc, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        doc = doc.setdefault(part, {})
    doc[last] = value


def _unset_path(doc: Any, path: str) -> None:
    """Remove `path`; a `$[]` part stands for every element of the array there (MongoDB's all-positional)."""
    part, _, rest = path.partition(".")
    if part == "$[]":
        for item in doc if isinstance(doc, list) else []:
            if rest and isinstance(item, dict):
                _unset_path(item, rest)
        return
    if not isinstance(doc, dict):
        return
    if not rest:
        doc.pop(part, None)
        return
    _unset_path(doc.get(part, {}), rest)


def apply_update(doc: Doc, update: Mapping[str, Any], *, inserting: bool = False) -> None:
    """Apply `$set $unset $inc $push $setOnInsert` to `doc` in place."""
    for op, fields in update.items():
        for path, arg in fields.items():
            if op == "$set" or (op == "$setOnInsert" and inserting):
                _set_path(doc, path, copy.deepcopy(arg))
            elif op == "$setOnInsert":
                continue
            elif op == "$unset":
                _unset_path(doc, path)
            elif op == "$inc":
                current = get_path(doc, path)
                _set_path(doc, path, (0 if current is MISSING else current) + arg)
            elif op == "$push":
                current = get_path(doc, path)
                items = [] if current is MISSING else list(current)
                items.extend(arg["$each"] if isinstance(arg, Mapping) and "$each" in arg else [arg])
                _set_path(doc, path, items)
            else:
                raise ValueError(f"unsupported update operator {op}")


def seed_from_filter(query: Mapping[str, Any]) -> Doc:
    """The equality fields of a filter, as an upsert seeds a new document with them."""
    doc: Doc = {}
    for key, cond in query.items():
        if not key.startswith("$") and not (isinstance(cond, Mapping) and any(k.startswith("$") for k in cond)):
            _set_path(doc, key, copy.deepcopy(cond))
    return doc


def sort_key(fields: list[tuple[str, int]]) -> Callable[[Doc], Any]:
    """A key function for `sorted` that orders like MongoDB on one or more fields (None first)."""

    def key(doc: Doc) -> Any:
        return tuple(_rank(get_path(doc, f)) for f, _ in fields)

    return key


def _rank(value: Any) -> tuple[int, Any]:
    if value is MISSING or value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, int | float):
        return (2, value)
    return (3, str(value)) if not hasattr(value, "isoformat") else (4, value.isoformat())
