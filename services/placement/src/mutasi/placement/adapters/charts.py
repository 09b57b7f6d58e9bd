"""The fairness chart as a PNG (matplotlib's object API with the Agg canvas, no pyplot state)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.figure import Figure

from mutasi.placement.domain.fairness import GroupRow

NORMAL, FLAGGED, LINE = "#1f6feb", "#d97706", "#6b7280"


def fairness_png(rows: Sequence[GroupRow], flag_ratio: float) -> bytes:
    """Selection rate (moved / people) per group, one panel per dimension; a bar under `flag_ratio` × the best
    group's rate is drawn in the warning colour, the threshold as a dashed line."""
    dims = list(dict.fromkeys(r.dimension for r in rows))
    fig = Figure(figsize=(7.2, 2.2 * max(len(dims), 1)))
    axes = fig.subplots(max(len(dims), 1), 1, squeeze=False)[:, 0]
    for ax, dim in zip(axes, dims, strict=False):
        shown = [r for r in rows if r.dimension == dim and r.selection_rate is not None]
        rates = [100 * (r.selection_rate or 0.0) for r in shown]
        ax.bar([r.group for r in shown], rates, color=[FLAGGED if r.flagged else NORMAL for r in shown])
        if rates:
            ax.axhline(flag_ratio * max(rates), color=LINE, linestyle="--", linewidth=1)
        ax.set_title(f"{dim}: tingkat seleksi (% pindah); garis = {flag_ratio:g} × kelompok terbaik", fontsize=9)
        ax.tick_params(axis="x", labelsize=7, rotation=30)
        ax.tick_params(axis="y", labelsize=7)
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return buf.getvalue()
