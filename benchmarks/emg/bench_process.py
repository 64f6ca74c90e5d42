"""Whole-process time and peak memory on a 30-minute 8-channel 2 kHz EDF file.

Each pipeline runs in a fresh interpreter (import, read the file, compute, exit), as a user
runs it: upperback (`read_recording` with its crash-safe child reader + `analyze_recording`)
against a bare SciPy script (pyedflib read, zero-phase band-pass, rectify, zero-phase
low-pass). Usage: python benchmarks/emg/bench_process.py [minutes] [repeats]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from upperback.emg.testing.synthetic import generate

UPPERBACK = """
import sys
from upperback.emg import analyze_recording, read_recording
res = analyze_recording(read_recording(sys.argv[1]))
print(next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024)
"""
BARE = """
import sys
import numpy as np, pyedflib
from scipy import signal
r = pyedflib.EdfReader(sys.argv[1])
x = np.vstack([r.readSignal(i) for i in range(r.signals_in_file)])
fs = r.getSampleFrequency(0)
bp = signal.butter(4, [20, 450], btype="bandpass", fs=fs, output="sos")
lp = signal.butter(4, 6, fs=fs, output="sos")
env = signal.sosfiltfilt(lp, np.abs(signal.sosfiltfilt(bp, x, axis=-1)), axis=-1)
print(next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024)
"""


def write_edf(path: Path, minutes: float, fs: float = 2000.0) -> None:
    import pyedflib

    names = ("UT_R", "MT_R", "LT_R", "SA_R", "UT_L", "MT_L", "LT_L", "SA_L")
    tmpl, _ = generate(np.random.default_rng(0), fs=fs, duration_s=60.0, channels=names)
    x = tmpl.data * 1e6
    top = float(np.ceil(np.abs(x).max() * 1.5))
    w = pyedflib.EdfWriter(str(path), len(names), file_type=pyedflib.FILETYPE_EDFPLUS)
    w.setSignalHeaders([
        {"label": n, "dimension": "uV", "sample_frequency": int(fs), "physical_max": top,
         "physical_min": -top, "digital_max": 32767, "digital_min": -32768} for n in names
    ])  # fmt: skip
    gains = np.random.default_rng(1).uniform(0.8, 1.2, (int(minutes), len(names), 1))
    block = np.concatenate([x * g for g in gains], axis=1)
    w.writeSamples(list(block))
    w.close()


def run(code: str, path: Path) -> tuple[float, float, float, float]:
    """Wall seconds, CPU seconds (user + system of the interpreter and of the children it
    waited for, e.g. upperback's reader), peak RSS MB of the interpreter itself (VmHWM) and
    of the largest process in its tree (ru_maxrss), for one fresh interpreter."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True
    )
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    dt = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"pipeline failed with status {status}")
    own = float(out.split()[-1])
    return dt, usage.ru_utime + usage.ru_stime, own, usage.ru_maxrss / 1024.0


def loadavg() -> str:
    """1-minute load average (the machine may be shared), or '?'."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def main(minutes: float = 30.0, repeats: int = 3) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.edf"
        # Written by a child: a Linux process's peak RSS (ru_maxrss) carries over into the
        # programs it starts, so this process must stay small for the tree figures.
        subprocess.run([sys.executable, __file__, "--write", str(path), str(minutes)], check=True)
        print(f"file: {minutes:g} min x 8 ch x 2 kHz EDF, {path.stat().st_size / 1e6:.0f} MB")
        best: dict[str, tuple[float, float, float, float]] = {}
        cpu: dict[str, float] = {}
        loads = [loadavg()]
        for _ in range(repeats):  # interleaved, best of
            for name, code in (("upperback full analysis", UPPERBACK), ("bare SciPy", BARE)):
                dt, c, mb, tree = run(code, path)
                if name not in best or dt < best[name][0]:
                    best[name] = (dt, c, mb, tree)
                cpu[name] = min(cpu.get(name, float("inf")), c)
            loads.append(loadavg())
        base, base_cpu = best["bare SciPy"][0], cpu["bare SciPy"]
        print(f"best of {repeats}, load average (1 min) during the runs: {', '.join(loads)}")
        print(
            f"{'pipeline':26s} {'wall s':>7s} {'vs bare':>8s} {'CPU s':>7s} {'vs bare':>8s} "
            f"{'peak MB':>8s} {'any proc':>8s}"
        )
        for name, (dt, _, mb, tree) in best.items():
            c = cpu[name]
            print(
                f"{name:26s} {dt:7.2f} {dt / base:8.2f} {c:7.2f} {c / base_cpu:8.2f} {mb:8.0f} "
                f"{tree:8.0f}"
            )
        print(
            "(best wall and best CPU of each pipeline over its runs; CPU includes upperback's "
            "reader child; peak MB: the interpreter itself; any proc: the largest process "
            "of its tree, e.g. the reader child)"
        )


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--write"]:
        write_edf(Path(args[1]), float(args[2]))
        raise SystemExit(0)
    main(float(args[0]) if args else 30.0, int(args[1]) if len(args) > 1 else 3)
