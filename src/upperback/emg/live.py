"""Live sessions: replay a file or read an LSL stream through the streaming processor,
biofeedback and controller; returns a :class:`~upperback.model.emg.LiveSessionSummary`."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import numpy as np

from upperback.emg._checks import FloatArray
from upperback.emg.analysis import make_plan
from upperback.emg.biofeedback import RatioFeedback
from upperback.emg.channels import resolve_channels
from upperback.emg.controller import ResistanceController
from upperback.emg.ratios import RATIO_PARTNERS
from upperback.emg.recording import Recording
from upperback.emg.stream import StreamProcessor
from upperback.errors import InvalidInput
from upperback.model.emg import ControllerSample, Cue, LiveSessionSummary

CALIBRATION_S = 2.0


def _pair(channels: tuple[str, ...], mapping: dict[str, str] | None) -> tuple[int, int, str]:
    infos = resolve_channels(channels, mapping)
    ut = [i for i, c in enumerate(infos) if c.muscle == "upper_trapezius"]
    for partner in RATIO_PARTNERS:
        for u in ut:
            for j, c in enumerate(infos):
                if c.muscle == partner and (
                    c.side == infos[u].side or None in (c.side, infos[u].side)
                ):
                    return u, j, f"{channels[u]}/{channels[j]}"
    raise InvalidInput(
        "live feedback needs an upper trapezius channel and a lower/middle trapezius or "
        f"serratus channel; got {', '.join(channels)} (use a mapping)"
    )


def run_session(
    blocks: Iterator[FloatArray],
    *,
    fs: float,
    channels: tuple[str, ...],
    source: str,
    calibration: FloatArray,
    target: float = 2.0,
    mains: str = "auto",
    mapping: dict[str, str] | None = None,
    block_s: float = 0.05,
    on_cue: Callable[[Cue], None] | None = None,
) -> LiveSessionSummary:
    """Run blocks through processor, feedback and controller (the common live loop).

    ``calibration`` (channels, samples) is a rest period: it sets the mains notches and the
    rest level of each envelope, and primes the filters.
    """
    ref, partner, pair = _pair(channels, mapping)
    plan = make_plan(calibration, fs=fs, mains=mains)
    proc = StreamProcessor(plan.filters, head=calibration[:, : round(fs) + 1])
    rest_env = StreamProcessor(plan.filters, head=calibration[:, : round(fs) + 1]).process(
        calibration
    )
    rest = np.percentile(rest_env, 50, axis=1) if rest_env.shape[1] else np.zeros(len(channels))
    fb = RatioFeedback(ref=ref, partner=partner, pair_name=pair, target=target, rest=rest)
    ctl = ResistanceController(target=target)
    cues: list[Cue] = []
    ctl_out: list[ControllerSample] = []
    lat: list[float] = []
    n = 0
    next_log = 0.0
    for x in blocks:
        t0 = time.perf_counter()
        env = proc.process(x)
        new = fb.update(env, fs_env=proc.fs_env)
        level = ctl.update(fb.ratio, dt=x.shape[1] / fs)
        lat.append(time.perf_counter() - t0)
        n += 1
        for c in new:
            cues.append(c)
            if on_cue is not None:
                on_cue(c)
        if fb.t_s >= next_log:
            ctl_out.append(
                ControllerSample(t_s=round(fb.t_s, 3), level=round(level, 4), ratio=fb.ratio)
            )
            next_log += 1.0
    dur = proc.n_in / fs
    lat_ms = np.asarray(lat) * 1e3
    return LiveSessionSummary(
        source=source,
        fs=fs,
        duration_s=dur,
        block_s=block_s,
        channels=list(channels),
        ratio_pair=pair,
        ratio_target=target,
        mean_ratios={pair: fb.mean_ratio},
        time_over_target_s=round(fb.over_s, 3),
        fraction_over_target=round(fb.over_s / fb.active_s, 4) if fb.active_s else 0.0,
        cues=cues,
        controller=ctl_out,
        final_level=ctl.level,
        latency_ms_p50=float(np.percentile(lat_ms, 50)) if lat else None,
        latency_ms_p99=float(np.percentile(lat_ms, 99)) if lat else None,
        n_blocks=n,
    )


def run_replay(
    recording: Recording,
    *,
    speed: float = 0.0,
    target: float = 2.0,
    mains: str = "auto",
    block_s: float = 0.05,
    on_cue: Callable[[Cue], None] | None = None,
) -> LiveSessionSummary:
    """Replay a recording block by block (``speed`` 1 = real time, 0 = unthrottled).

    The first :data:`CALIBRATION_S` seconds serve as the rest calibration (as a live
    session starts with the client at rest).
    """
    if speed < 0:
        raise InvalidInput(f"--speed must be >= 0, got {speed}")
    fs = recording.fs
    cal = recording.data[:, : int(CALIBRATION_S * fs)]
    if cal.shape[1] < int(CALIBRATION_S * fs):
        raise InvalidInput(f"{recording.source}: shorter than the {CALIBRATION_S:g} s calibration")
    step = max(1, round(block_s * fs))

    def gen() -> Iterator[FloatArray]:
        start_wall = time.perf_counter()
        for s in range(0, recording.n_samples, step):
            if speed > 0:
                due = start_wall + s / fs / speed
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            yield recording.data[:, s : s + step]

    return run_session(
        gen(),
        fs=fs,
        channels=recording.channels,
        source=recording.source,
        calibration=cal,
        target=target,
        mains=mains,
        mapping=recording.mapping or None,
        block_s=block_s,
        on_cue=on_cue,
    )


def run_lsl(
    name: str,
    *,
    duration_s: float = 30.0,
    target: float = 2.0,
    mains: str = "auto",
    timeout_s: float = 5.0,
    on_cue: Callable[[Cue], None] | None = None,
    mapping: dict[str, str] | None = None,
) -> LiveSessionSummary:
    """Read an LSL stream named ``name`` for ``duration_s`` seconds (after calibration).

    ``mapping`` (channel -> muscle code, as ``--map``) overrides the stream's labels.
    """
    from upperback.emg.lsl import open_inlet, pull_blocks

    inlet, fs, channels = open_inlet(name, timeout_s=timeout_s)
    if mapping:
        resolve_channels(channels, mapping)  # unknown channel or muscle: fail before reading
    it = pull_blocks(inlet, n_channels=len(channels), fs=fs, duration_s=duration_s + CALIBRATION_S)
    cal_parts: list[FloatArray] = []
    have = 0
    need = int(CALIBRATION_S * fs)
    for blk in it:
        cal_parts.append(blk)
        have += blk.shape[1]
        if have >= need:
            break
    if have < need:
        raise InvalidInput(f"LSL stream {name!r}: no data during calibration")
    cal = np.concatenate(cal_parts, axis=1)
    return run_session(
        it,
        fs=fs,
        channels=channels,
        source=f"lsl:{name}",
        calibration=cal,
        target=target,
        mains=mains,
        mapping=mapping or None,
        on_cue=on_cue,
    )
