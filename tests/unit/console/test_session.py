"""The session cookie is sealed: unreadable, tamper-evident, bound to its purpose and to a deadline."""

from __future__ import annotations

import time

import pytest

from mutasi.console.adapters.session import Sealer, new_key, same_token


def test_a_sealed_session_opens_only_unchanged_with_the_same_key_and_purpose() -> None:
    key = new_key()
    sealed = Sealer(key, "sesi").seal({"user": "rina", "roles": ["hr"]}, 60)
    assert "rina" not in sealed
    assert Sealer(key, "sesi").open(sealed) == {"user": "rina", "roles": ["hr"]}
    assert Sealer(key, "masuk").open(sealed) is None
    assert Sealer(new_key(), "sesi").open(sealed) is None
    flipped = sealed[:20] + ("A" if sealed[20] != "A" else "B") + sealed[21:]
    assert Sealer(key, "sesi").open(flipped) is None
    assert Sealer(key, "sesi").open("bukan-cookie") is None


def test_an_expired_session_does_not_open(monkeypatch: pytest.MonkeyPatch) -> None:
    sealer = Sealer(new_key(), "sesi")
    sealed = sealer.seal({"user": "rina"}, 10)
    monkeypatch.setattr(time, "time", lambda: 10**10)
    assert sealer.open(sealed) is None


def test_a_key_of_the_wrong_size_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        Sealer("c2hvcnQ", "sesi")


def test_csrf_tokens_compare_only_when_both_are_present_and_equal() -> None:
    assert same_token("abc", "abc")
    assert not same_token("abc", "abd")
    assert not same_token("", "")
    assert not same_token(None, "abc")
