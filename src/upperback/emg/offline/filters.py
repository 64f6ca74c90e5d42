"""Filter design and the per-channel filter plan (band-pass, mains notches, ECG high-pass).

All filters are Butterworth / IIR notch designs in second-order sections (SOS), applied
causally with carried state so that a recording filtered in one piece, in chunks or block by
block in a live stream gives the same samples (STYLE.md section 3: SOS by default; record
what was applied).

Defaults follow De Luca et al. 2010 (J Biomech 43:1573): high-pass corner 20 Hz, low-pass
about 450 Hz; SENIAM/ISEK allow 10-20 Hz and about 500 Hz (DOMAIN.md section 5). The upper
corner is bounded by Nyquist (at most 0.45 fs).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy import fft as sfft
from scipy import signal

from upperback.emg._checks import FloatArray, check_fs, check_signal
from upperback.emg.offline.spectrum import emg_psd
from upperback.errors import InvalidInput

DEFAULT_LOW_HZ = 20.0
DEFAULT_HIGH_HZ = 450.0
#: High-pass corner on channels with ECG contamination (Drake & Callaghan 2006,
#: J Electromyogr Kinesiol 16:175: a 30 Hz high-pass removes most of the ECG).
ECG_LOW_HZ = 30.0
#: Notch bandwidth in Hz; narrow so that little EMG power goes with the line.
NOTCH_BANDWIDTH_HZ = 2.0


def band_edges(
    *, fs: float, low_hz: float = DEFAULT_LOW_HZ, high_hz: float = DEFAULT_HIGH_HZ
) -> tuple[float, float]:
    """Return (low, high) in Hz with ``high`` bounded by 0.45 fs (below Nyquist)."""
    fs = check_fs(fs)
    high = min(float(high_hz), 0.45 * fs)
    if not 0 < low_hz < high:
        raise InvalidInput(
            f"band-pass needs 0 < low_hz < high_hz <= 0.45*fs; got low_hz={low_hz}, "
            f"high_hz={high_hz}, fs={fs}"
        )
    return float(low_hz), high


def design_bandpass(
    *, fs: float, low_hz: float = DEFAULT_LOW_HZ, high_hz: float = DEFAULT_HIGH_HZ, order: int = 4
) -> FloatArray:
    """Design a Butterworth band-pass in SOS form.

    Parameters
    ----------
    fs : float
        Sampling rate in Hz.
    low_hz, high_hz : float
        Corners in Hz (-3 dB); ``high_hz`` is bounded by 0.45 fs.
    order : int
        Order of each of the high- and low-pass halves (4 gives 24 dB/octave each side).

    Returns
    -------
    ndarray, shape (order, 6)
    """
    lo, hi = band_edges(fs=fs, low_hz=low_hz, high_hz=high_hz)
    sos = signal.butter(order, [lo, hi], btype="bandpass", fs=fs, output="sos")
    return np.asarray(sos, dtype=np.float64)


def design_notches(
    freqs_hz: list[float], *, fs: float, bandwidth_hz: float = NOTCH_BANDWIDTH_HZ
) -> FloatArray:
    """Design one IIR notch (``scipy.signal.iirnotch``) per frequency, stacked as SOS."""
    fs = check_fs(fs)
    rows = []
    for f0 in freqs_hz:
        if not 0 < f0 < fs / 2:
            raise InvalidInput(f"notch frequency {f0} Hz must be between 0 and fs/2 = {fs / 2}")
        b, a = signal.iirnotch(f0, f0 / bandwidth_hz, fs=fs)
        rows.append(np.concatenate([b, a]))
    return np.asarray(rows, dtype=np.float64).reshape(-1, 6)


def bandpass(
    emg: FloatArray,
    *,
    fs: float,
    low_hz: float = DEFAULT_LOW_HZ,
    high_hz: float = DEFAULT_HIGH_HZ,
    order: int = 4,
    zero_phase: bool = False,
) -> FloatArray:
    """Band-pass ``emg`` (channels, samples) with a Butterworth filter.

    Causal by default (``sosfilt`` started from the steady state of the first sample, so a
    DC offset gives no start-up transient); ``zero_phase=True`` uses ``sosfiltfilt``.
    """
    x = check_signal(emg)
    sos = design_bandpass(fs=fs, low_hz=low_hz, high_hz=high_hz, order=order)
    if zero_phase:
        return np.asarray(signal.sosfiltfilt(sos, x, axis=-1), dtype=np.float64)
    y, _ = apply_sos(sos, x, None)
    return y


def initial_state(sos: FloatArray, first: FloatArray) -> FloatArray:
    """Filter state (sections, channels, 2) as if each channel had been at ``first`` forever."""
    zi = signal.sosfilt_zi(sos)
    return np.asarray(zi[:, np.newaxis, :] * first[np.newaxis, :, np.newaxis], dtype=np.float64)


def apply_sos(
    sos: FloatArray, x: FloatArray, zi: FloatArray | None
) -> tuple[FloatArray, FloatArray]:
    """Run ``sosfilt`` over the last axis; start from the first sample's steady state."""
    if zi is None:
        zi = initial_state(sos, x[:, 0])
    y, zf = signal.sosfilt(sos, x, axis=-1, zi=zi)
    return np.asarray(y, dtype=np.float64), np.asarray(zf, dtype=np.float64)


def envelope_delay_s(sos: FloatArray, *, fs: float) -> float:
    """Delay (s) of the sEMG envelope behind the signal through the causal cascade ``sos``.

    The group delay of the cascade (sum over sections) is frequency dependent; the envelope
    of a broadband burst moves by the group delay where the burst's power passes. This is
    the median of the group delay over frequency, weighted by the filtered power of a
    typical sEMG spectrum (Shwedyk et al. 1977 model, :func:`upperback.emg.offline.spectrum.emg_psd`).
    The median, not the mean: next to a notch the group delay is very large over a few Hz
    that carry little power, which would dominate a mean. About 2-3 ms for the default
    20-450 Hz band-pass with mains notches.
    """
    f = np.linspace(1.0, 0.5 * fs - 1.0, 4096)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gd = np.zeros_like(f)
        for sec in np.asarray(sos, dtype=np.float64):
            gd += signal.group_delay((sec[:3], sec[3:]), w=f, fs=fs)[1]
        _, h = signal.sosfreqz(sos, worN=f, fs=fs)
    w = np.abs(h) ** 2 * emg_psd(f)
    ok = np.isfinite(gd) & np.isfinite(w)
    if not ok.any() or w[ok].sum() <= 0:
        return 0.0
    order = np.argsort(gd[ok])
    cw = np.cumsum(w[ok][order])
    k = int(np.searchsorted(cw, 0.5 * cw[-1]))
    return float(max(0.0, gd[ok][order][min(k, order.size - 1)] / fs))


@dataclass(frozen=True)
class FilterGroup:
    """Channels that share one SOS cascade."""

    channels: tuple[int, ...]
    sos: FloatArray
    low_hz: float
    high_hz: float
    notches_hz: tuple[float, ...]
    #: :func:`envelope_delay_s` of ``sos``.
    delay_s: float = 0.0


@dataclass(frozen=True)
class FilterPlan:
    """Which filters apply to which channel, decided once per recording."""

    fs: float
    groups: tuple[FilterGroup, ...]
    n_channels: int
    description: list[str] = field(default_factory=list)
    #: Offline analysis filters forward and backward (``sosfiltfilt``): no delay to correct.
    zero_phase: bool = False

    @classmethod
    def build(
        cls,
        *,
        fs: float,
        n_channels: int,
        notches_hz: list[float] | tuple[float, ...] = (),
        ecg_channels: list[int] | tuple[int, ...] = (),
        low_hz: float = DEFAULT_LOW_HZ,
        high_hz: float = DEFAULT_HIGH_HZ,
        order: int = 4,
        zero_phase: bool = False,
    ) -> FilterPlan:
        """Group channels by their filter and design each cascade once.

        ``zero_phase`` (offline): forward-backward filtering, so onsets need no delay
        correction; the live path stays causal.
        """
        fs = check_fs(fs)
        lo, hi = band_edges(fs=fs, low_hz=low_hz, high_hz=high_hz)
        notch_list = sorted(f for f in notches_hz if f < hi + NOTCH_BANDWIDTH_HZ)
        notch_sos = design_notches(notch_list, fs=fs) if notch_list else np.zeros((0, 6))
        ecg = sorted(set(ecg_channels))
        normal = [c for c in range(n_channels) if c not in ecg]
        groups = []
        desc = [
            (
                f"zero-phase Butterworth band-pass (|H|^2 of order {order} per side, the "
                f"sosfiltfilt response, by FFT), {lo:g}-{hi:g} Hz, chunks overlapped by 1 s; "
                "notches (if any) run forward (onsets, amplitudes, spectra) and, separately, "
                "backward (offsets): no notch ringing before onsets or after offsets"
                if zero_phase
                else f"causal Butterworth band-pass order {order} per side, {lo:g}-{hi:g} Hz "
                f"(SOS, state carried across chunks)"
            )
        ]
        if notch_list:
            desc.append(
                "IIR notches (bandwidth 2 Hz) at " + ", ".join(f"{f:g}" for f in notch_list) + " Hz"
            )
        for chans, low in ((normal, lo), (ecg, max(ECG_LOW_HZ, lo))):
            if not chans:
                continue
            sos = np.vstack(
                [design_bandpass(fs=fs, low_hz=low, high_hz=hi, order=order), notch_sos]
            )
            groups.append(
                FilterGroup(
                    tuple(chans),
                    sos,
                    low,
                    hi,
                    tuple(notch_list),
                    # Zero phase: the band-pass has none; the forward notches delay the
                    # envelope by about 0.3 ms (the backward ones advance it as much).
                    (envelope_delay_s(notch_sos, fs=fs) if notch_list else 0.0)
                    if zero_phase
                    else envelope_delay_s(sos, fs=fs),
                )
            )
        if ecg:
            desc.append(
                f"ECG reduction: high-pass raised to {max(ECG_LOW_HZ, lo):g} Hz on {len(ecg)} channel(s)"
            )
        return cls(
            fs=fs,
            groups=tuple(groups),
            n_channels=n_channels,
            description=desc,
            zero_phase=zero_phase,
        )

    def channel_delays_s(self) -> FloatArray:
        """Envelope delay of each channel's cascade, seconds (channels,)."""
        out = np.zeros(self.n_channels)
        for g in self.groups:
            out[list(g.channels)] = g.delay_s
        return out


class CausalFilter:
    """Apply a :class:`FilterPlan` block by block with carried state.

    Feeding a recording in any split gives the same output as one call on the whole of it
    (to floating-point rounding of ``sosfilt``, which is deterministic for equal inputs).
    """

    def __init__(self, plan: FilterPlan) -> None:
        self.plan = plan
        self._zi: list[FloatArray | None] = [None] * len(plan.groups)
        self._primed = False
        self._single = len(plan.groups) == 1 and plan.groups[0].channels == tuple(
            range(plan.n_channels)
        )

    def prime(self, head: FloatArray) -> None:
        """Set the initial state from the recording's first second (``head``, > 1 s).

        Mains interference is periodic with a period that divides one second (50 and 60 Hz),
        so the filter is run over the first second, with its linear trend adjusted so that
        it ends where it starts; the final state is then a near steady state for sample 0.
        Without this a 2 Hz notch rings for about half a second at the start. Shorter heads
        use the odd extension ``2 x[0] - x[L:0:-1]`` (as ``filtfilt`` pads).
        """
        if self._primed:
            return
        self._primed = True
        if head.shape[1] < 2:
            return
        n1 = round(self.plan.fs)
        if head.shape[1] > n1 and abs(n1 - self.plan.fs) < 1e-9:
            ramp = np.arange(n1) / n1
            ext = head[:, :n1] - ramp[None, :] * (head[:, n1 : n1 + 1] - head[:, :1])
        else:
            ext = 2.0 * head[:, :1] - head[:, :0:-1]
        for k, g in enumerate(self.plan.groups):
            idx = list(g.channels)
            e = ext if self._single else ext[idx]
            _, zi = apply_sos(g.sos, e, None)
            _, self._zi[k] = apply_sos(g.sos, e, zi)  # twice: let the notches settle

    def filter_groups(self, x: FloatArray) -> list[tuple[list[int], FloatArray]]:
        """Filter one block; returns (channel indices, filtered rows) for each group.

        For callers that reduce each group's output at once (the offline front end): no
        full-size output array is assembled.
        """
        if not self._primed:
            self.prime(x[:, : round(self.plan.fs) + 1])
        out = []
        for k, g in enumerate(self.plan.groups):
            idx = list(g.channels)
            y, self._zi[k] = apply_sos(g.sos, x if self._single else x[idx], self._zi[k])
            out.append((idx, y))
        return out

    def __call__(self, x: FloatArray) -> FloatArray:
        """Filter one block (channels, samples); returns a new array.

        Unless :meth:`prime` was called, the first block primes the state with itself.
        """
        parts = self.filter_groups(x)
        if self._single:
            return parts[0][1]
        out = np.empty_like(x)
        for idx, y in parts:
            out[idx] = y
        return out


def extend_ends(
    x: FloatArray, *, fs: float, at_start: bool, at_end: bool
) -> tuple[FloatArray, int, int]:
    """Pad a recording's true ends before zero-phase filtering; returns (array, pre, post).

    Mains interference repeats every second (50 and 60 Hz both divide 1 s), so the first
    second, shifted to end where the data starts, is a continuation of the signal before
    sample 0 (and the last second likewise after the end): the notches then see no phase
    jump and do not ring at the edges. Without a whole second (or with a non-integer rate)
    the odd extension ``2 x[0] - x[L:0:-1]`` is used, as ``filtfilt`` pads.
    """
    n1 = round(fs)
    n = x.shape[1]
    periodic = abs(n1 - fs) < 1e-9 and n > n1
    parts = []
    pre = post = 0
    if at_start:
        if periodic:
            parts.append(x[:, :n1] - (x[:, n1 : n1 + 1] - x[:, :1]))
        else:
            parts.append(2.0 * x[:, :1] - x[:, min(n - 1, n1) : 0 : -1])
        pre = parts[0].shape[1]
    parts.append(x)
    if at_end:
        if periodic:
            tail = x[:, n - n1 :] + (x[:, n - 1 :] - x[:, n - n1 - 1 : n - n1])
        else:
            tail = 2.0 * x[:, -1:] - x[:, -2 : -min(n, n1 + 1) - 1 : -1]
        parts.append(tail)
        post = tail.shape[1]
    if len(parts) == 1:
        return x, 0, 0
    return np.concatenate(parts, axis=1), pre, post


#: Zeros appended before the FFT of a chunk, seconds: the forward and backward notches'
#: tails (time constant fs / (pi x 2 Hz) = 0.16 s) decay to e^-6 within it, so the circular
#: wrap of the FFT cannot reach the samples that are kept.
FFT_PAD_S = 1.0


@dataclass(frozen=True)
class ZeroPhaseChunk:
    """One filtered chunk (float32 rows): per filter group the channel indices, the band-passed rows with the
    notches run forward (``fwd``) and, when there are notches, run backward (``bwd``); and
    the 5-25 Hz QRS band of the rows asked for (``qrs``, or None)."""

    groups: list[tuple[list[int], FloatArray, FloatArray | None]]
    qrs: FloatArray | None


class ZeroPhaseFilter:
    """Apply a :class:`FilterPlan` with zero phase to overlapped chunks, in the frequency domain.

    The band-pass is applied as ``|H(f)|^2`` of its Butterworth cascade, the response of
    ``sosfiltfilt`` (forward and backward), by one real FFT of the chunk (float32: the output
    agrees with ``sosfiltfilt`` to 3e-7 of its range). The mains notches are applied from
    the same spectrum, once forward (``H(f)``) and once backward (``conj H(f)``): a notch
    rings for about 0.16 s after a burst in the direction it runs, so the forward output is
    clean before each burst (onsets) and the backward output after it (offsets); the front end
    combines the two envelopes. A notch run both ways would ring on both sides.

    Each chunk arrives with ``left``/``right`` context samples (1 s where the recording has
    them) that absorb the filters' transients and are cut off afterwards; at the recording's
    ends :func:`extend_ends` supplies the context. A straight line through the first and last
    samples is removed before the transform (a zero-phase band-pass passes no line), so the
    zero padding makes no step. A chunked run equals the in-memory run because both use the
    same chunks and context.
    """

    def __init__(self, plan: FilterPlan) -> None:
        self.plan = plan
        self._cache: dict[int, list[tuple[np.ndarray, np.ndarray | None]]] = {}
        self._qrs_cache: dict[int, np.ndarray] = {}

    def _responses(self, n_fft: int) -> list[tuple[np.ndarray, np.ndarray | None]]:
        """Per group: ``|H_bp|^2`` (float32) and the forward notch response (complex64)."""
        if n_fft not in self._cache:
            f = sfft.rfftfreq(n_fft, 1.0 / self.plan.fs)
            out: list[tuple[np.ndarray, np.ndarray | None]] = []
            for g in self.plan.groups:
                k = len(g.notches_hz)
                bp, notch = (g.sos[:-k], g.sos[-k:]) if k else (g.sos, g.sos[:0])
                _, h = signal.sosfreqz(bp, worN=f, fs=self.plan.fs)
                gain = np.square(np.abs(h)).astype(np.float32)
                hn = None
                if k:
                    _, hn_ = signal.sosfreqz(notch, worN=f, fs=self.plan.fs)
                    hn = np.asarray(hn_, dtype=np.complex64)
                out.append((gain, hn))
            if len(self._cache) >= 4:  # head, first, middle and last chunks
                self._cache.clear()
            self._cache[n_fft] = out
        return self._cache[n_fft]

    def _qrs_response(self, n_fft: int) -> np.ndarray:
        if n_fft not in self._qrs_cache:
            if len(self._qrs_cache) >= 4:
                self._qrs_cache.clear()
            self._qrs_cache[n_fft] = qrs_gain(n_fft, fs=self.plan.fs)
        return self._qrs_cache[n_fft]

    def filter_chunk(
        self, x: FloatArray, *, at_start: bool, at_end: bool, qrs_rows: list[int] | None = None
    ) -> ZeroPhaseChunk:
        """Filter one chunk with its context; every output row has the length of ``x``."""
        ext, pre, post = extend_ends(x, fs=self.plan.fs, at_start=at_start, at_end=at_end)
        n = ext.shape[1]
        spec, n_fft = line_free_spectrum(ext, fs=self.plan.fs)
        groups: list[tuple[list[int], FloatArray, FloatArray | None]] = []
        single = len(self.plan.groups) == 1
        for g, (gain, hn) in zip(self.plan.groups, self._responses(n_fft), strict=True):
            idx = list(g.channels)
            s = spec if single and len(idx) == spec.shape[0] else spec[idx]
            sb = s * gain
            if hn is None:
                y = sfft.irfft(sb, n=n_fft, axis=-1)[:, pre : n - post]
                groups.append((idx, y, None))
                continue
            y_f = sfft.irfft(sb * hn, n=n_fft, axis=-1)[:, pre : n - post]
            y_b = sfft.irfft(sb * np.conjugate(hn), n=n_fft, axis=-1)[:, pre : n - post]
            groups.append((idx, y_f, y_b))
        qrs = None
        if qrs_rows:
            band = spec[qrs_rows] * self._qrs_response(n_fft)
            qrs = sfft.irfft(band, n=n_fft, axis=-1)[:, pre : n - post]
        return ZeroPhaseChunk(groups, qrs)

    def qrs(self, x: FloatArray, *, at_start: bool, at_end: bool) -> FloatArray:
        """The 5-25 Hz QRS band of ``x`` (rows, samples; e.g. an ECG reference lead), its
        ends extended as :meth:`filter_chunk` does."""
        ext, pre, post = extend_ends(x, fs=self.plan.fs, at_start=at_start, at_end=at_end)
        spec, n_fft = line_free_spectrum(ext, fs=self.plan.fs)
        band = sfft.irfft(spec * self._qrs_response(n_fft), n=n_fft, axis=-1)
        return np.asarray(band[:, pre : ext.shape[1] - post])

    def filter_groups(
        self, x: FloatArray, *, at_start: bool, at_end: bool
    ) -> list[tuple[list[int], FloatArray]]:
        """Filter one chunk with its context; returns (channel indices, filtered rows of
        the same length as ``x``, notches forward) per group."""
        return [
            (idx, y) for idx, y, _ in self.filter_chunk(x, at_start=at_start, at_end=at_end).groups
        ]


def line_free_spectrum(x: FloatArray, *, fs: float) -> tuple[np.ndarray, int]:
    """Real FFT (complex64) of ``x`` (channels, samples) minus the straight line through its
    first and last samples, zero-padded by :data:`FFT_PAD_S`; returns (spectrum, FFT length)."""
    n = x.shape[1]
    n_fft = sfft.next_fast_len(n + round(FFT_PAD_S * fs), real=True)
    buf = np.zeros((x.shape[0], n_fft), dtype=np.float32)
    # float32 holds the samples to 6e-8 of their size (DC offset included), far below any
    # sEMG noise floor.
    buf[:, :n] = x
    ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
    buf[:, :n] -= x[:, :1].astype(np.float32)
    buf[:, :n] -= (x[:, -1:] - x[:, :1]).astype(np.float32) * ramp
    return sfft.rfft(buf, axis=-1, overwrite_x=True), n_fft


#: QRS band for beat detection, Hz ([design]: most QRS energy, little trapezius sEMG).
QRS_BAND_HZ = (5.0, 25.0)


def qrs_gain(n_fft: int, *, fs: float) -> np.ndarray:
    """``|H|^2`` (float32) of the order-2 Butterworth 5-25 Hz band-pass on an rfft grid: the
    response of ``sosfiltfilt`` with that filter."""
    sos = signal.butter(2, QRS_BAND_HZ, btype="bandpass", fs=fs, output="sos")
    _, h = signal.sosfreqz(sos, worN=sfft.rfftfreq(n_fft, 1.0 / fs), fs=fs)
    return np.asarray(np.square(np.abs(h)), dtype=np.float32)
