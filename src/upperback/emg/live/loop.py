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
from upperback.emg.live.outlet import FeedbackOutlet
from upperback.emg.live.stream import StreamProcessor
from upperback.emg.offline.analysis import make_plan
from upperback.emg.recording import Recording
from upperback.errors import InvalidInput
from upperback.model.emg import ControllerSample, Cue, LiveSessionSummary

CALIBRATION_S = 2.0
#: Default ratio target: the upper bound of class B (UT/partner <= 1.0 of MVC-normalised
#: amplitude; knowledge/data/tests.yaml emg_ratio_* bands), the same units as assessment.
DEFAULT_TARGET = 1.0
#: A rest calibration whose reference envelope's 90th percentile exceeds this multiple of
#: its median holds movement ([design]); it is stated as a flag.
CALIBRATION_SPREAD = 3.0


def mvc_scale(
    channels: tuple[str, ...],
    mapping: dict[str, str] | None,
    mvc: Recording,
    pair: tuple[int, int],
    *,
    mains: str = "auto",
) -> tuple[float, float]:
    """1 / MVC RMS of the live pair's channels, matched by name, else muscle and side.

    Raises InvalidInput when the MVC recording has no match for either channel (an MVC
    file from another montage) or a zero MVC.
    """
    from upperback.emg.offline.analysis import match_mvc, mvc_amplitudes

    vals = mvc_amplitudes(mvc, mains=mains)
    infos = resolve_channels(channels, mapping)
    mvc_infos = resolve_channels(mvc.channels, mvc.mapping or None)
    out = []
    for k in pair:
        m = match_mvc(infos[k], vals, mvc_infos)
        if not m:
            raise InvalidInput(
                f"--mvc {mvc.source}: no MVC for live channel {channels[k]!r} "
                f"({infos[k].muscle}); MVC channels: {', '.join(mvc.channels)} (another montage?)"
            )
        out.append(1.0 / m)
    return out[0], out[1]


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
        target: float = DEFAULT_TARGET,
        mains: str = "auto",
        mapping: dict[str, str] | None = None,
        mvc: Recording | None = None,
        outlet: FeedbackOutlet | None = None,
    ) -> None:
        if calibration.shape[0] != len(channels):
            raise InvalidInput(
                f"calibration has {calibration.shape[0]} channels, the stream {len(channels)}"
            )
        ref, partner, self.pair = _pair(channels, mapping)
        self.fs = fs
        self.channels = channels
        self.target = target
        plan = make_plan(calibration, fs=fs, mains=mains)
        head = calibration[:, : round(fs) + 1]
        self.proc = StreamProcessor(plan.filters, head=head)
        rest_env = StreamProcessor(plan.filters, head=head).process(calibration)
        rest = np.percentile(rest_env, 50, axis=1) if rest_env.shape[1] else np.zeros(len(channels))
        self.flags: list[str] = []
        if rest_env.shape[1]:
            p90 = np.percentile(rest_env[[ref, partner]], 90, axis=1)
            if np.any(p90 > CALIBRATION_SPREAD * np.maximum(rest[[ref, partner]], 1e-300)):
                self.flags.append("calibration_not_at_rest")
        scale = (1.0, 1.0)
        if mvc is not None:
            scale = mvc_scale(channels, mapping, mvc, (ref, partner), mains=mains)
        else:
            self.flags.append("raw_ratio_not_class_units")
        self.ratio_basis = "mvc" if mvc is not None else "raw"
        self.outlet = outlet
        self.feedback = RatioFeedback(
            ref=ref, partner=partner, pair_name=self.pair, target=target, rest=rest, scale=scale
        )
        self.controller = ResistanceController(target=target)
        self.cues: list[Cue] = []
        self.samples: list[ControllerSample] = []
        self.latencies_s: list[float] = []
        self._next_log = 0.0

    def step(self, x: FloatArray) -> tuple[FloatArray, list[Cue], float]:
        """Process one block (channels, samples): its envelope, new cues and the load level."""
        if x.ndim != 2 or x.shape[0] != len(self.channels):
            raise InvalidInput(
                f"live stream: a block has {x.shape[0] if x.ndim == 2 else '?'} channels, "
                f"the session started with {len(self.channels)}; stopped"
            )
        t0 = time.perf_counter()
        env = self.proc.process(x)
        new = self.feedback.update(env, fs_env=self.proc.fs_env)
        level = self.controller.update(self.feedback.ratio, dt=x.shape[1] / self.fs)
        if self.outlet is not None:
            self.outlet.publish(level, self.feedback.ratio, self.target, new)
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
            ratio_basis=self.ratio_basis,
            flags=list(self.flags),
            outlet=self.outlet.name if self.outlet is not None else None,
        )


def run_session(
    blocks: Iterator[FloatArray],
    *,
    fs: float,
    channels: tuple[str, ...],
    source: str,
    calibration: FloatArray,
    target: float = DEFAULT_TARGET,
    mains: str = "auto",
    mapping: dict[str, str] | None = None,
    block_s: float = 0.05,
    on_cue: Callable[[Cue], None] | None = None,
    mvc: Recording | None = None,
    outlet: FeedbackOutlet | None = None,
) -> LiveSessionSummary:
    """Run blocks through the live loop and summarise the session."""
    loop = LiveLoop(
        fs=fs, channels=channels, calibration=calibration, target=target, mains=mains,
        mapping=mapping, mvc=mvc, outlet=outlet,
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
    target: float = DEFAULT_TARGET,
    mains: str = "auto",
    block_s: float = 0.05,
    on_cue: Callable[[Cue], None] | None = None,
    mvc: Recording | None = None,
    outlet: FeedbackOutlet | None = None,
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
        mvc=mvc,
        outlet=outlet,
    )


def run_lsl(
    name: str,
    *,
    duration_s: float = 30.0,
    target: float = DEFAULT_TARGET,
    mains: str = "auto",
    timeout_s: float = 5.0,
    on_cue: Callable[[Cue], None] | None = None,
    mapping: dict[str, str] | None = None,
    mvc: Recording | None = None,
    outlet: FeedbackOutlet | None = None,
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
        mvc=mvc,
        outlet=outlet,
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
