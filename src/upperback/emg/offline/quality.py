"""Signal quality per channel, so that a bad channel is flagged rather than analysed.

Flags:

- ``flat``: no variation at all or a filtered RMS below 1e-9 of the raw range (an unused
  input).
- ``disconnected``: near-flat: the 20-450 Hz RMS is below :data:`DISCONNECTED_REL` of the
  median of the recording's other channels in the same units (an electrode off the skin
  reads amplifier noise only). [design] threshold, needs two or more channels.
- ``clipping``: at least 0.1 % of samples sit exactly at the channel's minimum or maximum.
- ``mains_dominated``: at least 90 % of the 20-450 Hz power lies in mains lines (what a
  disconnected or floating electrode shows; lower levels are notched and analysed).
- ``low_snr``: the 95th percentile of the smoothed envelope is less than 6 dB above the
  noise floor (no activity distinguishable from noise).
- ``motion_artefact``: power below 15 Hz (1-15 Hz, DC excluded) exceeds 10 times the
  20-450 Hz power in the detection window (cable and electrode movement).
"""

from __future__ import annotations

import numpy as np
from scipy import signal

from upperback.emg._checks import FloatArray

#: Flags that make the channel unusable: it is reported but not analysed.
BLOCKING = frozenset({"flat", "disconnected", "clipping", "mains_dominated"})
#: Informational flags: stated, reduced by the pipeline, the channel is still analysed.
INFORMATIONAL = frozenset({"mains_interference", "ecg_contamination"})
#: Near-flat threshold against the other channels' median band RMS ([design]: -30 dB).
DISCONNECTED_REL = 0.03
#: Mains lines holding at least this fraction of the band power are stated even though
#: they are notched ([design]: 5 %); 90 % or more blocks the channel (``mains_dominated``).
MAINS_PRESENT = 0.05


def disconnected(band_rms: FloatArray, units: tuple[str, ...]) -> FloatArray:
    """Boolean per channel: band RMS below DISCONNECTED_REL of its peers' median."""
    out = np.zeros(band_rms.shape[0], dtype=bool)
    for i in range(band_rms.shape[0]):
        peers = [
            float(band_rms[j])
            for j in range(band_rms.shape[0])
            if j != i
            and (units[j] if j < len(units) else "") == (units[i] if i < len(units) else "")
        ]
        if peers:
            ref = float(np.median(peers))
            out[i] = ref > 0 and float(band_rms[i]) < DISCONNECTED_REL * ref
    return out


def motion_ratio(
    head: FloatArray, *, fs: float, spectrum: tuple[FloatArray, FloatArray] | None = None
) -> FloatArray:
    """Power 1-15 Hz over power 20-450 Hz of ``head`` (channels, samples), per channel.

    ``spectrum`` is a Welch PSD of ``head`` (:func:`upperback.emg.offline.mains.head_spectrum`)
    if the caller already has one; otherwise one with 1 Hz bins is computed.
    """
    if head.shape[1] < int(fs):
        return np.zeros(head.shape[0])
    if spectrum is not None:
        f, p = spectrum
    else:
        f, p = signal.welch(head, fs=fs, nperseg=int(fs), axis=-1)
    low = p[:, (f >= 1) & (f <= 15)].sum(axis=1)
    band = p[:, (f >= 20) & (f <= min(450, 0.45 * fs))].sum(axis=1)
    return np.asarray(low / np.maximum(band, 1e-300), dtype=np.float64)


def assess(
    *,
    raw_min: float,
    raw_max: float,
    n_at_min: float,
    n_at_max: float,
    n_samples: int,
    band_rms: float,
    mains_fraction: float,
    snr_db: float | None,
    motion: float,
    near_flat: bool = False,
) -> list[str]:
    """Return the quality flags of one channel."""
    flags: list[str] = []
    span = raw_max - raw_min
    if span <= 0 or band_rms <= 1e-9 * span:
        return ["flat"]
    if near_flat:
        return ["disconnected"]
    rails = (n_at_min if n_at_min > 1 else 0) + (n_at_max if n_at_max > 1 else 0)
    if rails >= max(10, 1e-3 * n_samples):
        flags.append("clipping")
    if mains_fraction >= 0.9:
        flags.append("mains_dominated")
    if snr_db is not None and snr_db < 6.0:
        flags.append("low_snr")
    if motion > 10.0:
        flags.append("motion_artefact")
    return flags
