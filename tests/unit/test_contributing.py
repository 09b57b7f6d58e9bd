"""CONTRIBUTING.md quotes real code: every line of a block marked `<!-- from: PATH -->` still appears in PATH."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QUOTE = re.compile(r"<!-- from: (\S+) -->\s*```python\n(.*?)```", re.S)


def _quotes() -> list[tuple[str, str]]:
    return QUOTE.findall((ROOT / "CONTRIBUTING.md").read_text())


def test_the_walk_throughs_quote_code() -> None:
    assert len(_quotes()) >= 5


@pytest.mark.parametrize(("path", "block"), _quotes(), ids=lambda v: v.splitlines()[0][:50] if v else "")
def test_every_quoted_line_is_still_in_its_file(path: str, block: str) -> None:
    source = {line.strip() for line in (ROOT / path).read_text().splitlines()}
    missing = [line.strip() for line in block.splitlines() if line.strip() and line.strip() not in source]
    assert missing == [], f"CONTRIBUTING.md quotes lines {path} no longer has"
