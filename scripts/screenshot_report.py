#!/usr/bin/env python3
"""Load a rendered HTML report in headless Chromium, offline, and save a screenshot.

Why: the HTML must open in a real browser with no network (issue 5). Chromium from Debian's packages
(`apt-get install -y chromium`) is run with networking features off and a throwaway profile; the page
is loaded from a file:// URL. Look at the PNG to check the summary, the tables and the plots.

    python scripts/screenshot_report.py reports/eoscheck-run-quick-seed1-xxxx.html shot.png

Exit 0 with the screenshot written, 2 if Chromium is missing or fails.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def screenshot(html: Path, out: Path, *, width: int = 1200, height: int = 4000, timeout: float = 120) -> Path:
    """Render ``html`` to ``out`` (PNG); raises RuntimeError with Chromium's stderr on failure."""
    binary = find_chromium()
    if binary is None:
        raise RuntimeError("chromium not found: apt-get install -y chromium")
    out = out.resolve()
    with tempfile.TemporaryDirectory(prefix="eoscheck-chromium-") as profile:
        cmd = [
            binary,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            f"--screenshot={out}",
            html.resolve().as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"chromium failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("html", type=Path)
    ap.add_argument("png", type=Path)
    ap.add_argument("--width", type=int, default=1200)
    ap.add_argument("--height", type=int, default=4000)
    args = ap.parse_args(argv)
    try:
        path = screenshot(args.html, args.png, width=args.width, height=args.height)
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as exc:
        print(f"screenshot_report: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
