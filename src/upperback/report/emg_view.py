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


def recording_from_upload(stored: dict[str, Any]) -> Any:
    """The recording as uploaded (kept compressed in the stored document)."""
    from upperback.emg import read_recording

    upload = stored.get("upload") or {}
    if "zlib_b64" not in upload:
        raise InvalidInput("recording: the original upload is not stored; upload it again")
    content = zlib.decompress(base64.b64decode(upload["zlib_b64"]))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("upload" + str(upload.get("suffix", ".csv")))
        path.write_bytes(content)
        return read_recording(path, fs=upload.get("fs"))


def replay(stored: dict[str, Any], *, target: float = 2.0) -> Iterator[dict[str, Any]]:
    """Replay the uploaded recording through the live loop, one message per 1/REPLAY_HZ s.

    The same stream processor, ratio feedback and resistance controller as `upperback emg
    live` (upperback.emg.live.LiveLoop), so the page shows what a live session would do.
    """
    from upperback.emg.live import CALIBRATION_S, LiveLoop

    rec = recording_from_upload(stored)
    cal = rec.data[:, : int(CALIBRATION_S * rec.fs)]
    if cal.shape[1] < int(CALIBRATION_S * rec.fs):
        raise InvalidInput(f"recording: shorter than the {CALIBRATION_S:g} s rest calibration")
    loop = LiveLoop(
        fs=rec.fs, channels=rec.channels, calibration=cal, target=target,
        mapping=rec.mapping or None,
    )  # fmt: skip
    step = max(1, round(rec.fs / REPLAY_HZ))
    for start in range(0, rec.n_samples, step):
        env, cues, level = loop.step(rec.data[:, start : start + step])
        ratio = loop.ratio
        yield {
            "t_s": round((start + step) / rec.fs, 2),
            "ratio": None if ratio is None else round(ratio, 3),
            "target": target,
            "pair": loop.pair,
            "cue": cues[-1].message if cues else None,
            "level": round(level, 3),
            "levels": {
                name: float(env[i, -1]) if env.shape[1] else 0.0
                for i, name in enumerate(rec.channels)
            },
        }
