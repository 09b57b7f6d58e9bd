"""Report charts as inline SVG (matplotlib's object API with the Agg-family canvas, no pyplot state)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.figure import Figure

BEFORE, AFTER, ACCENT = "#9aa5b1", "#1f6feb", "#d97706"


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    return text[text.index("<svg") :]


def predicate_bars(labels: Sequence[str], before: Sequence[int], after: Sequence[int]) -> str:
    fig = Figure(figsize=(6.4, 2.8))
    ax = fig.subplots()
    x = range(len(labels))
    b1 = ax.bar([i - 0.2 for i in x], before, 0.4, label="Sebelum mutasi", color=BEFORE)
    b2 = ax.bar([i + 0.2 for i in x], after, 0.4, label="Sesudah (checkpoint terakhir)", color=AFTER)
    ax.bar_label(b1, fontsize=8)
    ax.bar_label(b2, fontsize=8)
    ax.set_xticks(list(x), [label.replace(" ", "\n").replace("/", "/\n") for label in labels], fontsize=8)
    ax.set_ylabel("Jumlah ASN")
    ax.legend(fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def horizontal_bars(
    labels: Sequence[str], values: Sequence[float], *, xmax: float, color: str = AFTER, fmt: str = "{:.2f}"
) -> str:
    fig = Figure(figsize=(6.4, 0.35 * len(labels) + 0.6))
    ax = fig.subplots()
    bars = ax.barh(list(labels)[::-1], list(values)[::-1], color=color)
    ax.bar_label(bars, labels=[fmt.format(v).replace(".", ",") for v in list(values)[::-1]], fontsize=8, padding=3)
    ax.set_xlim(0, xmax)
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)
