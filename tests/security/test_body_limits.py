"""Limits before work: a large body is refused before it is read, without growing memory."""

from __future__ import annotations

import asyncio
import tracemalloc
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import World, synthetic_emg_csv, token_for

MB = 1024 * 1024
PART_HEAD = (
    b'--zz\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
    b"Content-Type: text/csv\r\n\r\n"
)
CHUNK = b"x" * MB  # one buffer re-sent: the sender itself allocates nothing per chunk


def _call(
    app: FastAPI, path: str, headers: list[tuple[bytes, bytes]], total: int, first: bytes = b""
) -> tuple[int, int, int]:
    """Stream `total` bytes of body to the app over ASGI; (status, bytes the app read,
    peak traced memory growth in bytes)."""
    sent = 0
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent >= total:
            return {"type": "http.disconnect"}
        body = first if sent == 0 and first else CHUNK
        sent += len(body)
        return {"type": "http.request", "body": body, "more_body": sent < total}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "headers": [(b"host", b"testserver"), *headers], "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80), "root_path": "",
    }  # fmt: skip

    async def run() -> None:
        await app(scope, receive, send)

    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    asyncio.run(run())
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return status[0], sent, peak


def test_anonymous_100_mb_upload_is_refused_before_it_is_read(app: FastAPI, world: World) -> None:
    path = f"/api/v1/clients/{world.a_client}/emg"
    ctype = (b"content-type", b"multipart/form-data; boundary=zz")
    # announced size over the limit: refused on the headers alone
    status, read, peak = _call(
        app, path, [ctype, (b"content-length", str(100 * MB).encode())], 100 * MB
    )
    assert status == 413 and read == 0
    assert peak < 20 * MB, f"memory grew {peak / MB:.1f} MB"
    # no length announced (chunked): anonymous, so refused before the first byte is read
    status, read, peak = _call(app, path, [ctype], 100 * MB)
    assert status == 401 and read == 0
    assert peak < 20 * MB, f"memory grew {peak / MB:.1f} MB"


def test_anonymous_100_mb_json_and_form_bodies_are_refused_unread(app: FastAPI) -> None:
    for path, kind in (
        ("/api/v1/clients", b"application/json"),
        ("/login", b"application/x-www-form-urlencoded"),
    ):
        status, read, peak = _call(app, path, [(b"content-type", kind)], 100 * MB)
        assert status in (401, 413), (path, status)
        assert read <= 2 * MB, f"{path}: read {read / MB:.0f} MB"
        assert peak < 20 * MB, f"{path}: memory grew {peak / MB:.1f} MB"


def test_a_logged_in_stream_is_cut_at_the_limit(app: FastAPI, world: World) -> None:
    api = TestClient(app)
    token = token_for(api, "demo", "demo-clinician")["Authorization"].encode()
    status, read, peak = _call(
        app, f"/api/v1/clients/{world.a_client}/emg",
        [(b"content-type", b"multipart/form-data; boundary=zz"), (b"authorization", token)],
        100 * MB,
        first=PART_HEAD,
    )  # fmt: skip
    limit = app.state.settings.max_upload_bytes
    assert status == 413
    assert read <= limit + 2 * MB, f"read {read / MB:.0f} MB past a {limit / MB:.0f} MB limit"
    assert peak < 20 * MB, f"memory grew {peak / MB:.1f} MB"


def test_an_upload_with_a_revoked_token_is_refused_before_reading(
    app: FastAPI, world: World
) -> None:
    api = TestClient(app)
    headers = token_for(api, "demo", "demo-clinician")
    assert api.post("/api/v1/auth/logout", headers=headers).status_code == 204
    r = api.post(
        f"/api/v1/clients/{world.a_client}/emg", headers=headers,
        files={"file": ("t.csv", synthetic_emg_csv(1, 2.0), "text/csv")},
    )  # fmt: skip
    assert r.status_code == 401


def test_session_log_documents_are_bounded(api: TestClient, world: World) -> None:
    headers = token_for(api, "demo", "demo-clinician")
    url = f"/api/v1/clients/{world.a_client}/sessions"
    base = {"date": "2026-03-02", "week": 7, "index": 1, "completed": False}
    too_big_emg = {**base, "emg": {"samples": list(range(20_000))}}
    r = api.post(url, json=too_big_emg, headers=headers)
    assert r.status_code == 422 and "larger than" in r.text
    many_sets = {
        **base, "completed": True,
        "sets": [{"exercise_id": "x", "set_index": 1, "reps": 5}] * 201,
    }  # fmt: skip
    assert api.post(url, json=many_sets, headers=headers).status_code == 422
    many_cues = {**base, "awareness": ["a"] * 31}
    assert api.post(url, json=many_cues, headers=headers).status_code == 422
