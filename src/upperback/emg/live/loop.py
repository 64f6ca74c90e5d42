"""Live sessions: replay a file or read an LSL stream through the streaming processor,
biofeedback and controller; returns a :class:`~upperback.model.emg.LiveSessionSummary`."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import numpy as np

from upperback.emg._checks import FloatArray
from upperback.emg.channels import best_partner, resolve_channels
from upperback.emg.live.biofeedback import RatioFeedback
from upperback.emg.live.controller import ResistanceController
from upperback.emg.live.stream import StreamProcessor
from upperback.emg.offline.analysis import make_plan
from upperback.emg.recording import Recording
from upperback.errors import InvalidInput
from upperback.model.emg import ControllerSample, Cue, LiveSessionSummary

CALIBRATION_S = 2.0


def _pair(channels: tuple[str, ...], mapping: dict[str, str] | None) -> tuple[int, int, str]:
    best = best_partner(resolve_channels(channels, mapping))
    if best is None:
        raise InvalidInput(
            "live feedback needs an upper trapezius channel and a lower/middle trapezius or "
            f"serratus channel; got {', '.join(channels)} (use a mapping)"
        )
    u, j = best
    return u, j, f"{channels[u]}/{channels[j]}"


class LiveLoop:
    """One live session, block by block: stream processor -> ratio feedback -> controller.

    ``calibration`` (channels, samples) is a rest period: it sets the mains notches and the
    rest level of each envelope, and primes the filters. The CLI (`run_session`) and the web
    biofeedback page drive the same loop, so both show what the controller really does.
    """

    def __init__(
        self,
        *,
        fs: float,
        channels: tuple[str, ...],
        calibration: FloatArray,
        target: float = 2.0,
        mains: str = "auto",
        mapping: dict[str, str] | None = None,
    ) -> None:
        ref, partner, self.pair = _pair(channels, mapping)
        self.fs = fs
        self.channels = channels
        self.target = target
        plan = make_plan(calibration, fs=fs, mains=mains)
        head = calibration[:, : round(fs) + 1]
        self.proc = StreamProcessor(plan.filters, head=head)
        rest_env = StreamProcessor(plan.filters, head=head).process(calibration)
        rest = np.percentile(rest_env, 50, axis=1) if rest_env.shape[1] else np.zeros(len(channels))
        self.feedback = RatioFeedback(
            ref=ref, partner=partner, pair_name=self.pair, target=target, rest=rest
        )
        self.controller = ResistanceController(target=target)
        self.cues: list[Cue] = []
        self.samples: list[ControllerSample] = []
        self.latencies_s: list[float] = []
        self._next_log = 0.0

    def step(self, x: FloatArray) -> tuple[FloatArray, list[Cue], float]:
        """Process one block (channels, samples): its envelope, new cues and the load level."""
        t0 = time.perf_counter()
        env = self.proc.process(x)
        new = self.feedback.update(env, fs_env=self.proc.fs_env)
        level = self.controller.update(self.feedback.ratio, dt=x.shape[1] / self.fs)
        self.latencies_s.append(time.perf_counter() - t0)
        self.cues.extend(new)
        if self.feedback.t_s >= self._next_log:
            self.samples.append(
                ControllerSample(
                    t_s=round(self.feedback.t_s, 3),
                    level=round(level, 4),
                    ratio=self.feedback.ratio,
                )
            )
            self._next_log += 1.0
        return env, new, level

    @property
    def ratio(self) -> float | None:
        return self.feedback.ratio

    def summary(self, *, source: str, block_s: float) -> LiveSessionSummary:
        fb = self.feedback
        lat_ms = np.asarray(self.latencies_s) * 1e3
        return LiveSessionSummary(
            source=source,
            fs=self.fs,
            duration_s=self.proc.n_in / self.fs,
            block_s=block_s,
            channels=list(self.channels),
            ratio_pair=self.pair,
            ratio_target=self.target,
            mean_ratios={self.pair: fb.mean_ratio},
            time_over_target_s=round(fb.over_s, 3),
            fraction_over_target=round(fb.over_s / fb.active_s, 4) if fb.active_s else 0.0,
            cues=self.cues,
            controller=self.samples,
            final_level=self.controller.level,
            latency_ms_p50=float(np.percentile(lat_ms, 50)) if lat_ms.size else None,
            latency_ms_p99=float(np.percentile(lat_ms, 99)) if lat_ms.size else None,
            n_blocks=len(self.latencies_s),
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
    """Run blocks through the live loop and summarise the session."""
    loop = LiveLoop(
        fs=fs, channels=channels, calibration=calibration, target=target, mains=mains,
        mapping=mapping,
    )  # fmt: skip
    for x in blocks:
        _, new, _ = loop.step(x)
        if on_cue is not None:
            for c in new:
                on_cue(c)
    return loop.summary(source=source, block_s=block_s)


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
    from upperback.emg.live.lsl import open_inlet, pull_blocks

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


def ratio_pair(
    channels: tuple[str, ...] | list[str], mapping: dict[str, str] | None = None
) -> tuple[str, str] | None:
    """(upper trapezius, partner) channel names the live ratio would use, if any."""
    try:
        ref, partner, _ = _pair(tuple(channels), mapping)
    except InvalidInput:
        return None
    return channels[ref], channels[partner]
