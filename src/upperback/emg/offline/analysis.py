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
from upperback.emg.channels import ChannelInfo, resolve_channels
from upperback.emg.offline.activation import (
    ActivationParams,
    Baseline,
    detect_activations,
    estimate_baseline,
    robust_smooth,
    robust_smooth_coarse,
    row_percentiles,
)
from upperback.emg.offline.channel_results import ChannelContext, channel_outcome
from upperback.emg.offline.ecg import (
    LEAD_METHOD,
    EcgChannel,
    channel_ecg,
    detect_ecg,
    detect_ecg_channels,
    find_beats,
    find_ecg_lead,
    plausible,
)
from upperback.emg.offline.ecg import METHOD as ECG_METHOD
from upperback.emg.offline.filters import FilterPlan, ZeroPhaseFilter
from upperback.emg.offline.frontend import Features, FrontEnd, run_front_end
from upperback.emg.offline.mains import MAINS_OPTIONS, MainsDetection, detect_mains, head_spectrum
from upperback.emg.offline.quality import disconnected, motion_ratio
from upperback.emg.offline.ratios import amplitude_ratios, delay_table
from upperback.emg.recording import Recording
from upperback.errors import InvalidInput
from upperback.model.emg import EmgAnalysis

HEAD_S = 30.0
#: Electrode/amplifier items kept with an analysis (SENIAM recommendations, Hermens et al.
#: 2000; ISEK reporting standards, Merletti 1999). Free text, bounded.
METADATA_KEYS: tuple[str, ...] = (
    "electrode_type",
    "electrode_size_mm",
    "inter_electrode_distance_mm",
    "electrode_placement",
    "skin_preparation",
    "amplifier",
    "amplifier_gain",
    "amplifier_bandwidth_hz",
    "input_impedance",
    "cmrr_db",
    "adc_bits",
    "reference_electrode",
)


#: (ratio_basis, normalization statement) without / with an MVC recording.
BASIS: dict[bool, tuple[str, str]] = {
    False: ("raw", "none: ratios of raw (noise-corrected RMS) amplitude, no --mvc given"),
    True: (
        "mvc",
        "MVC: amplitude / max 0.5 s RMS of the MVC recording (ratios of MVC-normalized amplitude)",
    ),
}


def mvc_per_channel(
    infos: list[ChannelInfo], mvc: dict[str, float] | None, mvc_infos: list[ChannelInfo] | None
) -> list[float | None]:
    """MVC RMS per channel (None where unmatched, or all None without an MVC)."""
    if mvc is None:
        return [None] * len(infos)
    return [match_mvc(info, mvc, mvc_infos or []) for info in infos]


#: Most activations a reviewer may set per channel (bounded input).
MAX_REVIEWED = 2000


def check_activations(
    activations: Mapping[str, list[tuple[float, float]]], recording: Recording
) -> dict[str, list[tuple[float, float]]]:
    """Reviewed activations: known channels, onset before offset, inside the recording,
    in order and not overlapping; one line naming the first problem."""
    out: dict[str, list[tuple[float, float]]] = {}
    dur = recording.duration_s
    for name, acts in activations.items():
        if name not in recording.channels:
            raise InvalidInput(f"review: no channel named {name!r}")
        if len(acts) > MAX_REVIEWED:
            raise InvalidInput(f"review {name}: at most {MAX_REVIEWED} activations")
        clean = sorted((float(a), float(b)) for a, b in acts)
        for k, (a, b) in enumerate(clean):
            if not (0.0 <= a < b <= dur + 1e-9):
                raise InvalidInput(
                    f"review {name}: activation {a:g}-{b:g} s must have 0 <= onset < offset "
                    f"<= {dur:.3f} s"
                )
            if k and a < clean[k - 1][1]:
                raise InvalidInput(f"review {name}: activations overlap at {a:g} s")
        out[name] = clean
    return out


def check_metadata(metadata: Mapping[str, str] | None) -> dict[str, str]:
    """Known keys only, values one line of at most 200 characters."""
    out: dict[str, str] = {}
    for k, v in (metadata or {}).items():
        if k not in METADATA_KEYS:
            raise InvalidInput(f"metadata: unknown item {k!r}; known: {', '.join(METADATA_KEYS)}")
        text = str(v).strip()
        if not text or len(text) > 200 or "\n" in text:
            raise InvalidInput(f"metadata {k}: give one line of 1-200 characters")
        out[k] = text
    return out


#: Chunk length of the in-memory path (seconds); the chunked path uses the same features.
CHUNK_S = 60.0


@dataclass(frozen=True)
class Plan:
    """Decisions taken from the head of a recording."""

    filters: FilterPlan
    mains: MainsDetection
    ecg_channels: tuple[int, ...]
    motion: FloatArray
    #: Offline: channels whose QRS template is subtracted (with the template).
    ecg: tuple[EcgChannel, ...] = ()
    #: Row of the ECG reference lead in the recording (not an sEMG channel), or None.
    lead_row: int | None = None
    #: Beats found on the lead in the head (0: none regular, beats sought per channel).
    lead_beats: int = 0


def make_plan(
    head: FloatArray,
    *,
    fs: float,
    mains: str = "auto",
    offline: bool = False,
    lead_row: int | None = None,
) -> Plan:
    """Decide filters from the first seconds ``head`` (channels, samples) of a recording.

    ``offline``: zero-phase filters and ECG template subtraction (templates from the head);
    otherwise (live) causal filters and a 30 Hz high-pass on ECG channels. ``lead_row``
    (offline): a row of ``head`` that is an ECG reference lead: beats are found on it and
    every sEMG channel's template is taken at those beats; the row is not sEMG and is left
    out of the plan's channels.
    """
    lead = None
    if lead_row is not None:
        lead = head[lead_row]
        head = np.delete(head, lead_row, axis=0)
    check_option("mains", str(mains), MAINS_OPTIONS)
    spectrum = head_spectrum(head, fs=fs) if head.shape[1] >= int(fs) else None
    det = detect_mains(head, fs=fs, mains=mains, spectrum=spectrum)
    motion = motion_ratio(head, fs=fs, spectrum=spectrum)
    if not offline:
        ecg = detect_ecg(head, fs=fs)
        plan = FilterPlan.build(
            fs=fs, n_channels=head.shape[0], notches_hz=list(det.harmonics_hz), ecg_channels=ecg
        )
        return Plan(plan, det, tuple(ecg), motion)
    plan = FilterPlan.build(
        fs=fs, n_channels=head.shape[0], notches_hz=list(det.harmonics_hz), zero_phase=True
    )
    found: tuple[EcgChannel, ...] = ()
    n_lead = 0
    if head.shape[1] >= 5 * fs:
        zp = ZeroPhaseFilter(plan)
        beats = np.zeros(0, dtype=np.int64)
        if lead is not None:
            beats = find_beats(zp.qrs(lead[None, :], at_start=True, at_end=True)[0], fs=fs)
            n_lead = int(beats.size) if plausible(beats, fs=fs) else 0
        out = zp.filter_chunk(
            head,
            at_start=True,
            at_end=True,
            qrs_rows=None if n_lead else list(range(head.shape[0])),
        )
        filtered = np.empty(head.shape)
        for idx, y, _ in out.groups:
            filtered[idx] = y
        if n_lead:
            chans = (channel_ecg(filtered[ch], beats, fs=fs, channel=ch) for ch in range(len(head)))
            found = tuple(e for e in chans if e is not None)
        else:
            found = tuple(detect_ecg_channels(head, filtered, fs=fs, band=out.qrs))
    return Plan(plan, det, tuple(e.channel for e in found), motion, found, lead_row, n_lead)


def front_end_for(plan: Plan, *, n_samples: int) -> FrontEnd:
    """The offline front end of a plan (ECG templates, the reference lead's row)."""
    return FrontEnd(
        plan.filters,
        n_samples=n_samples,
        ecg=plan.ecg,
        lead_row=plan.lead_row,
        lead_beats=plan.lead_beats > 0,
    )


def extract_features(data: FloatArray, plan: Plan) -> Features:
    """Run the front end over an in-memory array, in :data:`CHUNK_S` pieces."""
    fe = front_end_for(plan, n_samples=data.shape[1])
    return run_front_end(
        fe, lambda a, b: data[:, a:b], n_samples=data.shape[1], chunk_s=CHUNK_S, head=data
    )


def mvc_amplitudes(
    mvc: Recording, *, mains: str = "auto", window_s: float = 0.5, ecg_lead: str = "auto"
) -> dict[str, float]:
    """MVC RMS per sEMG channel (an ECG lead left out): maximum of the noise-corrected
    moving RMS over ``window_s``."""
    lead_row = find_ecg_lead(mvc.channels, ecg_lead)
    head = mvc.data[:, : int(HEAD_S * mvc.fs)]
    plan = make_plan(head, fs=mvc.fs, mains=mains, offline=True, lead_row=lead_row)
    feats = extract_features(mvc.data, plan)
    e = robust_smooth(feats.ms, fs_env=feats.fs_env, window_s=window_s)
    base = estimate_baseline(robust_smooth(feats.ms, fs_env=feats.fs_env))
    peak = e.max(axis=1) - np.minimum(base.mu, 0.5 * e.max(axis=1))
    names = [c for i, c in enumerate(mvc.channels) if i != lead_row]
    return {name: float(np.sqrt(max(float(peak[i]), 0.0))) for i, name in enumerate(names)}


def match_mvc(
    info: ChannelInfo, mvc_vals: dict[str, float], mvc_infos: list[ChannelInfo]
) -> float | None:
    """MVC RMS for a channel: same name, else same muscle and side; None without one."""
    if info.name in mvc_vals:
        return mvc_vals[info.name]
    if info.muscle == "unknown":
        return None
    for mi in mvc_infos:
        if mi.muscle == info.muscle and mi.side == info.side:
            return mvc_vals[mi.name]
    return None


def processing_notes(
    plan: Plan, feats: Features, channels: tuple[str, ...] = (), lead: str | None = None
) -> list[str]:
    """How the numbers were made (filters, notches, envelope, detector, fatigue), for every
    output, text and JSON."""
    return [
        *list(plan.filters.description),
        *ecg_notes(plan, feats, channels, lead),
        f"envelope: block mean square and mean |x| over {feats.block} samples "
        f"({feats.fs_env:g} Hz)",
        "activations: robust noise floor + double threshold with hysteresis, min on/off 0.1 s "
        "(Hodges & Bui 1996; Bonato 1998); onsets/offsets by backward search to the floor and "
        "a continuous two-phase (floor + linear rise) change point (Hudson 1966; Hinkley 1971; "
        "after Staude 2001)"
        + (
            "; offsets on the envelope with the notches run backward (no notch ringing after "
            "a burst), the notches' envelope delay subtracted from onsets and added to offsets"
            if feats.off_code is not None
            else " (zero-phase filters: no delay to subtract)"
            if plan.filters.zero_phase
            else ", minus the filters' envelope delay"
        ),
        f"fatigue: MDF/MNF per {feats.epoch / feats.fs:g} s Hann epoch inside activations, "
        "least-squares slope",
    ]


def ecg_notes(
    plan: Plan, feats: Features, channels: tuple[str, ...] = (), lead: str | None = None
) -> list[str]:
    """The ECG statement of an offline analysis: detected or not, beats, method, residual,
    and the reference lead when one was used (``channels``: the sEMG channels)."""
    if not plan.filters.zero_phase:
        return []
    notes = []
    if lead is not None and plan.lead_beats:
        notes.append(
            f"ECG reference lead: {lead} ({plan.lead_beats} beats in the first "
            f"{HEAD_S:g} s; not analysed as sEMG)"
        )
    elif lead is not None:
        notes.append(
            f"ECG reference lead: {lead} showed no regular beats in the first {HEAD_S:g} s; "
            "beats were sought on each sEMG channel instead (not analysed as sEMG)"
        )
    if not plan.ecg:
        return [
            *notes,
            "ECG: no QRS template found on any channel (no ECG reduction applied)",
        ]
    beats = feats.ecg_beats or {}
    per = "; ".join(
        f"{channels[e.channel] if e.channel < len(channels) else e.channel + 1}: {beats.get(e.channel, 0)} beats, template "
        f"{e.template.ratio:.1f}x the off-beat level, residual {100 * e.residual:.0f} %"
        for e in plan.ecg
    )
    method = LEAD_METHOD if plan.lead_beats else ECG_METHOD
    return [*notes, f"ECG detected and removed ({method}): {per}"]


def channel_context(
    feats: Features,
    plan: Plan,
    *,
    smooth_s: float,
    units: tuple[str, ...] = (),
    rest_s: tuple[float, float] | None = None,
) -> tuple[ChannelContext, Baseline, FloatArray]:
    """Noise floors and SNR percentiles of every channel, with the baseline and smoothed
    envelope the activation detector reuses."""
    nb = feats.ms.shape[1]
    e, _ = robust_smooth_coarse(feats.ms, fs_env=feats.fs_env, window_s=smooth_s)
    base = estimate_baseline(e)
    n = feats.ms.shape[0]
    band = np.sqrt(feats.ms.mean(axis=1)) if nb else np.zeros(n)
    rest_ms = None
    if rest_s is not None:
        a, b = (round(t * feats.fs_env) for t in rest_s)
        if b - a < round(0.5 * feats.fs_env):
            raise InvalidInput("rest: the rest segment must be at least 0.5 s inside the recording")
        rest_ms = np.asarray(feats.ms[:, a:b].mean(axis=1), dtype=np.float64)
    ctx = ChannelContext(
        feats=feats,
        mains_fraction=np.asarray(plan.mains.line_power_fraction, dtype=np.float64),
        motion=np.asarray(plan.motion, dtype=np.float64),
        ecg_channels=plan.ecg_channels,
        noise_ms=np.asarray(base.mu, dtype=np.float64),
        p95_ms=row_percentiles(e, [95.0])[0] if nb else np.zeros(n),
        band_rms=band,
        near_flat=disconnected(band, units),
        rest_ms=rest_ms,
    )
    return ctx, base, e


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
    hold_s: tuple[float, float] | None = None,
    metadata: Mapping[str, str] | None = None,
    rest_s: tuple[float, float] | None = None,
    activations: Mapping[str, list[tuple[float, float]]] | None = None,
) -> EmgAnalysis:
    """Turn front-end features into an :class:`EmgAnalysis`: per-channel results
    (:mod:`.channel_results`), then ratios and onset delays (:mod:`.ratios`).

    ``channels``/``units``: of the whole recording; an ECG reference lead of the plan is
    taken out (it is not sEMG) and named in the result."""
    lead = None
    if plan.lead_row is not None:
        lead = channels[plan.lead_row]
        channels = channels[: plan.lead_row] + channels[plan.lead_row + 1 :]
        units = units[: plan.lead_row] + units[plan.lead_row + 1 :]
    infos = resolve_channels(channels, mapping)
    p = params or ActivationParams()
    ctx, base, e = channel_context(feats, plan, smooth_s=p.smooth_s, units=units, rest_s=rest_s)
    acts = detect_activations(
        feats.ms,
        fs_env=feats.fs_env,
        params=params,
        baseline=base,
        smoothed=e,
        delay_s=plan.filters.channel_delays_s(),
        ms_off=feats.ms_off if feats.off_code is not None else None,
    )
    mvc_rms = mvc_per_channel(infos, mvc, mvc_infos)
    reviewed = dict(activations or {})
    units_all = tuple(units) + ("",) * (len(infos) - len(units))
    outs = [
        channel_outcome(
            ctx,
            i,
            info,
            reviewed.get(info.name, acts[i]),
            units=units_all[i],
            mvc_rms=mvc_rms[i],
            hold_s=hold_s,
        )
        for i, info in enumerate(infos)
    ]
    usable = [o.usable for o in outs]
    use_mvc = mvc is not None
    ratios = amplitude_ratios(
        infos, feats.ms, [o.mask for o in outs], [o.floor_ms for o in outs], usable,
        mvc_rms if use_mvc else None,
    )  # fmt: skip
    onsets = [[a.onset_s for a in o.result.activations] for o in outs]
    delays, refs = delay_table(infos, onsets, usable)
    notes = processing_notes(plan, feats, tuple(channels), lead)
    if reviewed:
        notes.append(f"onsets/offsets of {', '.join(sorted(reviewed))} set by the reviewer")
    return EmgAnalysis(
        fs=feats.fs,
        duration_s=feats.n_samples / feats.fs,
        source=source,
        channels={info.name: o.result for info, o in zip(infos, outs, strict=True)},
        ratios=ratios,
        ratio_basis=BASIS[use_mvc][0],
        onset_delay_s=delays,
        reference_channels=refs,
        mains_hz=plan.mains.frequency_hz,
        notches_hz=list(plan.mains.harmonics_hz),
        processing=notes,
        metadata=dict(metadata or {}),
        normalization=BASIS[use_mvc][1],
        ecg_lead=lead if plan.lead_beats else None,
    )


def analyze_recording(
    recording: Recording,
    *,
    mvc: Recording | None = None,
    mains: str = "auto",
    mapping: Mapping[str, str] | None = None,
    params: ActivationParams | None = None,
    hold_s: tuple[float, float] | None = None,
    metadata: Mapping[str, str] | None = None,
    rest_s: tuple[float, float] | None = None,
    activations: Mapping[str, list[tuple[float, float]]] | None = None,
    ecg_lead: str = "auto",
) -> EmgAnalysis:
    """Analyse a recording: activations, amplitudes, ratios, onset delays, fatigue, quality.

    Parameters
    ----------
    recording : Recording
        The trial (any units; sampling rate at least 500 Hz, 1000 Hz or more recommended).
    mvc : Recording, optional
        MVC recording; channels match by name, else by muscle and side.
    mains : {"auto", "50", "60", "none"}
        Mains handling (see :func:`upperback.emg.offline.mains.detect_mains`).
    mapping : mapping, optional
        Channel -> muscle overrides; defaults to ``recording.mapping``.
    hold_s : (start, end), optional
        The isometric hold the fatigue trend is fitted over (seconds); default: the whole
        recording when it is one contraction, else the longest activation.
    activations : mapping, optional
        Channel -> reviewed (onset, offset) list in seconds; replaces the detected ones
        (a clinician moved or deleted onsets), checked by :func:`check_activations`.
    rest_s : (start, end), optional
        A rest segment (seconds): SNR is judged against it instead of the estimated floor.
    metadata : mapping, optional
        Electrode and amplifier details to state with the results (see :data:`METADATA_KEYS`).
    ecg_lead : str
        ECG reference lead: ``"auto"`` (a channel named ECG.../EKG... if there is one),
        ``"none"``, or a channel name. Beats are found on the lead and each sEMG channel's
        QRS template is subtracted at them; the lead is not analysed as sEMG.
    """
    if hold_s is not None and not 0 <= hold_s[0] < hold_s[1]:
        raise InvalidInput(
            f"hold: start must be >= 0 and before the end, got {hold_s[0]:g}:{hold_s[1]:g}"
        )
    if hold_s is not None and hold_s[0] >= recording.duration_s:
        raise InvalidInput(
            f"hold: starts at {hold_s[0]:g} s, after the recording's end ({recording.duration_s:.1f} s)"
        )
    meta = check_metadata(metadata)
    reviewed = check_activations(activations, recording) if activations is not None else None
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
    lead_row = find_ecg_lead(recording.channels, ecg_lead)
    head = recording.data[:, : int(HEAD_S * recording.fs)]
    plan = make_plan(head, fs=recording.fs, mains=mains, offline=True, lead_row=lead_row)
    feats = extract_features(recording.data, plan)
    mvc_vals = None
    mvc_infos = None
    if mvc is not None:
        known = ecg_lead.lower() in ("auto", "none") or ecg_lead in mvc.channels
        mvc_vals = mvc_amplitudes(mvc, mains=mains, ecg_lead=ecg_lead if known else "auto")
        mvc_infos = resolve_channels(
            tuple(c for c in mvc.channels if c in mvc_vals), mvc.mapping or None
        )
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
        hold_s=hold_s,
        metadata=meta,
        rest_s=rest_s,
        activations=reviewed,
    )
