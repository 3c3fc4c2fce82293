"""The HTML report in a real headless Chromium, offline: it loads and renders (slow; needs chromium).

Run with: .venv/bin/pytest -m "browser" tests/test_report_browser.py   (apt-get install -y chromium)
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import report_samples as samples

from checker.report.document import build_document
from checker.report.render_html import render_html

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("screenshot_report", ROOT / "scripts" / "screenshot_report.py")
shot = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(shot)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(shot.find_chromium() is None, reason="chromium not installed"),
]


def test_report_renders_in_headless_chromium(tmp_path):
    html = tmp_path / "report.html"
    html.write_text(render_html(build_document(samples.record(), env=samples.ENV)), encoding="utf-8")
    png = shot.screenshot(html, tmp_path / "shot.png", width=1200, height=2400)
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG")
    import matplotlib.image as mpimg

    pixels = mpimg.imread(png)
    assert pixels.shape[:2] == (2400, 1200)
    assert pixels[:, :, :3].std() > 0.05  # the page drew something (a blank page is uniform)
