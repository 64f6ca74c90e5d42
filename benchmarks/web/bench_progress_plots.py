"""Progress page and HTML report: drawing every plot inline vs plot routes with a draw cache.

Seeds the demo client into a temporary SQLite file, logs in through the form and times
(best of k, milliseconds) through the real app (TestClient):
- before: what the progress page used to do per view, 6 desktop + 6 phone PNGs drawn
  inline (report.plot with the cache cleared before each plot), plus reading the record;
- after: GET /progress (HTML only) and the 6 desktop plot images a desktop browser then
  fetches, cold (cache cleared) and warm (same data, cached);
- GET /report.html cold and warm.
Usage: python benchmarks/web/bench_progress_plots.py [k]
Measured 2026-11-30 on the shared, loaded 2-core machine (best of 3): before 5662 ms;
after: HTML 35 ms, with 6 images cold 1316 ms / warm 427 ms; report.html 1648 / 29 ms.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from upperback import report
from upperback.report.plots import clear_plot_cache
from upperback.services.access import Actor
from upperback.services.database import Database
from upperback.services.seed import seed_demo
from upperback.web import create_app

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
SRC_RE = re.compile(r'<img alt="[^"]*" src="([^"]+)"')


def best(fn: Callable[[], object], k: int) -> float:
    out = float("inf")
    for _ in range(k):
        t = time.perf_counter()
        fn()
        out = min(out, time.perf_counter() - t)
    return out * 1000


def main(k: int = 3) -> None:
    warnings.simplefilter("ignore")
    today = dt.date.today()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        db = Database.open(path)
        cid = seed_demo(db, today=today - dt.timedelta(days=42)).client_id
        demo = Actor(role="clinician", clinician_id=1, name="demo")

        def inline_before() -> None:
            data = report.collect(db, demo, cid, today=today)
            for key in report.plots_available(data):
                for narrow in (False, True):
                    clear_plot_cache()
                    report.plot(data, key, "png", narrow=narrow)

        before = best(inline_before, k)
        with TestClient(create_app(str(path), secret_key="bench-secret-" + "x" * 32)) as c:
            token = CSRF_RE.search(c.get("/login").text)
            assert token
            c.post(
                "/login",
                data={"username": "demo", "password": "demo-clinician",
                      "csrf_token": token.group(1), "next": "/"},
                follow_redirects=False,
            )  # fmt: skip
            base = f"/clients/{cid}"

            def page_and_images() -> None:
                html = c.get(base + "/progress")
                assert html.status_code == 200
                for src in SRC_RE.findall(html.text):
                    assert c.get(src.replace("&amp;", "&")).status_code == 200

            def cold(fn: Callable[[], None]) -> Callable[[], None]:
                return lambda: (clear_plot_cache(), fn())[1]

            page_only = best(lambda: c.get(base + "/progress"), k)
            after_cold = best(cold(page_and_images), k)
            after_warm = best(page_and_images, k)
            rep_cold = best(cold(lambda: c.get(base + "/report.html")), k)
            rep_warm = best(lambda: c.get(base + "/report.html"), k)
        db.close()
    print(f"{'what':<48} {'ms':>7}")
    for name, ms in (
        ("before: progress, 12 PNGs drawn inline", before),
        ("after: progress HTML alone", page_only),
        ("after: progress + 6 desktop images, cold", after_cold),
        ("after: progress + 6 desktop images, warm", after_warm),
        ("report.html cold (6 PNGs drawn)", rep_cold),
        ("report.html warm (cached)", rep_warm),
    ):
        print(f"{name:<48} {ms:>7.0f}")
    print(f"ratio before / after cold {before / after_cold:.1f}x, "
          f"before / after warm {before / after_warm:.1f}x, "
          f"report cold / warm {rep_cold / rep_warm:.1f}x")  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
