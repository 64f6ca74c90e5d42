"""Damaged files cannot take the process down: a C3D byte that segfaults ezc3d, a C3D that
hangs it, and a fixed-seed fuzz over every reader give one-line errors; the server stays up.

The longer fuzz run is benchmarks/emg/fuzz_readers.py.
"""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from upperback.emg import Recording, read_recording
from upperback.emg.readers import isolated
from upperback.emg.testing.corpus import WRITERS, mutate
from upperback.errors import InvalidInput, UpperbackError

#: One changed byte (offset, value) of the corpus C3D that makes ezc3d 1.7.2 read out of
#: bounds (SIGSEGV), and one that makes it claim memory without end; found by benchmarks/emg/fuzz_readers.py.
SEGFAULT_BYTE = (902, 150)
HOG_BYTE = (880, 151)


def _changed(src: Path, dst: Path, pos: int, value: int) -> Path:
    raw = bytearray(src.read_bytes())
    raw[pos] = value
    dst.write_bytes(bytes(raw))
    return dst


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("corpus")
    return {k: w(d / f"small.{k}") for k, w in WRITERS.items()}


@pytest.fixture(scope="module")
def crash_c3d(corpus: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _changed(corpus["c3d"], tmp_path_factory.mktemp("crash") / "crash.c3d", *SEGFAULT_BYTE)


def test_segfaulting_c3d_is_one_line_error(crash_c3d: Path) -> None:
    with pytest.raises(InvalidInput, match=r"^crash.c3d: the C3D reader crashed on this file") as e:
        read_recording(crash_c3d)
    assert "\n" not in str(e.value) and "SIGSEGV" in str(e.value)


def test_c3d_that_asks_for_unbounded_memory_is_refused(
    corpus: dict[str, Path], tmp_path: Path
) -> None:
    """Unlimited, ezc3d spins on this file for minutes claiming memory; the child's
    address-space limit stops it."""
    p = _changed(corpus["c3d"], tmp_path / "hog.c3d", *HOG_BYTE)
    t0 = time.monotonic()
    with pytest.raises(InvalidInput, match=r"^hog.c3d: cannot read C3D file \(std::bad_alloc\)"):
        read_recording(p)
    assert time.monotonic() - t0 < 30


def test_slow_read_times_out(corpus: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolated, "TIMEOUT_S", 1e-6)  # a warm child reads it in ~10 ms
    with pytest.raises(InvalidInput, match=r"^small.edf: reading the EDF/BDF file took longer"):
        read_recording(corpus["edf"])


def test_cli_exits_2_with_one_line(crash_c3d: Path) -> None:
    from upperback.cli.emg import emg_app

    r = CliRunner().invoke(emg_app, ["analyze", str(crash_c3d)])
    assert r.exit_code == 2
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: crash.c3d: the C3D reader crashed")


@pytest.mark.parametrize(("kind", "n"), [("c3d", 6), ("edf", 6), ("csv", 40), ("wfdb", 40)])
def test_fuzz_every_reader(corpus: dict[str, Path], tmp_path: Path, kind: str, n: int) -> None:
    """Mutated files read or fail with one UpperbackError line; nothing else escapes."""
    src = corpus[kind]
    rng = np.random.default_rng(2026)
    outcomes = {"read": 0, "refused": 0}
    for k in range(n):
        if kind == "wfdb":  # damage the signal file or the header, keep the pair
            d = tmp_path / f"m{k}"
            d.mkdir()
            target = src.with_suffix(".dat") if k % 2 else src
            for f in (src, src.with_suffix(".dat")):
                (d / f.name).write_bytes(f.read_bytes())
            (d / target.name).write_bytes(mutate(target.read_bytes(), rng, max_changes=16))
            path = d / src.name
        else:
            path = tmp_path / f"m{k}{src.suffix}"
            path.write_bytes(mutate(src.read_bytes(), rng, max_changes=16))
        try:
            rec = read_recording(path)
        except UpperbackError as exc:
            assert "\n" not in exc.message and exc.message.startswith(path.name)
            outcomes["refused"] += 1
        else:
            assert isinstance(rec, Recording) and np.isfinite(rec.data).all()
            outcomes["read"] += 1
    assert sum(outcomes.values()) == n, outcomes
    assert outcomes["refused"] > 0, outcomes  # the mutations do damage files


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    import datetime as dt

    import uvicorn

    from upperback.services.database import Database
    from upperback.services.seed import seed_demo
    from upperback.web import create_app

    path = tmp_path / "crash.sqlite3"
    db = Database.open(path)
    seed_demo(db, today=dt.date(2026, 3, 2))
    db.close()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        app = create_app(str(path), secret_key="test-secret-key-0123456789abcdef")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    app.state.db.close()


def test_server_survives_crashing_upload(server: str, crash_c3d: Path) -> None:
    """The segfaulting file would kill this very process if ezc3d ran in it."""
    import httpx

    with httpx.Client(base_url=server, timeout=30) as http:
        r = http.post("/api/v1/auth/token", data={"username": "demo", "password": "demo-clinician"})
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        cid = http.get("/api/v1/clients", headers=headers).json()[0]["id"]
        up = http.post(
            f"/api/v1/clients/{cid}/emg",
            headers=headers,
            files={"file": ("crash.c3d", crash_c3d.read_bytes(), "application/octet-stream")},
        )
        assert up.status_code == 422
        assert "the C3D reader crashed" in up.text and "\\n" not in up.text
        assert http.get(f"/api/v1/clients/{cid}/emg", headers=headers).status_code == 200


# --- The warm reader server (isolated._ReaderServer) ------------------------------------


def _server_pid() -> int:
    proc = isolated._SERVER._proc
    assert proc is not None, "the read went through the warm server"
    return proc.pid


def test_warm_server_survives_a_crash_and_reads_like_a_fresh_interpreter(
    corpus: dict[str, Path], crash_c3d: Path, tmp_path: Path
) -> None:
    """The segfault kills the forked child only: the same server reads the next file, and
    its samples equal those of the fresh-interpreter fallback; its CPU is accounted."""
    cpu0 = isolated.reader_cpu_seconds()
    warm = read_recording(corpus["edf"])
    pid = _server_pid()
    with pytest.raises(InvalidInput, match=r"^crash.c3d: the C3D reader crashed .*SIGSEGV"):
        read_recording(crash_c3d)
    assert _server_pid() == pid
    again = read_recording(corpus["edf"])
    assert _server_pid() == pid
    assert isolated.reader_cpu_seconds() > cpu0
    out = tmp_path / "fresh"
    out.mkdir()
    code = isolated._read_in_fresh_child("edf", corpus["edf"], out, "small.edf", "EDF/BDF")
    fresh = isolated._collect(code, out, "small.edf", "EDF/BDF", None)
    for rec in (again, fresh):
        assert np.array_equal(rec.data, warm.data) and rec.channels == warm.channels


def test_a_dead_or_missing_server_falls_back_to_a_fresh_interpreter(
    corpus: dict[str, Path], crash_c3d: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed between reads, the server is replaced; if none can start, each read runs in a
    new interpreter, with the same one-line errors and no payload left on tmpfs."""
    import os
    import signal
    import subprocess

    read_recording(corpus["edf"])
    old = _server_pid()
    os.kill(old, signal.SIGKILL)
    for _ in range(2):  # the read that finds it dead falls back; the next starts a new one
        assert read_recording(corpus["edf"]).data.shape[0] > 0
    assert _server_pid() != old

    def no_server(self: object) -> subprocess.Popen[str] | None:
        return None  # as when the server cannot be started

    isolated._SERVER.close()
    monkeypatch.setattr(isolated._ReaderServer, "_running", no_server)
    assert read_recording(corpus["edf"]).data.shape[0] > 0
    with pytest.raises(InvalidInput, match=r"^crash.c3d: the C3D reader crashed .*SIGSEGV"):
        read_recording(crash_c3d)
    assert isolated._SERVER._proc is None
    leftovers = Path(isolated.SHM).glob("upperback-read-*")
    assert not list(leftovers), "payload folders are removed after each read"


def test_payload_goes_to_the_default_temporary_folder_without_room_on_tmpfs(
    corpus: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(isolated, "SHM", str(tmp_path / "no-such-tmpfs"))
    assert isolated.payload_dir(corpus["edf"]) is None
    assert read_recording(corpus["edf"]).data.shape[0] > 0
