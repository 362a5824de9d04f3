"""Figure conventions shared by every plot: readable on a projector and in greyscale, and
carrying the run's manifest in the saved file's metadata."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import matplotlib

if not os.environ.get("MPLBACKEND"):  # a notebook's kernel names its inline backend there
    matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.typing import RcKeyType

# Distinguishable in greyscale: each series gets a line style and a marker as well as a colour.
COLOURS = ("#1b1b1b", "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00")
LINESTYLES = ("-", "--", ":", "-.")
MARKERS = ("o", "s", "^", "D", "v", "P")
STYLE: dict[RcKeyType, Any] = {
    "font.size": 13,
    "axes.titlesize": 15,
    "axes.labelsize": 13,
    "legend.fontsize": 11,
    "lines.linewidth": 2.2,
    "lines.markersize": 7,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.dpi": 110,
    "savefig.bbox": "tight",
}


def series_style(i: int) -> dict[str, Any]:
    """Colour, line style and marker of the ``i``-th series."""
    return {
        "color": COLOURS[i % len(COLOURS)],
        "linestyle": LINESTYLES[i % len(LINESTYLES)],
        "marker": MARKERS[i % len(MARKERS)],
    }


def new_figure(width: float = 8.0, height: float = 5.0):
    """A figure and axes in the house style."""
    with plt.rc_context(STYLE):
        return plt.subplots(figsize=(width, height))


def save_figure(fig, path: Path, manifest: dict[str, Any]) -> Path:
    """Save ``fig`` (PNG, SVG or PDF by suffix) with the manifest in its metadata, and close it.

    PNG keeps the manifest as a text chunk ``ipssim-manifest`` (JSON); SVG and PDF keep it in
    their description / subject field.
    """
    path = Path(path)
    text = json.dumps(manifest, default=str, sort_keys=True)
    suffix = path.suffix.lower()
    if suffix == ".png":
        metadata = {"Software": "ipssim", "ipssim-manifest": text}
    elif suffix == ".svg":
        metadata = {"Creator": "ipssim", "Description": text}
    else:
        metadata = {"Creator": "ipssim", "Subject": text}
    with plt.rc_context(STYLE):
        fig.savefig(path, metadata=metadata)
    plt.close(fig)
    return path


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest stored in a PNG saved by ``save_figure``."""
    from PIL import Image, PngImagePlugin

    with Image.open(path) as image:
        if not isinstance(image, PngImagePlugin.PngImageFile):
            raise ValueError(f"{path}: not a PNG, so no manifest in its text chunks")
        return json.loads(image.text["ipssim-manifest"])
