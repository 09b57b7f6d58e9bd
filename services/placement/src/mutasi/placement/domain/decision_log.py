"""The tamper-evident decision log: each entry's hash covers its content and the previous entry's hash.

Plans, overrides (with the reason), approvals, decisions and objection outcomes are decisions about people
(UU 27/2022 Pasal 10; PP 11/2017 Pasal 191): a change made directly in the database must be visible. Verifying
recomputes every hash in order and names the first entry that was altered, deleted or inserted."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
KINDS = ("plan", "override", "approval", "decision", "objection_outcome")


def canonical(value: Any) -> str:
    """One JSON text for a value, whatever the key order: what the hash is computed over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(seq: int, prev_hash: str, kind: str, at: str, actor: str, round_id: str, content: Any) -> str:
    body = canonical({"seq": seq, "prev": prev_hash, "kind": kind, "at": at, "actor": actor, "round_id": round_id,
                      "content": content})  # fmt: skip
    return hashlib.sha256(body.encode()).hexdigest()


def new_entry(
    head: Mapping[str, Any] | None, kind: str, at: str, actor: str, round_id: str, content: Any
) -> dict[str, Any]:
    """The entry that follows `head` (None for the first one); content is normalised to plain JSON values."""
    if kind not in KINDS:
        raise ValueError(f"unknown decision-log kind {kind!r}")
    seq = int(head["seq"]) + 1 if head else 1
    prev = str(head["hash"]) if head else GENESIS
    plain = json.loads(canonical(content))
    return {"seq": seq, "prev_hash": prev, "kind": kind, "at": at, "actor": actor, "round_id": round_id,
            "content": plain, "hash": entry_hash(seq, prev, kind, at, actor, round_id, plain)}  # fmt: skip


@dataclass(frozen=True)
class Verdict:
    """The outcome of recomputing a chain: `ok`, how many entries were checked, and the first problem found."""

    ok: bool
    checked: int
    head_seq: int
    problem: str | None = None  # altered | deleted | inserted
    seq: int | None = None
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "checked": self.checked, "head_seq": self.head_seq, "problem": self.problem,
                "seq": self.seq, "detail": self.detail}  # fmt: skip


def verify(entries: Sequence[Mapping[str, Any]], head: Mapping[str, Any] | None = None) -> Verdict:
    """Walk the entries in stored order; `head` is the separately kept last (seq, hash), which catches a tail cut."""
    prev_seq, prev_hash = 0, GENESIS
    for i, e in enumerate(entries):
        seq = e.get("seq")
        if not isinstance(seq, int) or seq <= prev_seq:
            return Verdict(False, i, prev_seq, "inserted", seq if isinstance(seq, int) else None,
                           f"entry with sequence {seq!r} does not follow {prev_seq}")  # fmt: skip
        if seq > prev_seq + 1:
            missing = f"{prev_seq + 1}" if seq == prev_seq + 2 else f"{prev_seq + 1}..{seq - 1}"
            return Verdict(False, i, prev_seq, "deleted", prev_seq + 1, f"entries {missing} are missing")
        recomputed = entry_hash(seq, str(e.get("prev_hash")), str(e.get("kind")), str(e.get("at")),
                                str(e.get("actor")), str(e.get("round_id")), e.get("content"))  # fmt: skip
        if recomputed != e.get("hash"):
            return Verdict(False, i, prev_seq, "altered", seq, "its content no longer matches its hash")
        if e.get("prev_hash") != prev_hash:
            return Verdict(False, i, prev_seq, "altered", prev_seq,
                           f"entry {seq} was chained to another version of entry {prev_seq} "
                           f"(altered and re-hashed, or entry {seq} inserted in its place)")  # fmt: skip
        prev_seq, prev_hash = seq, str(e["hash"])
    if head is not None and (int(head["seq"]), str(head["hash"])) != (prev_seq, prev_hash):
        if int(head["seq"]) > prev_seq:
            return Verdict(False, len(entries), prev_seq, "deleted", prev_seq + 1,
                           f"the log ends at {prev_seq} but its head says {head['seq']}")  # fmt: skip
        return Verdict(False, len(entries), prev_seq, "altered", prev_seq,
                       "the last entry differs from the head recorded with it")  # fmt: skip
    return Verdict(True, len(entries), prev_seq)


def check_decisions(
    logged: Sequence[tuple[int, Mapping[str, Any]]], current: Mapping[str, Mapping[str, Any]], checked: int
) -> Verdict:
    """Compare the decisions stored now with what the (verified) log recorded when they were taken.

    `logged`: (entry seq, decision row) in log order; `current`: decision id -> the same row built from the stored
    round. An edited decision is `altered`, a removed one `deleted`, one the log never recorded `inserted`."""
    seen: dict[str, tuple[int, Mapping[str, Any]]] = {}
    for seq, row in logged:
        seen[str(row["decision_id"])] = (seq, row)
    head = max((seq for seq, _ in logged), default=0)
    for decision_id, (seq, row) in sorted(seen.items(), key=lambda item: item[1][0]):
        now = current.get(decision_id)
        if now is None:
            return Verdict(False, checked, head, "deleted", seq, f"decision {decision_id} (logged in entry {seq}) "
                           "is no longer stored")  # fmt: skip
        changed = sorted(k for k in set(row) | set(now) if canonical(row.get(k)) != canonical(now.get(k)))
        if changed:
            return Verdict(False, checked, head, "altered", seq,
                           f"decision {decision_id} differs from entry {seq} in: {', '.join(changed)}")  # fmt: skip
    extra = sorted(set(current) - set(seen))
    if extra:
        return Verdict(False, checked, head, "inserted", None, f"decision {extra[0]} is stored but was never logged")
    return Verdict(True, checked, head, detail=f"{len(seen)} decisions match the log")
