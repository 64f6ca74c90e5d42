"""The full offline analysis: recording in, :class:`~upperback.model.emg.EmgAnalysis` out.

Order of steps (one pass over the samples, then small feature arrays):

1. Plan from the first 30 s: mains lines (:mod:`.mains`), ECG-contaminated channels
   (:mod:`.ecg`), motion-artefact ratio (:mod:`.quality`).
2. Front end (:mod:`.frontend`): causal band-pass 20-450 Hz (De Luca 2010) with notches and
   the ECG high-pass, DC/drift removal by the high-pass started in steady state; block mean
   square and mean |x| (rectification) at ~500 Hz; MDF/MNF per 0.5 s epoch.
3. Activations (:mod:`.activation`), amplitudes, MVC normalization, ratios and onset
   delays (:mod:`.ratios`), fatigue (:mod:`.fatigue`) and quality (:mod:`.quality`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from upperback.emg._checks import FloatArray, check_option
from upperback.emg.activation import (
    ActivationParams,
    detect_activations,
    estimate_baseline,
    robust_smooth,
    robust_smooth_coarse,
)
from upperback.emg.channels import ChannelInfo, resolve_channels
from upperback.emg.ecg import detect_ecg
from upperback.emg.fatigue import epochs_inside, fatigue
from upperback.emg.filters import FilterPlan
from upperback.emg.frontend import Features, FrontEnd
from upperback.emg.mains import MAINS_OPTIONS, MainsDetection, detect_mains, head_spectrum
from upperback.emg.quality import BLOCKING, assess, motion_ratio
from upperback.emg.ratios import corrected_rms, onset_delays, ratio_pairs
from upperback.emg.recording import Recording
from upperback.errors import InvalidInput
from upperback.model.emg import Activation, ChannelResult, EmgAnalysis, Quality

HEAD_S = 30.0
#: Chunk length of the in-memory path (seconds); the chunked path uses the same features.
CHUNK_S = 60.0


@dataclass(frozen=True)
class Plan:
    """Decisions taken from the head of a recording."""

    filters: FilterPlan
    mains: MainsDetection
    ecg_channels: tuple[int, ...]
    motion: FloatArray


def make_plan(head: FloatArray, *, fs: float, mains: str = "auto") -> Plan:
    """Decide filters from the first seconds ``head`` (channels, samples) of a recording."""
    check_option("mains", str(mains), MAINS_OPTIONS)
    spectrum = head_spectrum(head, fs=fs) if head.shape[1] >= int(fs) else None
    det = detect_mains(head, fs=fs, mains=mains, spectrum=spectrum)
    ecg = detect_ecg(head, fs=fs)
    plan = FilterPlan.build(
        fs=fs, n_channels=head.shape[0], notches_hz=list(det.harmonics_hz), ecg_channels=ecg
    )
    return Plan(plan, det, tuple(ecg), motion_ratio(head, fs=fs, spectrum=spectrum))


def extract_features(data: FloatArray, plan: Plan) -> Features:
    """Run the front end over an in-memory array, in :data:`CHUNK_S` pieces."""
    fe = FrontEnd(plan.filters, n_samples=data.shape[1])
    step = fe.epoch * max(1, int(CHUNK_S * plan.filters.fs) // fe.epoch)
    n = data.shape[1]
    fe._filter.prime(data[:, : round(plan.filters.fs) + 1])
    for start in range(0, n, step):
        stop = min(n, start + step)
        fe.feed(data[:, start:stop], last=stop >= n)
    return fe.finish()


def mvc_amplitudes(
    mvc: Recording, *, mains: str = "auto", window_s: float = 0.5
) -> dict[str, float]:
    """MVC RMS per channel: maximum of the noise-corrected moving RMS over ``window_s``."""
    head = mvc.data[:, : int(HEAD_S * mvc.fs)]
    plan = make_plan(head, fs=mvc.fs, mains=mains)
    feats = extract_features(mvc.data, plan)
    e = robust_smooth(feats.ms, fs_env=feats.fs_env, window_s=window_s)
    base = estimate_baseline(robust_smooth(feats.ms, fs_env=feats.fs_env))
    peak = e.max(axis=1) - np.minimum(base.mu, 0.5 * e.max(axis=1))
    return {name: float(np.sqrt(max(float(peak[i]), 0.0))) for i, name in enumerate(mvc.channels)}


def _match_mvc(
    info: ChannelInfo, mvc_vals: dict[str, float], mvc_infos: list[ChannelInfo]
) -> float | None:
    if info.name in mvc_vals:
        return mvc_vals[info.name]
    if info.muscle == "unknown":
        return None
    for mi in mvc_infos:
        if mi.muscle == info.muscle and mi.side == info.side:
            return mvc_vals[mi.name]
    return None


def analyze_features(
    feats: Features,
    plan: Plan,
    *,
    channels: tuple[str, ...],
    units: tuple[str, ...],
    mapping: Mapping[str, str] | None = None,
    mvc: dict[str, float] | None = None,
    mvc_infos: list[ChannelInfo] | None = None,
    source: str = "",
    params: ActivationParams | None = None,
) -> EmgAnalysis:
    """Turn front-end features into an :class:`EmgAnalysis`."""
    infos = resolve_channels(channels, mapping)
    fs_env = feats.fs_env
    nb = feats.ms.shape[1]
    e, _ = robust_smooth_coarse(
        feats.ms, fs_env=fs_env, window_s=(params or ActivationParams()).smooth_s
    )
    base = estimate_baseline(e)
    acts = detect_activations(
        feats.ms,
        fs_env=fs_env,
        params=params,
        baseline=base,
        smoothed=e,
        delay_s=plan.filters.channel_delays_s(),
    )
    epoch_blocks = feats.epoch // feats.block
    n_ep = feats.ep_mdf.shape[1]
    epoch_s = feats.epoch / feats.fs
    band_rms = np.sqrt(feats.ms.mean(axis=1)) if nb else np.zeros(len(channels))
    p95 = np.percentile(e, 95, axis=1) if nb else np.zeros(len(channels))
    results: dict[str, ChannelResult] = {}
    masks: list[np.ndarray] = []
    floors: list[float] = []
    usable: list[bool] = []
    for i, info in enumerate(infos):
        mu = float(base.mu[i])
        snr = float(10 * np.log10(p95[i] / mu)) if mu > 0 and p95[i] > 0 else None
        flags = assess(
            raw_min=float(feats.raw_min[i]),
            raw_max=float(feats.raw_max[i]),
            n_at_min=float(feats.n_at_min[i]),
            n_at_max=float(feats.n_at_max[i]),
            n_samples=feats.n_samples,
            band_rms=float(band_rms[i]),
            mains_fraction=float(plan.mains.line_power_fraction[i]),
            snr_db=snr,
            motion=float(plan.motion[i]),
        )
        blocked = bool(set(flags) & BLOCKING)
        ch_acts = [] if blocked else acts[i]
        mask = np.zeros(nb, dtype=bool)
        for on, off in ch_acts:
            mask[round(on * fs_env) : round(off * fs_env)] = True
        window = "activations"
        floor = mu
        covered = mask.mean() if nb else 0.0
        ep_all = feats.ep_mdf[i]
        emg_like = bool(np.isfinite(ep_all).any() and np.nanmedian(ep_all) < 200.0)
        if not blocked and (covered >= 0.8 or (not ch_acts and emg_like and "low_snr" in flags)):
            # One sustained contraction (no rest to estimate a floor from): use it whole.
            window = "whole_recording"
            mask = np.ones(nb, dtype=bool)
            floor = 0.0
            flags = [f for f in flags if f != "low_snr"]
        sel = (
            epochs_inside(mask, epoch_blocks=epoch_blocks, n_epochs=n_ep)
            if not blocked
            else np.zeros(n_ep, bool)
        )
        fat = fatigue(feats.ep_mdf[i], feats.ep_mnf[i], sel, epoch_s=epoch_s)
        rms = None if blocked else corrected_rms(feats.ms[i], mask, floor)
        mvc_rms = _match_mvc(info, mvc, mvc_infos or []) if mvc is not None else None
        rms_mvc = rms / mvc_rms if (rms is not None and mvc_rms) else None
        info_flags = flags + (["ecg_contamination"] if i in plan.ecg_channels else [])
        results[info.name] = ChannelResult(
            muscle=info.muscle,
            side=info.side,
            units=units[i] if i < len(units) else "",
            activations=[Activation(onset_s=round(a, 4), offset_s=round(b, 4)) for a, b in ch_acts],
            rms=rms,
            rms_mvc=rms_mvc,
            median_frequency_hz=fat.median_frequency_hz,
            mean_frequency_hz=fat.mean_frequency_hz,
            median_frequency_slope_hz_per_min=fat.mdf_slope_hz_per_min,
            mean_frequency_slope_hz_per_min=fat.mnf_slope_hz_per_min,
            fatigue_window=window if fat.n_epochs else None,
            n_fatigue_epochs=fat.n_epochs,
            noise_floor_rms=float(np.sqrt(mu)) if mu > 0 else None,
            quality=Quality(
                ok=not flags,
                flags=info_flags,
                snr_db=snr,
                mains_fraction=float(plan.mains.line_power_fraction[i]),
                clipped_fraction=float(
                    (feats.n_at_min[i] + feats.n_at_max[i]) / max(feats.n_samples, 1)
                ),
                ecg_detected=i in plan.ecg_channels,
            ),
        )
        masks.append(mask)
        floors.append(floor)
        usable.append(not blocked)
    ratios: dict[str, float | None] = {}
    use_mvc = mvc is not None
    for i, j in ratio_pairs(infos, usable):
        union = masks[i] | masks[j]
        a = corrected_rms(feats.ms[i], union, floors[i])
        b = corrected_rms(feats.ms[j], union, floors[j])
        key = f"{infos[i].name}/{infos[j].name}"
        if use_mvc:
            ra = results[infos[i].name]
            mi = _match_mvc(infos[i], mvc or {}, mvc_infos or [])
            mj = _match_mvc(infos[j], mvc or {}, mvc_infos or [])
            a = a / mi if (a is not None and mi) else None
            b = b / mj if (b is not None and mj) else None
            del ra
        ratios[key] = float(a / b) if (a is not None and b) else None
    delays: dict[str, list[float]] = {}
    refs: dict[str, str] = {}
    ut = [k for k, inf in enumerate(infos) if inf.muscle == "upper_trapezius" and usable[k]]
    for j, inf in enumerate(infos):
        if inf.muscle == "upper_trapezius" or not usable[j] or inf.muscle == "unknown":
            continue
        same = [k for k in ut if infos[k].side == inf.side] or ut
        if not same:
            continue
        k = same[0]
        ref_on = [a.onset_s for a in results[infos[k].name].activations]
        ch_on = [a.onset_s for a in results[inf.name].activations]
        delays[inf.name] = [round(d, 4) for d in onset_delays(ref_on, ch_on)]
        refs[inf.name] = infos[k].name
    processing = [
        *list(plan.filters.description),
        f"envelope: block mean square and mean |x| over {feats.block} samples ({fs_env:g} Hz)",
        "activations: robust noise floor + double threshold with hysteresis, min on/off 0.1 s "
        "(Hodges & Bui 1996; Bonato 1998); onsets/offsets by backward search to the floor and "
        "a continuous two-phase (floor + linear rise) change point (Hudson 1966; Hinkley 1971; "
        "after Staude 2001), minus the filters' envelope delay",
        f"fatigue: MDF/MNF per {epoch_s:g} s Hann epoch inside activations, least-squares slope",
    ]
    return EmgAnalysis(
        fs=feats.fs,
        duration_s=feats.n_samples / feats.fs,
        source=source,
        channels=results,
        ratios=ratios,
        ratio_basis="mvc" if use_mvc else "raw",
        onset_delay_s=delays,
        reference_channels=refs,
        mains_hz=plan.mains.frequency_hz,
        notches_hz=list(plan.mains.harmonics_hz),
        processing=processing,
        normalization=(
            "MVC: amplitude / max 0.5 s RMS of the MVC recording (ratios of MVC-normalized amplitude)"
            if use_mvc
            else "none: ratios of raw (noise-corrected RMS) amplitude, no --mvc given"
        ),
    )


def analyze_recording(
    recording: Recording,
    *,
    mvc: Recording | None = None,
    mains: str = "auto",
    mapping: Mapping[str, str] | None = None,
    params: ActivationParams | None = None,
) -> EmgAnalysis:
    """Analyse a recording: activations, amplitudes, ratios, onset delays, fatigue, quality.

    Parameters
    ----------
    recording : Recording
        The trial (any units; sampling rate at least 500 Hz, 1000 Hz or more recommended).
    mvc : Recording, optional
        MVC recording; channels match by name, else by muscle and side.
    mains : {"auto", "50", "60", "none"}
        Mains handling (see :func:`upperback.emg.mains.detect_mains`).
    mapping : mapping, optional
        Channel -> muscle overrides; defaults to ``recording.mapping``.
    """
    check_option("mains", str(mains), MAINS_OPTIONS)
    if recording.fs < 400:
        raise InvalidInput(
            f"{recording.source or 'recording'}: fs {recording.fs:g} Hz is too low for sEMG "
            "(at least 1000 Hz recommended)"
        )
    epoch = round(0.5 * recording.fs)
    if recording.n_samples < 2 * epoch:
        raise InvalidInput(
            f"{recording.source or 'recording'}: shorter than 1 s; too short to analyse"
        )
    if not np.isfinite(recording.data).all():
        raise InvalidInput(f"{recording.source or 'recording'}: data has NaN or infinite values")
    mp = mapping if mapping is not None else recording.mapping
    head = recording.data[:, : int(HEAD_S * recording.fs)]
    plan = make_plan(head, fs=recording.fs, mains=mains)
    feats = extract_features(recording.data, plan)
    mvc_vals = None
    mvc_infos = None
    if mvc is not None:
        mvc_vals = mvc_amplitudes(mvc, mains=mains)
        mvc_infos = resolve_channels(mvc.channels, mvc.mapping or None)
    return analyze_features(
        feats,
        plan,
        channels=recording.channels,
        units=recording.units,
        mapping=mp,
        mvc=mvc_vals,
        mvc_infos=mvc_infos,
        source=recording.source,
        params=params,
    )
