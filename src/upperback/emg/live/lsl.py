"""Lab Streaming Layer input (pylsl), loopback or local network only."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from upperback.emg._checks import FloatArray
from upperback.errors import InvalidInput


def open_inlet(name: str, *, timeout_s: float = 5.0) -> tuple[Any, float, tuple[str, ...]]:
    """Resolve a stream by name; return (inlet, fs, channel names)."""
    try:
        import pylsl
    except Exception as exc:  # liblsl missing or not loadable
        raise InvalidInput(f"--lsl needs pylsl with liblsl ({str(exc).splitlines()[0]})") from None
    found = pylsl.resolve_byprop("name", name, timeout=timeout_s)
    if not found:
        raise InvalidInput(f"no LSL stream named {name!r} found within {timeout_s:g} s")
    info = found[0]
    fs = float(info.nominal_srate())
    if fs <= 0:
        raise InvalidInput(f"LSL stream {name!r} has no nominal sampling rate")
    inlet = pylsl.StreamInlet(info, max_buflen=10)
    full = inlet.info()
    n = full.channel_count()
    names: list[str] = []
    ch = full.desc().child("channels").child("channel")
    for _ in range(n):
        label = ch.child_value("label")
        names.append(label or f"EMG{len(names) + 1}")
        ch = ch.next_sibling()
    if len(set(names)) != n:
        names = [f"EMG{i + 1}" for i in range(n)]
    return inlet, fs, tuple(names)


def pull_blocks(
    inlet: Any, *, n_channels: int, fs: float, duration_s: float
) -> Iterator[FloatArray]:
    """Yield (channels, samples) blocks until ``duration_s`` of samples arrived."""
    total = int(duration_s * fs)
    got = 0
    idle_since = time.monotonic()
    while got < total:
        chunk, _ = inlet.pull_chunk(timeout=0.1, max_samples=max(1, int(0.05 * fs)))
        if not chunk:
            if time.monotonic() - idle_since > 5.0:
                return
            continue
        idle_since = time.monotonic()
        arr = np.asarray(chunk, dtype=np.float64).T
        got += arr.shape[1]
        yield arr
