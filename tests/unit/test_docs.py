"""The repository explains itself: its docs link to files that exist, every glossary term is used, and nothing
points to design notes kept outside the repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "docs" / "glossary.md"
OUTSIDE = re.compile(r"(DOMAIN|ARCHITECTURE|STYLE)(\.md)? §|\.\./shared/|DOMAIN\.md|ARCHITECTURE\.md")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _tracked(*suffixes: str) -> list[Path]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / f for f in out.split() if f.endswith(suffixes) and (ROOT / f).exists()]


def _glossary_terms() -> list[str]:
    terms = []
    for line in GLOSSARY.read_text().splitlines():
        match = re.match(r"\| \*\*(.+?)\*\* \|", line)
        if match:
            terms.extend(t.strip() for t in re.split(r" / ", match.group(1)))
    return terms


def test_the_glossary_has_terms() -> None:
    assert len(_glossary_terms()) >= 30


@pytest.mark.parametrize("term", _glossary_terms())
def test_every_glossary_term_is_used_outside_the_glossary(term: str) -> None:
    pattern = re.compile(rf"(?<![A-Za-z]){re.escape(term)}(?![a-z])", re.IGNORECASE)
    files = [p for p in _tracked(".py", ".md", ".yaml", ".yml", ".html") if p != GLOSSARY]
    assert any(pattern.search(p.read_text(errors="ignore")) for p in files), f"{term!r} is used nowhere"


def test_nothing_points_to_design_notes_outside_the_repository() -> None:
    offenders = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in _tracked(".py", ".md", ".yaml", ".yml", ".toml", "Makefile", "Dockerfile", ".html")
        if p.name != "test_docs.py"
        for n, line in enumerate(p.read_text(errors="ignore").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert offenders == []


def test_every_relative_link_in_the_docs_resolves() -> None:
    broken = []
    for doc in _tracked(".md"):
        for target in LINK.findall(doc.read_text()):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (doc.parent / target).exists():
                broken.append(f"{doc.relative_to(ROOT)} -> {target}")
    assert broken == []
