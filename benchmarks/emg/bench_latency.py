"""Live block latency: 16 channels, 2 kHz, 50 ms blocks (processor + feedback + controller)."""

from __future__ import annotations

import time

import numpy as np

from upperback.emg.live.biofeedback import RatioFeedback
from upperback.emg.live.controller import ResistanceController
from upperback.emg.live.stream import StreamProcessor
from upperback.emg.offline.analysis import make_plan
from upperback.emg.testing.synthetic import generate


def main() -> None:
    fs = 2000.0
    names = tuple(
        f"{m}_{s}" for s in "RL" for m in ("UT", "MT", "LT", "SA", "RH", "LS", "SCM", "DNF")
    )
    rec, _ = generate(np.random.default_rng(0), fs=fs, duration_s=60.0, channels=names)
    plan = make_plan(rec.data[:, : int(10 * fs)], fs=fs).filters
    proc = StreamProcessor(plan, head=rec.data[:, : int(fs) + 1])
    fb = RatioFeedback(ref=0, partner=2, pair_name="UT_R/LT_R", rest=np.full(16, 1e-6))
    ctl = ResistanceController()
    step = int(0.05 * fs)
    lat = []
    cpu = []
    for s in range(0, rec.n_samples - step + 1, step):
        x = rec.data[:, s : s + step]
        t0 = time.perf_counter()
        c0 = time.thread_time()
        env = proc.process(x)
        fb.update(env, fs_env=proc.fs_env)
        ctl.update(fb.ratio, dt=0.05)
        cpu.append(time.thread_time() - c0)
        lat.append(time.perf_counter() - t0)
    ms = np.asarray(lat[20:]) * 1e3
    cms = np.asarray(cpu[20:]) * 1e3
    print(f"blocks: {ms.size} x (16 ch x {step} samples); notches {plan.groups[0].notches_hz}")
    print(
        f"latency ms (wall): p50 {np.percentile(ms, 50):.3f}  p99 {np.percentile(ms, 99):.3f}  "
        f"max {ms.max():.3f}"
    )
    # CPU time of this thread per block: what the processing costs, without the time the
    # scheduler gave to other processes (wall p99 on a shared machine measures the load).
    print(
        f"CPU ms per block:  p50 {np.percentile(cms, 50):.3f}  p99 {np.percentile(cms, 99):.3f}  "
        f"max {cms.max():.3f}"
    )
    import os

    print(f"load average at the end: {os.getloadavg()[0]:.1f} (wall p99 is only meaningful when quiet)")


if __name__ == "__main__":
    main()
