"""Plot data carried in Evidence.series: producers describe *what* to plot, reports decide *how*.

Reports render from the JSON alone (they never recompute), so every plot's data must be in the document.
Each builder returns a JSON-ready dict with a ``kind`` the renderer knows:

* ``line``: x against one or more named y arrays, optional horizontal reference lines (e.g. 2/eta).
* ``fit``: log-log error against a parameter with the fitted and the expected slope (asymptotic orders).
* ``bifurcation``: period-2 orbit amplitude against the overshoot sigma, stable/unstable and certified
  points marked, and the normal-form prediction.
* ``histogram``: samples with an optional predicted value (e.g. final sharpness of many runs).
* ``boxes``: rectangles of a plane coloured by status (the certified boxes of a two-parameter loss family).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def _floats(values: Sequence[Any]) -> list[float]:
    return [float(v) for v in values]


def line(
    title: str,
    x: Sequence[float],
    ys: Mapping[str, Sequence[float]],
    *,
    x_label: str,
    y_label: str,
    hlines: Mapping[str, float] | None = None,
    log_x: bool = False,
    log_y: bool = False,
) -> dict[str, Any]:
    return {
        "kind": "line",
        "title": title,
        "x": _floats(x),
        "ys": {k: _floats(v) for k, v in ys.items()},
        "x_label": x_label,
        "y_label": y_label,
        "hlines": {k: float(v) for k, v in (hlines or {}).items()},
        "log_x": log_x,
        "log_y": log_y,
    }


def boxes(
    title: str, rects: Sequence[tuple[float, float, float, float, str]], *, x_label: str, y_label: str
) -> dict[str, Any]:
    """Rectangles [x0, x1] x [y0, y1] of the plane, each with a status (e.g. the certified boxes of a
    two-parameter family: stable / not-stable / no-minimiser / undecided)."""
    return {
        "kind": "boxes",
        "title": title,
        "rects": [[float(a), float(b), float(c), float(d), str(s)] for a, b, c, d, s in rects],
        "x_label": x_label,
        "y_label": y_label,
    }


def fit(
    title: str,
    x: Sequence[float],
    y: Sequence[float],
    *,
    slope: float,
    intercept: float,
    expected_slope: float,
    x_label: str,
    y_label: str,
) -> dict[str, Any]:
    """Points (x, y) on log-log axes and the line log y = intercept + slope log x."""
    return {
        "kind": "fit",
        "title": title,
        "x": _floats(x),
        "y": _floats(y),
        "slope": float(slope),
        "intercept": float(intercept),
        "expected_slope": float(expected_slope),
        "x_label": x_label,
        "y_label": y_label,
    }


def bifurcation(
    title: str,
    sigma: Sequence[float],
    u: Sequence[float],
    *,
    stable: Sequence[bool],
    certified: Sequence[bool],
    predicted_sigma: Sequence[float] = (),
    predicted_u: Sequence[float] = (),
) -> dict[str, Any]:
    return {
        "kind": "bifurcation",
        "title": title,
        "sigma": _floats(sigma),
        "u": _floats(u),
        "stable": [bool(b) for b in stable],
        "certified": [bool(b) for b in certified],
        "predicted": {"sigma": _floats(predicted_sigma), "u": _floats(predicted_u)},
    }


def histogram(title: str, samples: Sequence[float], *, x_label: str, predicted: float | None = None) -> dict[str, Any]:
    return {
        "kind": "histogram",
        "title": title,
        "samples": _floats(samples),
        "x_label": x_label,
        "predicted": None if predicted is None else float(predicted),
    }
