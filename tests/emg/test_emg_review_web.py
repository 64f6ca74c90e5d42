"""The sEMG pages: channel mapping and electrode details on upload, onset review that
updates ratios and delays, a reviewed copy saved beside the original."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from upperback.emg.testing.synthetic import generate

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _csv(names: tuple[str, ...]) -> bytes:
    rec, _ = generate(
        np.random.default_rng(7), fs=1000.0, duration_s=10.0, channels=("UT_R", "LT_R", "SA_R"),
        delays_s={"LT_R": 0.08, "SA_R": 0.05},
    )  # fmt: skip
    buf = io.StringIO()
    buf.write("time," + ",".join(names) + "\n")
    t = np.arange(rec.n_samples) / rec.fs
    np.savetxt(buf, np.column_stack([t, rec.data.T]), delimiter=",", fmt="%.7g")
    return buf.getvalue().encode()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The demo database seeded once per module; each test works on its own copy."""
    from upperback.services.database import Database
    from upperback.services.seed import seed_demo

    path = tmp_path_factory.mktemp("review-seed") / "template.sqlite3"
    db = Database.open(path)
    info = seed_demo(db, today=dt.date(2026, 3, 2))
    db.close()
    return path, info.client_id


@pytest.fixture
def page(tmp_path: Path, seeded: tuple[Path, int]) -> Iterator[tuple[TestClient, str, int]]:
    from upperback.web import create_app

    path = tmp_path / "review.sqlite3"
    shutil.copy(seeded[0], path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        app = create_app(str(path), secret_key="test-secret-key-0123456789abcdef")
    client = TestClient(app)
    m = CSRF.search(client.get("/login").text)
    assert m
    r = client.post(
        "/login",
        data={
            "username": "demo",
            "password": "demo-clinician",
            "csrf_token": m.group(1),
            "next": "/",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    token = CSRF.search(client.get("/").text)
    assert token
    yield client, token.group(1), int(seeded[1])
    app.state.db.close()


def _items(html: str, list_id: str) -> dict[str, str]:
    m = re.search(rf'<ul id="{list_id}">(.*?)</ul>', html, re.S)
    assert m, f"no list {list_id}"
    return dict(re.findall(r"<li>([^:<]+): ([^<]*)</li>", m.group(1)))


def test_mapping_review_and_saved_copy(page: tuple[TestClient, str, int]) -> None:
    client, csrf, cid = page
    base = f"/clients/{cid}/emg"
    r = client.post(
        base,
        data={
            "csrf_token": csrf,
            "mapping": "EMG1=UT_R, EMG2=LT_R\nEMG3=SA_R",
            "inter_electrode_distance_mm": "20",
            "amplifier": "Delsys Trigno",
        },
        files={"file": ("vicon.csv", _csv(("EMG1", "EMG2", "EMG3")), "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:500]
    detail = client.get(r.headers["location"])
    html = detail.text
    ratios = _items(html, "ratios")
    assert set(ratios) == {"EMG1/EMG2", "EMG1/EMG3"}  # mapped: no "unknown" muscles
    assert _items(html, "metadata") == {
        "inter electrode distance mm": "20", "amplifier": "Delsys Trigno"
    }  # fmt: skip
    assert '<ul id="processing">' in html and "band-pass" in html
    delays = _items(html, "delays")["EMG2"].split(", ")
    rid = int(r.headers["location"].rsplit("/", 1)[1])
    fields = dict(re.findall(r'name="((?:on|off):\d+:\d+)" value="([^"]+)"', html))
    lt_on = sorted(k for k in fields if k.startswith("on:1:"))
    assert lt_on, "LT has activations to review"
    # Move the first LT onset 50 ms later: its delay grows by 50 ms.
    moved = {**fields, lt_on[0]: f"{float(fields[lt_on[0]]) + 0.05:.4f}"}
    rv = client.post(f"{base}/{rid}/review", data={"csrf_token": csrf, **moved})
    assert rv.status_code == 200 and 'id="review-status"' in rv.text
    new_delays = _items(rv.text, "delays")["EMG2"].split(", ")
    assert float(new_delays[0]) == pytest.approx(float(delays[0]) + 0.05, abs=2e-3)
    assert "set by the reviewer" in rv.text
    # Delete every LT activation: no LT delays, and the UT/LT ratio has no window left
    # from LT alone (it still uses UT's activations).
    deleted = {**fields, **{k.replace("on:", "del:"): "1" for k in lt_on}}
    rd = client.post(f"{base}/{rid}/review", data={"csrf_token": csrf, **deleted})
    assert _items(rd.text, "delays")["EMG2"] == "-"
    # Bad input: an onset after its offset is one line, nothing saved.
    bad = {**fields, lt_on[0]: "99"}
    rb = client.post(f"{base}/{rid}/review", data={"csrf_token": csrf, **bad, "save": "1"})
    assert rb.status_code == 422 and "review EMG2: activation 99-" in rb.text
    n_before = client.get(base).text.count("(reviewed)")
    rs = client.post(f"{base}/{rid}/review", data={"csrf_token": csrf, **moved, "save": "1"},
                     follow_redirects=False)  # fmt: skip
    assert rs.status_code == 303
    saved = client.get(rs.headers["location"]).text
    assert "vicon.csv (reviewed)" in saved and "set by the reviewer" in saved
    assert client.get(base).text.count("(reviewed)") == n_before + 1


def test_bad_mapping_keeps_what_was_typed(page: tuple[TestClient, str, int]) -> None:
    client, csrf, cid = page
    r = client.post(
        f"/clients/{cid}/emg",
        data={"csrf_token": csrf, "mapping": "EMG1=elbow", "fs": "", "amplifier": "X-1"},
        files={"file": ("v.csv", _csv(("EMG1", "EMG2", "EMG3")), "text/csv")},
    )
    assert r.status_code == 422
    assert "mapping for channel &#39;EMG1&#39;: unknown muscle &#39;elbow&#39;" in r.text
    assert ">EMG1=elbow</textarea>" in r.text and 'value="X-1"' in r.text
    # The message sits beside the mapping field it is about.
    assert r.text.index("EMG1=elbow</textarea>") < r.text.index('id="upload-error"')
    assert r.text.index('id="upload-error"') < r.text.index("Electrodes and amplifier")


def test_live_replay_normalised_to_a_stored_mvc(page: tuple[TestClient, str, int]) -> None:
    client, csrf, cid = page
    base = f"/clients/{cid}/emg"
    ids = []
    for name in ("trial.csv", "mvc.csv"):
        r = client.post(
            base, data={"csrf_token": csrf},
            files={"file": (name, _csv(("UT_R", "LT_R", "SA_R")), "text/csv")},
            follow_redirects=False,
        )  # fmt: skip
        ids.append(int(r.headers["location"].rsplit("/", 1)[1]))
    live_page = client.get(f"{base}/{ids[0]}/live").text
    assert f'<option value="{ids[1]}">mvc.csv' in live_page
    ws = f"/api/v1/clients/{cid}/emg/{ids[0]}/live?speed=max"
    with client.websocket_connect(ws) as sock:
        raw = sock.receive_json()
    assert raw["basis"] == "raw" and "raw_ratio_not_class_units" in raw["flags"]
    assert raw["target"] == 1.0
    with client.websocket_connect(f"{ws}&mvc={ids[1]}&target=0.6") as sock:
        msgs = [sock.receive_json() for _ in range(60)]
    assert msgs[0]["basis"] == "mvc" and msgs[0]["target"] == 0.6
    assert "raw_ratio_not_class_units" not in msgs[0]["flags"]
    # Normalised by a recording of the same contractions, the ratio sits near 1.
    ratios = [m["ratio"] for m in msgs if m.get("ratio") is not None]
    assert ratios and 0.3 < float(np.median(ratios)) < 3.0
    with client.websocket_connect(f"{ws}&target=abc") as sock:
        bad = sock.receive_json()
    assert bad == {"error": "target: not a number", "done": True}
