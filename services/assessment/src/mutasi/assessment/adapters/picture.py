"""Draw the 9-box grid as a PNG with matplotlib (Agg backend, no display needed)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")  # must precede pyplot: servers have no display

import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

# Grid position (column = Kinerja, row = Potensial) of each box number, as PermenPANRB 3/2020 draws it.
POSITION: dict[int, tuple[int, int]] = {
    1: (0, 0), 2: (1, 0), 4: (2, 0),
    3: (0, 1), 5: (1, 1), 7: (2, 1),
    6: (0, 2), 8: (1, 2), 9: (2, 2),
}  # fmt: skip
COLOURS = {1: "#f8b4b4", 2: "#fcd9a8", 3: "#fcd9a8", 4: "#fff3b0", 5: "#fff3b0", 6: "#fff3b0",
           7: "#c6efce", 8: "#c6efce", 9: "#8fd19e"}  # fmt: skip
MAX_NAMES = 6  # names shown per cell; the JSON has them all


def nine_box_png(title: str, counts: Mapping[int, int], names: Mapping[int, Sequence[str]]) -> bytes:
    """A 3×3 grid: box number, count and the first names in each cell."""
    fig, ax = plt.subplots(figsize=(9, 7), dpi=100)
    try:
        for number, (col, row) in POSITION.items():
            ax.add_patch(Rectangle((col, row), 1, 1, facecolor=COLOURS[number], edgecolor="#555555"))
            ax.text(col + 0.05, row + 0.9, f"Kotak {number}", fontsize=10, weight="bold", va="top")
            ax.text(col + 0.95, row + 0.9, str(counts.get(number, 0)), fontsize=16, ha="right", va="top")
            shown = list(names.get(number, []))[:MAX_NAMES]
            more = counts.get(number, 0) - len(shown)
            text = "\n".join(shown) + (f"\n… +{more}" if more > 0 else "")
            ax.text(col + 0.05, row + 0.7, text, fontsize=7, va="top")
        ax.set_xlim(0, 3)
        ax.set_ylim(0, 3)
        ax.set_xticks([0.5, 1.5, 2.5], ["Di bawah ekspektasi", "Sesuai ekspektasi", "Di atas ekspektasi"])
        ax.set_yticks([0.5, 1.5, 2.5], ["Rendah", "Menengah", "Tinggi"])
        ax.set_xlabel("Kinerja")
        ax.set_ylabel("Potensial")
        ax.set_title(title)
        out = io.BytesIO()
        fig.savefig(out, format="png", bbox_inches="tight")
        return out.getvalue()
    finally:
        plt.close(fig)
