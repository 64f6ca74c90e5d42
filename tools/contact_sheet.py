"""Regenerate the contact sheet of every exercise illustration (start | end frames).

Usage: .venv/bin/python tools/contact_sheet.py [out_dir]   (default: artifacts/)
Writes contact-sheet.html and, when /usr/bin/chromium exists, contact-sheet.png.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from html import escape
from pathlib import Path

from upperback.illustrate import figure_still
from upperback.knowledge.loader import exercise_library

COLS = 5


def sheet_html() -> str:
    cells = []
    for ex in exercise_library().by_id.values():
        cells.append(
            f'<figure><div class="pair">{figure_still(ex, "start")}{figure_still(ex, "end")}</div>'
            f"<figcaption>{escape(ex.name)}<br><code>{escape(ex.id)} · {escape(ex.tempo)}"
            f"</code></figcaption></figure>"
        )
    return (
        "<!doctype html><meta charset='utf-8'><title>Exercise illustrations</title><style>"
        "body{font-family:sans-serif;margin:8px;background:#fff}"
        f".grid{{display:grid;grid-template-columns:repeat({COLS},minmax(0,1fr));gap:6px}}"
        "figure{margin:0;border:1px solid #ccc;padding:4px}"
        ".pair{display:flex;gap:2px;height:150px}.pair svg{flex:1;min-width:0;width:50%;height:150px;"
        "border:1px solid #eee}figcaption{font-size:11px;line-height:1.2}code{font-size:10px}"
        "</style><h1 style='font-size:16px;margin:0 0 6px'>Exercise illustrations: "
        "start | end (generated from knowledge/data/poses.yaml)</h1>"
        f"<div class='grid'>{''.join(cells)}</div>"
    )


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "artifacts")
    out.mkdir(parents=True, exist_ok=True)
    html = out / "contact-sheet.html"
    html.write_text(sheet_html(), encoding="utf-8")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        print(f"wrote {html} (no chromium: PNG skipped)")
        return 0
    rows = -(-len(exercise_library().by_id) // COLS)
    png = out / "contact-sheet.png"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         f"--screenshot={png.resolve()}", f"--window-size=1600,{rows * 196 + 40}",
         html.resolve().as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    print(f"wrote {html} and {png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
