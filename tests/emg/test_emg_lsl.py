"""LSL input with a real pylsl outlet on the same machine (loopback)."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from upperback.emg.testing.synthetic import generate


def _pylsl() -> object:
    try:
        import pylsl

        pylsl.local_clock()
    except Exception as exc:  # liblsl missing or not loadable here
        pytest.skip(f"pylsl/liblsl cannot load: {exc}")
    return pylsl


def test_lsl_session_from_local_outlet() -> None:
    pylsl = _pylsl()
    from upperback.emg.live.loop import run_lsl

    rec, _ = generate(
        np.random.default_rng(0), duration_s=5.0, fs=1000.0, channels=("UT_R", "LT_R")
    )
    name = f"upperback-test-{time.time_ns()}"
    info = pylsl.StreamInfo(name, "EMG", 2, 1000.0, "float32", name)  # type: ignore[attr-defined]
    chans = info.desc().append_child("channels")
    for c in rec.channels:
        chans.append_child("channel").append_child_value("label", c)
    outlet = pylsl.StreamOutlet(info)  # type: ignore[attr-defined]
    stop = threading.Event()

    def push() -> None:
        time.sleep(1.0)
        for s in range(0, rec.n_samples, 50):
            if stop.is_set():
                return
            outlet.push_chunk(rec.data[:, s : s + 50].T.tolist())
            time.sleep(0.01)

    th = threading.Thread(target=push, daemon=True)
    th.start()
    try:
        summary = run_lsl(name, duration_s=2.0, timeout_s=5.0)
    finally:
        stop.set()
        th.join(timeout=5)
    assert summary.source == f"lsl:{name}"
    assert summary.channels == ["UT_R", "LT_R"]
    assert summary.n_blocks > 0 and summary.duration_s >= 1.5
