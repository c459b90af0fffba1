#!/usr/bin/env python3
"""Screenshot test of the HTML weekly brief in headless Chromium, in English and Hebrew.

Builds the brief with the demo on a small synthetic distributor (written as
target/brief/brief.{en,he}.html), opens each page in headless Chromium, and checks the DOM that
Chromium built (``--dump-dom``): tasks present, one rhythm SVG per task that has a rhythm,
``dir="rtl"`` and ``lang="he"`` for Hebrew (``ltr``/``en`` for English), Hebrew headings, no
scripts and no external resources. It also takes a screenshot of each page (target/brief/
screenshot.{en,he}.png) and checks it is a real, non-blank PNG of the requested size.

Chromium is installed with apt-get (Debian package ``chromium``) when it is missing.

    python3 scripts/brief_screenshots.py [CUSTOMERS]     # default 300
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "target" / "brief"
WIDTH, HEIGHT = 1280, 2000


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    print("== installing chromium (apt-get)", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)
    path = shutil.which("chromium")
    if not path:
        sys.exit("brief_screenshots: chromium is still missing after apt-get install")
    return path


def run_chromium(binary: str, *args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        cmd = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *args,
        ]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)


def png_info(path: Path) -> tuple[int, int, int]:
    """Width, height and the number of distinct scanline bytes sampled (a blank page has ~1)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    chunks, i = [], 8
    while i < len(data):
        (length,) = struct.unpack(">I", data[i : i + 4])
        kind = data[i + 4 : i + 8]
        if kind == b"IDAT":
            chunks.append(data[i + 8 : i + 8 + length])
        i += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    return width, height, len(set(raw[: min(len(raw), 4_000_000)]))


def check_dom(dom: str, locale: str, html: str) -> None:
    tasks = len(re.findall(r'<article class="task"', dom))
    assert tasks > 0, f"{locale}: no tasks in the rendered page"
    assert tasks == html.count('<article class="task"'), f"{locale}: tasks lost in rendering"
    svgs = len(re.findall(r"<svg[^>]*class=\"rhythm\"", dom))
    assert svgs >= 0.9 * tasks, f"{locale}: {svgs} rhythm charts for {tasks} tasks"
    assert len(re.findall(r'class="purchase"', dom)) > tasks, f"{locale}: purchase dots missing"
    direction = "rtl" if locale == "he" else "ltr"
    assert re.search(rf'<html[^>]*lang="{locale}"[^>]*dir="{direction}"', dom), (
        f"{locale}: the page is not {direction}"
    )
    if locale == "he":
        assert "תדריך שבועי" in dom and "נקודות לשיחה" in dom, "he: headings are not in Hebrew"
    else:
        assert "Weekly brief" in dom and "Talking points" in dom
    assert 'class="digest"' in dom, f"{locale}: no manager digest"
    assert "<script" not in html and " src=" not in html and "<link" not in html, (
        f"{locale}: the page loads something from outside"
    )


def main() -> None:
    customers = sys.argv[1] if len(sys.argv) > 1 else "300"
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"== demo on {customers} customers (writes the HTML brief)", flush=True)
    subprocess.run(
        ["cargo", "run", "--quiet", "-p", "salespulse", "--example", "demo", "--", customers],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        env=dict(os.environ, SALESPULSE_BRIEF_DIR=str(OUT)),
    )
    binary = chromium()
    for locale in ("en", "he"):
        page = OUT / f"brief.{locale}.html"
        html = page.read_text(encoding="utf-8")
        dom = run_chromium(binary, "--dump-dom", page.as_uri()).stdout
        check_dom(dom, locale, html)
        shot = OUT / f"screenshot.{locale}.png"
        shot.unlink(missing_ok=True)
        run_chromium(
            binary, f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}", page.as_uri()
        )
        width, height, distinct = png_info(shot)
        assert (width, height) == (WIDTH, HEIGHT), f"{shot}: {width}x{height}"
        assert distinct > 20, f"{shot} looks blank ({distinct} distinct byte values)"
        print(f"   {locale}: DOM checks passed; screenshot {shot.relative_to(ROOT)}", flush=True)
    print("== brief screenshots passed")


if __name__ == "__main__":
    main()
