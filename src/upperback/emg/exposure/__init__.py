"""Workday exposure of long ambulatory trapezius recordings: APDF, gaps, muscular rest,
sustained low-level activity and EVA in %MVC, computed chunk by chunk in bounded memory;
turned into a clinician finding and a micro-break prescription (:mod:`.advice`)."""

from upperback.emg.exposure.advice import exposure_finding, micro_break_prescription
from upperback.emg.exposure.analyze import analyze_exposure, exposure_of_recording
from upperback.emg.exposure.metrics import ChannelExposure, ExposureResult, channel_exposure

__all__ = [
    "ChannelExposure",
    "ExposureResult",
    "analyze_exposure",
    "channel_exposure",
    "exposure_finding",
    "exposure_of_recording",
    "micro_break_prescription",
]
