"""Sealed fields: only the holder of the private key opens them; a session key per many values, each value on
its own; values sealed the old way (a key agreement per value) still open."""

from __future__ import annotations

import base64
import json
import os
from typing import Any

import pytest
from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import OctKey, OKPKey
from pydantic import BaseModel

from mutasi.chassis.sealed import PROTECTED, REGISTRY, SESSION, WRAPPED, Opener, Sealer, SealError, generate_key_pair


class Flags(BaseModel):
    nip: str
    discipline_active: bool = False


def header(token: str) -> dict[str, object]:
    return dict(json.loads(base64.urlsafe_b64decode(token.split(".", 1)[0] + "===")))


def test_each_value_opens_on_its_own_for_the_key_holder_and_for_nobody_else() -> None:
    private, public = generate_key_pair()
    other_private, _ = generate_key_pair()
    sealer = Sealer(public)
    tokens = [sealer.seal(Flags(nip=f"{i:018d}", discipline_active=i % 3 == 0)) for i in range(50)]
    assert len(set(tokens)) == 50
    assert len({header(t)["kid"] for t in tokens}) == 1  # one session key for all of them
    opened = [Opener(private).open(t, Flags) for t in tokens]  # a fresh opener each time: no shared state needed
    assert [f.discipline_active for f in opened] == [i % 3 == 0 for i in range(50)]
    with pytest.raises(SealError, match="does not hold"):
        Opener(other_private).open(tokens[0], Flags)


def test_the_session_key_is_replaced_after_rotate_after_values_and_old_ones_still_open() -> None:
    private, public = generate_key_pair()
    sealer = Sealer(public, rotate_after=3)
    tokens = [sealer.seal(Flags(nip=f"{i:018d}")) for i in range(7)]
    assert len({header(t)["kid"] for t in tokens}) == 3  # 3 + 3 + 1
    opener = Opener(private)
    assert [opener.open(t, Flags).nip for t in tokens] == [f"{i:018d}" for i in range(7)]


def test_a_value_sealed_the_old_way_still_opens() -> None:
    private, public = generate_key_pair(kid="placement-1")
    key = OKPKey.import_key(json.loads(public))
    old = jwe.encrypt_compact({**PROTECTED, "kid": "placement-1"}, Flags(nip="1" * 18).model_dump_json(), key)
    assert Opener(private).open(old, Flags).nip == "1" * 18


def test_a_session_key_wrapped_under_a_borrowed_id_does_not_replace_the_real_one() -> None:
    """Anyone with the public key can seal for the consumer (as with a key agreement per value). A value whose
    session key claims the id of a real session opens with its own key and leaves the real one in place."""
    private, public = generate_key_pair()
    real = Sealer(public).seal(Flags(nip="2" * 18))
    borrowed = str(header(real)["kid"])
    public_key = OKPKey.import_key(json.loads(public))
    raw = os.urandom(32)
    session = json.dumps({"kid": borrowed, "k": base64.urlsafe_b64encode(raw).rstrip(b"=").decode()}).encode()
    wrapped = jwe.encrypt_compact({**PROTECTED, "kid": public_key.kid}, session, public_key)
    forged = jwe.encrypt_compact({**SESSION, "kid": borrowed, WRAPPED: wrapped}, Flags(nip="3" * 18).model_dump_json(),
                                 OctKey.import_key(raw), registry=REGISTRY)  # fmt: skip
    opener = Opener(private)
    assert opener.open(forged, Flags).nip == "3" * 18  # opened first, under the borrowed id
    assert opener.open(real, Flags).nip == "2" * 18


def test_a_tampered_value_or_garbage_is_refused_with_a_seal_error() -> None:
    private, public = generate_key_pair()
    token = Sealer(public).seal(Flags(nip="4" * 18))
    head, key, iv, body, tag = token.split(".")
    flipped = ".".join([head, key, iv, body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1], tag])
    for bad in (flipped, "not-a-jwe", "e30." + token.split(".", 1)[1]):
        with pytest.raises(SealError):
            Opener(private).open(bad, Flags)


def test_a_value_is_a_standard_jwe_that_joserfc_alone_opens_with_the_session_key() -> None:
    """The sealer frames values itself (RFC 7516 compact, `dir` + A256GCM): joserfc, given the session key it
    unwraps from the header, must open each one, and every value has its own IV."""
    private, public = generate_key_pair()
    sealer = Sealer(public)
    tokens = [sealer.seal(Flags(nip=f"{i:018d}")) for i in range(20)]
    own = OKPKey.import_key(json.loads(private))
    session = json.loads(jwe.decrypt_compact(str(header(tokens[0])[WRAPPED]), own).plaintext or b"{}")
    key = OctKey.import_key(base64.urlsafe_b64decode(session["k"] + "=="))
    for i, token in enumerate(tokens):
        assert header(token) == {**SESSION, "kid": session["kid"], WRAPPED: header(tokens[0])[WRAPPED]}
        assert token.split(".")[1] == ""  # `dir`: no encrypted key
        opened = jwe.decrypt_compact(token, key, registry=REGISTRY)
        assert Flags.model_validate_json(opened.plaintext or b"") == Flags(nip=f"{i:018d}")
    assert len({t.split(".")[2] for t in tokens}) == len(tokens)
    _, _, iv, body, tag = tokens[0].split(".")
    other_head = header(tokens[0]) | {"kid": "sesi-other"}
    swapped = base64.urlsafe_b64encode(json.dumps(other_head).encode()).rstrip(b"=").decode()
    with pytest.raises(JoseError):  # the header is authenticated: changing it breaks the tag
        jwe.decrypt_compact(".".join([swapped, "", iv, body, tag]), key, registry=REGISTRY)


def test_values_framed_by_the_sealer_open_without_joserfc_and_a_rewritten_header_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The opener mirrors the sealer's framing (the session's AES-GCM, the header as sent authenticated): joserfc
    only unwraps the session key once. The same header re-encoded (other spacing) breaks the tag."""
    private, public = generate_key_pair()
    sealer = Sealer(public)
    tokens = [sealer.seal(Flags(nip=f"{i:018d}", discipline_active=i % 2 == 0)) for i in range(30)]
    calls: list[str] = []
    real = jwe.decrypt_compact

    def counted(token: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(token)
        return real(token, *args, **kwargs)

    monkeypatch.setattr(jwe, "decrypt_compact", counted)  # the module the opener calls
    opener = Opener(private)
    assert [opener.open(t, Flags).discipline_active for t in tokens] == [i % 2 == 0 for i in range(30)]
    assert calls == [header(tokens[0])[WRAPPED]]  # the session key, once
    _, *rest = tokens[0].split(".")
    spaced = base64.urlsafe_b64encode(json.dumps(header(tokens[0]), indent=1).encode()).rstrip(b"=").decode()
    with pytest.raises(SealError):
        opener.open(".".join([spaced, *rest]), Flags)
