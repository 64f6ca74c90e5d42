"""Result models of an sEMG analysis and of a live biofeedback session (pydantic v2)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Activation(BaseModel):
    """One burst of activity, times in seconds from the first sample."""

    model_config = ConfigDict(frozen=True)

    onset_s: float
    offset_s: float


class Quality(BaseModel):
    """Signal quality of one channel; ``ok`` is False when any flag is raised.

    Flags: ``flat`` (no signal / disconnected), ``clipping``, ``mains_dominated``,
    ``low_snr``, ``motion_artefact``; ``ecg_contamination`` is informational (reduced).
    """

    ok: bool
    flags: list[str] = Field(default_factory=list)
    snr_db: float | None = None
    mains_fraction: float | None = None
    clipped_fraction: float | None = None
    ecg_detected: bool = False
    ecg_beats: int | None = Field(
        None, description="heartbeats whose QRS template was subtracted (offline analysis)"
    )


class FatigueTrend(BaseModel):
    """Median-frequency trend over one contraction (see ``upperback.emg.offline.fatigue``)."""

    window: str = Field(description="'given', 'whole_recording' or 'longest_activation'")
    window_s: tuple[float, float]
    n_epochs: int
    slope_hz_per_min: float
    ci95_hz_per_min: tuple[float, float]
    slope_pct_per_min: float | None = None
    r2: float
    verdict: str = Field(description="'decline', 'rise' or 'no fatigue trend' (CI spans 0)")
    method: str = ""


class ChannelResult(BaseModel):
    """Per-channel results."""

    muscle: str
    side: str | None
    units: str = ""
    activations: list[Activation] = Field(default_factory=list)
    rms: float | None = Field(None, description="noise-corrected RMS within activations, units")
    rms_mvc: float | None = Field(None, description="rms / MVC RMS (1.0 = MVC); None without MVC")
    median_frequency_hz: float | None = None
    mean_frequency_hz: float | None = None
    median_frequency_slope_hz_per_min: float | None = None
    mean_frequency_slope_hz_per_min: float | None = None
    fatigue_window: str | None = Field(
        None,
        description="'given' (--hold), 'whole_recording' (one sustained contraction) or "
        "'longest_activation'",
    )
    n_fatigue_epochs: int = 0
    fatigue: FatigueTrend | None = Field(
        None, description="MDF trend with 95 % CI and R2; None with a stated note when too short"
    )
    fatigue_note: str | None = None
    noise_floor_rms: float | None = None
    quality: Quality


class EmgAnalysis(BaseModel):
    """Full analysis of one recording (the JSON of ``upperback emg analyze --json``)."""

    fs: float
    duration_s: float
    source: str = ""
    channels: dict[str, ChannelResult]
    ratios: dict[str, float | None] = Field(default_factory=dict)
    ratio_basis: str = Field(
        "raw", description="'mvc' (MVC-normalized amplitude) or 'raw' (no --mvc given)"
    )
    onset_delay_s: dict[str, list[float]] = Field(default_factory=dict)
    reference_channels: dict[str, str] = Field(
        default_factory=dict, description="channel -> upper-trapezius channel its delay is against"
    )
    mains_hz: float | None = None
    notches_hz: list[float] = Field(default_factory=list)
    processing: list[str] = Field(default_factory=list)
    normalization: str = "none"
    ecg_lead: str | None = Field(
        None,
        description="channel used as the ECG reference lead (beats found there, templates "
        "subtracted on the sEMG channels); None: beats sought on each channel",
    )
    metadata: dict[str, str] = Field(
        default_factory=dict,
        description="electrode and amplifier details as given (SENIAM/ISEK reporting items)",
    )


class Cue(BaseModel):
    """A biofeedback cue issued during a live session."""

    t_s: float
    kind: str
    message: str
    value: float | None = None
    target: float | None = None


class ControllerSample(BaseModel):
    """Controller output at one time: resistance/instability level in [0, 1]."""

    t_s: float
    level: float
    ratio: float | None = None


class LiveSessionSummary(BaseModel):
    """What a live (or replayed) biofeedback session produced; stored with a session log."""

    source: str
    fs: float
    duration_s: float
    block_s: float
    channels: list[str]
    ratio_pair: str | None = None
    ratio_target: float | None = None
    mean_ratios: dict[str, float | None] = Field(default_factory=dict)
    time_over_target_s: float = 0.0
    fraction_over_target: float = 0.0
    cues: list[Cue] = Field(default_factory=list)
    controller: list[ControllerSample] = Field(default_factory=list)
    final_level: float | None = None
    latency_ms_p50: float | None = None
    latency_ms_p99: float | None = None
    n_blocks: int = 0
    ratio_basis: str = Field(
        "raw", description="'mvc': envelopes / MVC RMS (assessment class units); 'raw' otherwise"
    )
    flags: list[str] = Field(
        default_factory=list,
        description="stated problems: 'calibration_not_at_rest', 'raw_ratio_not_class_units'",
    )
    outlet: str | None = Field(None, description="LSL outlet the level and cues went to")
