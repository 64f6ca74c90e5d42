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


def test_outlet_publishes_the_level_a_subscriber_follows() -> None:
    """A device subscribing to the Control outlet sees every level the controller set."""
    pylsl = _pylsl()
    from upperback.emg.live.loop import run_replay
    from upperback.emg.live.outlet import FeedbackOutlet

    rec, _ = generate(
        np.random.default_rng(1), duration_s=12.0, fs=1000.0, channels=("UT_R", "LT_R")
    )
    name = f"upperback-out-{time.time_ns()}"
    outlet = FeedbackOutlet(name)
    found = pylsl.resolve_byprop("name", name, timeout=5.0)  # type: ignore[attr-defined]
    assert found, "outlet not visible on loopback"
    inlet = pylsl.StreamInlet(found[0], max_buflen=60)  # type: ignore[attr-defined]
    inlet.open_stream(timeout=5.0)
    assert inlet.info().channel_count() == 3
    summary = run_replay(rec, outlet=outlet)
    got: list[list[float]] = []
    deadline = time.monotonic() + 5.0
    while len(got) < summary.n_blocks and time.monotonic() < deadline:
        chunk, _ = inlet.pull_chunk(timeout=0.2)
        got.extend(chunk)
    assert len(got) == summary.n_blocks
    levels = np.asarray([g[0] for g in got])
    assert levels[-1] == pytest.approx(summary.final_level, abs=1e-6)
    assert np.ptp(levels) > 0  # the level moved and the subscriber followed it
    logged = {round(s.t_s / 0.05) - 1: s.level for s in summary.controller}
    for k, lv in logged.items():
        assert levels[k] == pytest.approx(lv, abs=1e-3)
    assert summary.outlet == name and summary.ratio_basis == "raw"
    assert "raw_ratio_not_class_units" in summary.flags
