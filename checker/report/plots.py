"""Draw the plots described by Evidence.series (checker/series.py) as PNG bytes, with matplotlib's Agg.

PNG (not SVG) because it embeds as a data: URI with no XML namespaces or DTD URLs, and because Agg with
the Software metadata removed is byte-for-byte deterministic: the same report renders to the same file.
Renderers call :func:`render_png` and never recompute anything: every point comes from the JSON.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

FIGSIZE = (6.4, 3.8)
DPI = 80


def _num(v: Any) -> float:
    """JSON numbers and the strings 'nan'/'inf'/'-inf' that checker.claim.jsonable writes for them."""
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _arr(values: Sequence[Any]) -> np.ndarray:
    return np.array([_num(v) for v in values], dtype=float)


def _line(ax: Any, s: dict[str, Any]) -> None:
    x = _arr(s["x"])
    for name, ys in s["ys"].items():
        y = _arr(ys)
        n = min(len(x), len(y))
        ax.plot(x[:n], y[:n], marker="." if n < 60 else None, label=name)
    for name, level in s["hlines"].items():
        ax.axhline(_num(level), linestyle="--", color="black", linewidth=1, label=name)
    if s.get("log_x"):
        ax.set_xscale("log")
    if s.get("log_y"):
        ax.set_yscale("log")
    ax.set_xlabel(s["x_label"])
    ax.set_ylabel(s["y_label"])


def fit_base(s: dict[str, Any]) -> float:
    """Whether the producer's 'log y = intercept + slope log x' used natural logs or log10.

    series.fit does not say; we pick the base under which the stored line passes closer to the points,
    so the drawn line is the producer's fit either way (the slope is the same in both bases).
    """
    x, y = _arr(s["x"]), _arr(s["y"])
    ok = (x > 0) & (y > 0) & np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return math.e
    errs = {}
    for base in (math.e, 10.0):
        lx, ly = np.log(x[ok]) / np.log(base), np.log(y[ok]) / np.log(base)
        errs[base] = float(np.mean((ly - (_num(s["intercept"]) + _num(s["slope"]) * lx)) ** 2))
    return min(errs, key=lambda base: errs[base])


def _fit(ax: Any, s: dict[str, Any]) -> None:
    x, y = _arr(s["x"]), _arr(s["y"])
    ax.loglog(x, y, "o", label="measured")
    ok = (x > 0) & (y > 0) & np.isfinite(x) & np.isfinite(y)
    if ok.any():
        base, slope, expected = fit_base(s), _num(s["slope"]), _num(s["expected_slope"])
        xs = np.geomspace(x[ok].min(), x[ok].max(), 50)
        ax.loglog(
            xs, base ** (_num(s["intercept"]) + slope * np.log(xs) / np.log(base)), "-", label=f"fit: slope {slope:.3g}"
        )
        # the expected order drawn through the data's geometric centre, for comparison of slopes only
        cx, cy = np.exp(np.mean(np.log(x[ok]))), np.exp(np.mean(np.log(y[ok])))
        ax.loglog(xs, cy * (xs / cx) ** expected, "--", color="gray", label=f"expected slope {expected:.3g}")
    ax.set_xlabel(s["x_label"])
    ax.set_ylabel(s["y_label"])


def _bifurcation(ax: Any, s: dict[str, Any]) -> None:
    sigma, u = _arr(s["sigma"]), _arr(s["u"])
    stable = np.array(s["stable"], dtype=bool)[: len(sigma)]
    cert = np.array(s["certified"], dtype=bool)[: len(sigma)]
    pred = s.get("predicted") or {}
    if pred.get("sigma"):
        ax.plot(_arr(pred["sigma"]), _arr(pred["u"]), "-x", color="gray", label="normal-form prediction")
    if stable.any():
        ax.plot(sigma[stable], u[stable], "o", color="tab:blue", label="stable orbit")
    if (~stable).any():
        ax.plot(sigma[~stable], u[~stable], "o", mfc="none", color="tab:red", label="unstable orbit")
    if cert.any():
        ax.plot(sigma[cert], u[cert], "*", ms=13, mfc="gold", mec="black", label="certified (Krawczyk)")
    ax.set_xlabel("overshoot sigma")
    ax.set_ylabel("orbit amplitude u")


def _histogram(ax: Any, s: dict[str, Any]) -> None:
    samples = _arr(s["samples"])
    samples = samples[np.isfinite(samples)]
    if samples.size:
        ax.hist(samples, bins=min(30, max(5, int(np.sqrt(samples.size)))), color="tab:blue", alpha=0.8)
    if s.get("predicted") is not None:
        ax.axvline(_num(s["predicted"]), color="black", linestyle="--", label=f"predicted {_num(s['predicted']):.4g}")
    ax.set_xlabel(s["x_label"])
    ax.set_ylabel("count")


BOX_COLOURS = {"stable": "tab:green", "not-stable": "tab:red", "no-minimiser": "tab:gray", "undecided": "gold"}


def _boxes(ax: Any, s: dict[str, Any]) -> None:
    from matplotlib.patches import Patch, Rectangle

    seen: set[str] = set()
    for x0, x1, y0, y1, status in s["rects"]:
        colour = BOX_COLOURS.get(str(status), "white")
        x, y = _num(x0), _num(y0)
        ax.add_patch(Rectangle((x, y), _num(x1) - x, _num(y1) - y, facecolor=colour, edgecolor="black", linewidth=0.3))
        seen.add(str(status))
    if s["rects"]:
        xs = [_num(r[0]) for r in s["rects"]] + [_num(r[1]) for r in s["rects"]]
        ys = [_num(r[2]) for r in s["rects"]] + [_num(r[3]) for r in s["rects"]]
        ax.set_xlim(min(xs), max(xs))
        ax.set_ylim(min(ys), max(ys))
    ax.legend(handles=[Patch(color=BOX_COLOURS.get(k, "white"), label=k) for k in sorted(seen)], fontsize=8)
    ax.set_xlabel(s["x_label"])
    ax.set_ylabel(s["y_label"])


DRAW: dict[str, Callable[[Any, dict[str, Any]], None]] = {
    "boxes": _boxes,
    "line": _line,
    "fit": _fit,
    "bifurcation": _bifurcation,
    "histogram": _histogram,
}


def render_png(spec: dict[str, Any]) -> bytes | None:
    """The plot as PNG bytes; None for a series kind this version does not know (shown as data instead)."""
    draw = DRAW.get(spec.get("kind", ""))
    if draw is None:
        return None
    fig, ax = plt.subplots(figsize=FIGSIZE, dpi=DPI)
    try:
        draw(ax, spec)
        ax.set_title(spec.get("title", ""), fontsize=11)
        ax.grid(True, alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", metadata={"Software": None})
        return buf.getvalue()
    finally:
        plt.close(fig)
