"""sEMG uploads for the web: analyse a file, keep a display envelope, draw it, replay it live.

The analysis is the emg package's (`read_recording`, `analyze_recording`); this module only
adds what a page needs: a downsampled RMS envelope per channel, a plot with activations and
quality flags, and the uploaded recording back for the biofeedback replay (which is the emg
package's `emg.live.replay.replay_messages`, so the report and the live page agree).
"""

from __future__ import annotations

import base64
import io
import tempfile
import zlib
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
    plan = make_plan(rec.data[:, : int(30 * rec.fs)], fs=rec.fs, mains=mains, offline=True)
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


def channel_title(name: str, analysis: dict[str, Any]) -> str:
    """A plot's label: the channel's quality flags, or what a channel that is not analysed
    as sEMG is (the ECG reference lead gives the beats for ECG removal)."""
    result = analysis.get("channels", {}).get(name)
    if result is None:
        if name == analysis.get("ecg_lead"):
            return f"{name}: ECG reference lead (beats for ECG removal; not analysed as sEMG)"
        return f"{name}: not analysed"
    flags = ", ".join(result.get("quality", {}).get("flags", [])) or "ok"
    return f"{name}: quality {flags}"


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
        ax.set_ylabel(name, fontsize=8)
        ax.set_title(channel_title(name, analysis), fontsize=8, loc="left")
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


def exposure_from_upload(
    content: bytes,
    filename: str,
    mvc_content: bytes,
    mvc_filename: str,
    *,
    fs: float | None = None,
    mains: str = "auto",
) -> Any:
    """Workday exposure of an uploaded recording normalised to an uploaded MVC recording
    (EDF/BDF workdays are read in chunks, so a long day stays in bounded memory)."""
    from upperback.emg import read_recording
    from upperback.emg.exposure.analyze import exposure_of_edf, exposure_of_recording

    for what, name, data in (("file", filename, content), ("mvc", mvc_filename, mvc_content)):
        if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise InvalidInput(f"{what}: {name!r} is not one of {', '.join(UPLOAD_SUFFIXES)}")
        if not data:
            raise InvalidInput(f"{what}: the upload is empty")
    with tempfile.TemporaryDirectory() as tmp:
        day = Path(tmp) / ("workday" + Path(filename).suffix.lower())
        day.write_bytes(content)
        mvc_path = Path(tmp) / ("mvc" + Path(mvc_filename).suffix.lower())
        mvc_path.write_bytes(mvc_content)
        mvc = read_recording(mvc_path, fs=fs)
        if day.suffix in (".edf", ".bdf") and fs is None:
            return exposure_of_edf(day, mvc, mains=mains)
        rec = read_recording(day, fs=fs)
        rec = type(rec)(
            data=rec.data, fs=rec.fs, channels=rec.channels, units=rec.units, source=filename,
            mapping=rec.mapping,
        )  # fmt: skip
        return exposure_of_recording(rec, mvc, mains=mains)
