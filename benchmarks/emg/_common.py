"""Shared helpers for the sEMG benchmarks (plain scripts, not run by the tests)."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import signal


def best_of(fn: Callable[[], Any], repeat: int = 3) -> float:
    """Best wall time of ``repeat`` calls, seconds."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bare_scipy(x: np.ndarray, fs: float) -> np.ndarray:
    """The baseline: zero-phase 20-450 Hz band-pass, rectify, zero-phase 6 Hz low-pass."""
    bp = signal.butter(4, [20, 450], btype="bandpass", fs=fs, output="sos")
    lp = signal.butter(4, 6, fs=fs, output="sos")
    return np.asarray(signal.sosfiltfilt(lp, np.abs(signal.sosfiltfilt(bp, x, axis=-1)), axis=-1))


def peak_rss_mb() -> float:
    """Peak resident set size of this process, MB (Linux ru_maxrss is in kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def match_onsets(
    det: list[float], true: list[float], tol: float = 0.1
) -> tuple[int, int, int, list[float]]:
    """Greedy one-to-one matching within ``tol`` s: (tp, fp, fn, |errors|)."""
    used: set[int] = set()
    errs: list[float] = []
    for on in true:
        best = None
        for k, d in enumerate(det):
            if (
                k not in used
                and abs(d - on) <= tol
                and (best is None or abs(d - on) < abs(det[best] - on))
            ):
                best = k
        if best is not None:
            used.add(best)
            errs.append(abs(det[best] - on))
    tp = len(used)
    return tp, len(det) - tp, len(true) - tp, errs


def match_activations(
    det: list[tuple[float, float]], true: list[tuple[float, float]], tol: float = 0.1
) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Pairs (true, detected) of activations matched one-to-one by onset within ``tol`` s
    (the same greedy matching as :func:`match_onsets`), for offset errors."""
    used: set[int] = set()
    pairs = []
    for t in true:
        best = None
        for k, d in enumerate(det):
            if (
                k not in used
                and abs(d[0] - t[0]) <= tol
                and (best is None or abs(d[0] - t[0]) < abs(det[best][0] - t[0]))
            ):
                best = k
        if best is not None:
            used.add(best)
            pairs.append((t, det[best]))
    return pairs
