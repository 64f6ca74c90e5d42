"""sEMG uploads for the web: analyse a file, keep a display envelope, draw it, replay it live.

The analysis is the emg package's (`read_recording`, `analyze_recording`); this module only
adds what a page needs: a downsampled RMS envelope per channel, a plot with activations and
quality flags, and a block-by-block replay for the biofeedback page.
"""

from __future__ import annotations

import base64
import io
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np
from matplotlib.figure import Figure

from upperback.errors import InvalidInput

UPLOAD_SUFFIXES = (".csv", ".txt", ".tsv", ".edf", ".bdf", ".c3d")
DISPLAY_HZ = 50.0
REPLAY_HZ = 10.0


def analyze_upload(
    content: bytes, filename: str, *, fs: float | None = None, mains: str = "auto"
) -> dict[str, Any]:
    """Analyse an uploaded recording; the stored document keeps the analysis and an envelope."""
    from upperback.emg import analyze_recording, read_recording
    from upperback.emg.analysis import extract_features, make_plan
    from upperback.emg.envelope import rms_envelope

    suffix = Path(filename).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise InvalidInput(
            f"file: {filename!r} is not one of {', '.join(UPLOAD_SUFFIXES)} "
            "(WFDB needs two files: analyse it with `upperback emg analyze`)"
        )
    if not content:
        raise InvalidInput("file: the upload is empty")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("upload" + suffix)
        path.write_bytes(content)
        rec = read_recording(path, fs=fs)
    rec = type(rec)(
        data=rec.data, fs=rec.fs, channels=rec.channels, units=rec.units, source=filename,
        mapping=rec.mapping,
    )  # fmt: skip
    analysis = analyze_recording(rec, mains=mains)
    plan = make_plan(rec.data[:, : int(30 * rec.fs)], fs=rec.fs, mains=mains)
    feats = extract_features(rec.data, plan)
    env = rms_envelope(feats.ms, fs_env=feats.fs_env)
    step = max(1, round(feats.fs_env / DISPLAY_HZ))
    shown = env[:, ::step]
    return {
        "analysis": analysis.model_dump(mode="json"),
        "envelope": {
            "fs": feats.fs_env / step,
            "channels": {
                name: [round(float(v), 9) for v in shown[i]] for i, name in enumerate(rec.channels)
            },
        },
        "upload": {
            "suffix": suffix,
            "fs": fs,
            "zlib_b64": base64.b64encode(zlib.compress(content, 6)).decode(),
        },
    }


def emg_plot_png(stored: dict[str, Any]) -> bytes:
    """Envelopes per channel with detected activations shaded and quality flags in the label."""
    env = stored.get("envelope", {})
    analysis = stored.get("analysis", {})
    chans: dict[str, list[float]] = env.get("channels", {})
    fs = float(env.get("fs", DISPLAY_HZ))
    n = max(1, len(chans))
    fig = Figure(figsize=(8.0, 1.6 * n + 0.6), dpi=100, layout="constrained")
    axes = fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0]
    for ax, (name, values) in zip(axes, chans.items(), strict=False):
        t = np.arange(len(values)) / fs
        ax.plot(t, values, linewidth=0.9, color="#2a5d84")
        result = analysis.get("channels", {}).get(name, {})
        for act in result.get("activations", []):
            ax.axvspan(act["onset_s"], act["offset_s"], color="#f0b429", alpha=0.25, linewidth=0)
        q = result.get("quality", {})
        flags = ", ".join(q.get("flags", [])) or "ok"
        ax.set_ylabel(name, fontsize=8)
        ax.set_title(f"{name}: quality {flags}", fontsize=8, loc="left")
        ax.grid(True, alpha=0.3)
    axes[-1].set_xlabel("time (s); shaded = detected activation")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def ratio_channels(channels: list[str]) -> tuple[str, str] | None:
    """(upper trapezius, target) channel names for the live ratio, if both are present."""
    from upperback.emg.channels import parse_channel
    from upperback.knowledge.loading_rules import loading_rules

    infos = [parse_channel(c) for c in channels]
    ut = next((i.name for i in infos if i.muscle == "upper_trapezius"), None)
    targets = [m.value for m in loading_rules().emg.targets]
    for muscle in targets:
        tgt = next((i.name for i in infos if i.muscle == muscle), None)
        if ut and tgt:
            return ut, tgt
    return None


def replay(stored: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Replay the stored envelope at REPLAY_HZ: ratio UT/target, cue and controller level.

    The cue and its threshold come from loading_rules.yaml `emg` (ratio classes, Wegner 2010
    and the scapular-depression cue [V]); the controller's step sizes are a design choice [U]:
    raise the resistance level slowly while the ratio stays at or under the target, lower it
    faster when the upper trapezius takes over.
    """
    from upperback.knowledge.loading_rules import loading_rules

    rules = loading_rules().emg
    env = stored.get("envelope", {})
    chans: dict[str, list[float]] = env.get("channels", {})
    fs = float(env.get("fs", DISPLAY_HZ))
    pair = ratio_channels(list(chans))
    step = max(1, round(fs / REPLAY_HZ))
    n = min((len(v) for v in chans.values()), default=0)
    # A ratio means something only while the target muscle works: above 3x its resting
    # (10th-percentile) envelope [U: design choice].
    active_above = 3.0 * float(np.percentile(chans[pair[1]], 10)) if pair is not None and n else 0.0
    level = 0.5
    for k in range(0, n, step):
        t = k / fs
        ratio: float | None = None
        if pair is not None:
            ut = float(np.mean(chans[pair[0]][k : k + step]))
            tgt = float(np.mean(chans[pair[1]][k : k + step]))
            ratio = ut / tgt if tgt > active_above and tgt > 0 else None
        over = ratio is not None and ratio > rules.cue_ratio
        if ratio is not None:
            level = min(1.0, max(0.0, level - 0.05 if over else level + 0.01))
        yield {
            "t_s": round(t, 2),
            "ratio": None if ratio is None else round(ratio, 3),
            "target": rules.cue_ratio,
            "pair": None if pair is None else f"{pair[0]}/{pair[1]}",
            "cue": rules.cue if over else None,
            "level": round(level, 3),
            "levels": {name: float(np.mean(v[k : k + step])) for name, v in chans.items()},
        }
