"""Synthetic sEMG recordings with ground truth, for tests and benchmarks.

Each channel is band-limited Gaussian noise with the classic sEMG power spectrum
(Shwedyk et al. 1977: P(f) ~ f^2 fh^4 / ((f^2 + fl^2)(f^2 + fh^2)^2), fl = 60 Hz, fh = 120 Hz),
amplitude-modulated by bursts with raised-cosine onset/offset ramps. Fatigue compresses the
spectrum linearly in time (scale factor s(t), so MDF(t) = s(t) MDF0), generated in 0.25 s
segments cross-faded with power-complementary windows. Nuisances: white noise at a given
SNR, mains with harmonics, ECG (QRS + T wave) on trunk channels, baseline wander with DC
offset, and motion artefacts (large low-frequency bumps). All randomness comes from the
``rng`` argument.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import signal

from upperback.emg._checks import FloatArray, check_fs
from upperback.emg.channels import TRUNK_MUSCLES, parse_channel
from upperback.emg.offline.spectrum import FH_HZ, FL_HZ, emg_psd
from upperback.emg.recording import Recording

__all__ = ["FH_HZ", "FL_HZ", "Truth", "emg_psd", "generate", "true_median_frequency"]


def true_median_frequency(
    scale: float, *, fs: float, low_hz: float = 20.0, high_hz: float = 450.0
) -> float:
    """Median frequency (Hz) of the model spectrum after an order-4 Butterworth band-pass."""
    f = np.linspace(0.5, fs / 2, 20000)
    sos = signal.butter(4, [low_hz, min(high_hz, 0.45 * fs)], btype="bandpass", fs=fs, output="sos")
    _, h = signal.sosfreqz(sos, worN=f, fs=fs)
    p = emg_psd(f, scale) * np.abs(h) ** 2
    band = (f >= low_hz) & (f <= min(high_hz, 0.45 * fs))
    c = np.cumsum(p[band])
    return float(np.interp(0.5 * c[-1], c, f[band]))


@dataclass
class Truth:
    """Ground truth of a synthetic recording."""

    activations: dict[str, list[tuple[float, float]]]
    amplitude: dict[str, float]  # plateau RMS of the EMG component (before burst gain)
    mdf_slope_hz_per_min: dict[str, float]
    noise_rms: dict[str, float]
    ratios: dict[str, float] = field(default_factory=dict)
    onset_delay_s: dict[str, list[float]] = field(default_factory=dict)
    #: R-peak times (s) of the ECG added to each trunk channel.
    ecg_beats_s: dict[str, list[float]] = field(default_factory=dict)


def _shaped_noise(
    rng: np.random.Generator, n: int, *, fs: float, scale_of_t: FloatArray | None
) -> FloatArray:
    """Unit-RMS noise with the sEMG spectrum; ``scale_of_t`` per 0.125 s hop (fatigue)."""
    seg = round(0.25 * fs)
    seg += seg % 2
    hop = seg // 2
    nseg = n // hop + 2
    white = rng.standard_normal((nseg, seg))
    f = np.asarray(np.fft.rfftfreq(seg, 1.0 / fs), dtype=np.float64)
    if scale_of_t is None:
        scales = np.ones(nseg)
    else:
        scales = np.interp(
            np.arange(nseg) * hop / fs, np.arange(scale_of_t.size) * hop / fs, scale_of_t
        )
    h = np.sqrt(
        emg_psd(f[None, :], 1.0)
        if scale_of_t is None
        else emg_psd(f[None, :] / scales[:, None] * 1.0, 1.0)
    )
    h /= np.sqrt((h**2).mean(axis=1, keepdims=True))
    y = np.fft.irfft(np.fft.rfft(white, axis=1) * h, n=seg, axis=1)
    win = np.sin(np.pi * (np.arange(seg) + 0.5) / seg)  # sin^2 windows sum to 1 at 50 % overlap
    y *= win
    out = np.zeros((nseg + 1) * hop)
    out[: nseg * hop] += y[:, :hop].reshape(-1)
    out[hop : (nseg + 1) * hop] += y[:, hop:].reshape(-1)
    out = out[hop : hop + n]
    return np.asarray(out / np.sqrt(np.mean(out**2)), dtype=np.float64)


def _ecg(
    rng: np.random.Generator, n: int, *, fs: float, hr_bpm: float
) -> tuple[FloatArray, list[float]]:
    """ECG-like waveform (QRS and T wave) and its beat (R peak) times in seconds."""
    t = np.arange(n) / fs
    out = np.zeros(n)
    beats: list[float] = []
    beat = rng.uniform(0, 60 / hr_bpm)
    while beat < n / fs:
        out += np.exp(-0.5 * ((t - beat) / 0.010) ** 2)  # QRS
        out += 0.3 * np.exp(-0.5 * ((t - beat - 0.25) / 0.04) ** 2)  # T wave
        beats.append(float(beat))
        beat += 60 / hr_bpm * rng.uniform(0.95, 1.05)
    return out, beats


def generate(
    rng: np.random.Generator,
    *,
    fs: float = 2000.0,
    duration_s: float = 30.0,
    channels: tuple[str, ...] = ("UT_R", "MT_R", "LT_R", "SA_R"),
    snr_db: float = 12.0,
    amplitudes: dict[str, float] | None = None,
    delays_s: dict[str, float] | None = None,
    n_bursts: int | None = None,
    burst_s: tuple[float, float] = (0.8, 2.0),
    ramp_s: float = 0.03,
    mains_hz: float | None = 50.0,
    mains_rel: float = 1.0,
    ecg: bool = True,
    ecg_gain: float = 2.0,
    wander: bool = True,
    motion: bool = True,
    fatigue_mdf_drop: float = 0.0,
    sustained: bool = False,
    units_scale: float = 1e-4,
    ecg_lead: bool = False,
) -> tuple[Recording, Truth]:
    """Generate a recording and its ground truth.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness (seeded by the caller).
    fs : float
        Sampling rate in Hz (1000-2048 typical).
    duration_s : float
        Length in seconds.
    channels : tuple of str
        Channel names (muscle codes with sides); the first is the reference (UT).
    snr_db : float
        In-band SNR of the weakest channel's mean burst power against white noise.
    amplitudes : dict, optional
        Plateau RMS per channel relative to ``units_scale`` (default UT 2, MT 1.2, LT 1, SA 0.8).
    delays_s : dict, optional
        Onset delay of each channel after the first one's, seconds.
    fatigue_mdf_drop : float
        Fractional drop of median frequency from start to end (0.2 = 20 %).
    sustained : bool
        One contraction over the whole record (for fatigue tests).
    units_scale : float
        Volts per unit amplitude.
    ecg_gain : float
        ECG R-wave peak relative to the largest plateau RMS (trunk channels).
    ecg_lead : bool
        One heart for all trunk channels (each with its own gain and polarity) and an extra
        last channel ``ECG``: that heart as a reference lead (1 mV R wave, 1 % noise).
    """
    fs = check_fs(fs)
    n = round(duration_s * fs)
    t = np.arange(n) / fs
    amps = {"UT": 2.0, "MT": 1.2, "LT": 1.0, "SA": 0.8}
    amp = {c: (amplitudes or {}).get(c, amps.get(c.split("_")[0], 1.0)) for c in channels}
    dl = {
        c: (delays_s or {}).get(c, 0.0 if i == 0 else float(rng.uniform(0.02, 0.12)))
        for i, c in enumerate(channels)
    }
    # Burst schedule shared by all channels (shifted by their delays), gains vary per burst.
    bursts: list[tuple[float, float, float]] = []
    if sustained:
        bursts.append((0.0, duration_s, 1.0))
    else:
        cursor = float(rng.uniform(1.0, 2.0))
        while cursor + burst_s[1] + 1.0 < duration_s and (
            n_bursts is None or len(bursts) < n_bursts
        ):
            length = float(rng.uniform(*burst_s))
            bursts.append((cursor, cursor + length, float(rng.uniform(0.5, 1.5))))
            cursor += length + float(rng.uniform(1.0, 2.5))
    heart: tuple[FloatArray, list[float]] | None = None
    if ecg_lead:
        heart = _ecg(rng, n, fs=fs, hr_bpm=float(rng.uniform(60, 80)))
    hop = round(0.25 * fs) // 2
    scale_t = None
    if fatigue_mdf_drop:
        scale_t = 1.0 - fatigue_mdf_drop * (np.arange(n // hop + 3) * hop / fs) / duration_s
    data = np.empty((len(channels), n))
    truth_acts: dict[str, list[tuple[float, float]]] = {}
    min_power = min(a * a for a in amp.values()) * float(
        np.mean([g * g for *_, g in bursts] or [1.0])
    )
    sigma_inband = np.sqrt(min_power / 10 ** (snr_db / 10))
    band_fraction = (min(450.0, 0.45 * fs) - 20.0) / (fs / 2)
    sigma = sigma_inband / np.sqrt(band_fraction)
    noise_rms: dict[str, float] = {}
    ecg_beats: dict[str, list[float]] = {}
    slopes: dict[str, float] = {}
    for i, ch in enumerate(channels):
        env = np.zeros(n)
        acts = []
        for on, off, gain in bursts:
            on_c = on + (0.0 if sustained else dl[ch])
            off_c = off + (0.0 if sustained else dl[ch])
            if off_c >= duration_s:
                continue
            acts.append((on_c, off_c))
            seg = np.ones(n)
            r = np.clip((t - on_c) / ramp_s, 0, 1)
            f_ = np.clip((off_c - t) / ramp_s, 0, 1)
            seg = 0.5 - 0.5 * np.cos(np.pi * np.minimum(r, f_))
            env = np.maximum(env, gain * seg)
        truth_acts[ch] = acts if not sustained else [(0.0, duration_s)]
        emg = (
            _shaped_noise(rng, n, fs=fs, scale_of_t=scale_t) * amp[ch] * (1.0 if sustained else env)
        )
        if sustained:
            pass
        x = emg + sigma * rng.standard_normal(n)
        info = parse_channel(ch)
        if mains_hz:
            ph = rng.uniform(0, 2 * np.pi, 3)
            a0 = mains_rel * amp[ch]
            for h, rel in zip((1, 3, 5), (1.0, 0.3, 0.1), strict=True):
                if h * mains_hz < 0.45 * fs:
                    x += a0 * rel * np.sin(2 * np.pi * h * mains_hz * t + ph[h // 2])
        if ecg and info.muscle in TRUNK_MUSCLES and heart is not None:
            gain = float(rng.uniform(0.5, 1.0) * rng.choice([-1.0, 1.0]))
            x += gain * ecg_gain * max(amp.values()) * heart[0]
            ecg_beats[ch] = list(heart[1])
        elif ecg and info.muscle in TRUNK_MUSCLES:
            wave, ecg_beats[ch] = _ecg(rng, n, fs=fs, hr_bpm=float(rng.uniform(60, 80)))
            x += ecg_gain * max(amp.values()) * wave
        if wander:
            x += 5.0 * amp[ch] * np.sin(2 * np.pi * 0.2 * t + rng.uniform(0, 6.28)) + 20.0 * amp[ch]
        if motion:
            for tm in rng.uniform(1, duration_s - 1, max(1, int(duration_s / 15))):
                w = (np.abs(t - tm) < 0.15) * np.cos(np.pi * (t - tm) / 0.3) ** 2
                x += 15.0 * amp[ch] * w
        data[i] = x * units_scale
        noise_rms[ch] = sigma * units_scale
        if fatigue_mdf_drop:
            m0 = true_median_frequency(1.0, fs=fs)
            m1 = true_median_frequency(1.0 - fatigue_mdf_drop, fs=fs)
            slopes[ch] = (m1 - m0) / (duration_s / 60.0)
        else:
            slopes[ch] = 0.0
    ref = channels[0]
    ratios = {f"{ref}/{c}": amp[ref] / amp[c] for c in channels[1:]}
    delays = {c: [dl[c] - dl[ref]] * len(bursts) for c in channels[1:]} if not sustained else {}
    names = tuple(channels)
    if heart is not None:
        lead = 1e-3 * (heart[0] + 0.01 * rng.standard_normal(n) + 0.1 * np.sin(0.6 * t))
        data = np.vstack([data, lead[None, :]])
        names = (*names, "ECG")
        ecg_beats["ECG"] = list(heart[1])
    rec = Recording(data=data, fs=fs, channels=names, units=("V",) * len(names), source="synthetic")
    truth = Truth(
        activations=truth_acts,
        amplitude={c: amp[c] * units_scale for c in channels},
        mdf_slope_hz_per_min=slopes,
        noise_rms=noise_rms,
        ratios=ratios,
        onset_delay_s=delays,
        ecg_beats_s=ecg_beats,
    )
    return rec, truth
