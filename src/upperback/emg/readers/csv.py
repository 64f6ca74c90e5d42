"""CSV / text reader: generic delimited files, headerless numeric text and Vicon Nexus exports.

Generic files have an optional header row naming the channels and an optional time column
(``time``, ``t``, ``time_s``, ``time (s)``, ``timestamp``; milliseconds when the name says
``ms``). Without a time column the caller gives ``fs``. Headerless numeric files (for example
the BioSPPy examples, one column of ADC counts) get channel names ``EMG1``, ``EMG2``...
Lines starting with ``#`` are comments; ``# Sampling Rate (Hz):= 1000`` and
``# Labels:= A, B`` in such comments are honoured (OpenSignals "Simple Text Format").

Vicon Nexus exports start with a ``Devices`` line, then the rate, device names, column names
and units rows (see ``pyomeca_analogs.csv``). ``Frame``/``Sub Frame`` are dropped and, when
some columns are named ``...EMG...``, only those are kept.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np

from upperback.emg._checks import FloatArray
from upperback.emg.readers._common import check_data, display, infer_fs
from upperback.emg.recording import Recording
from upperback.errors import InvalidInput

_TIME_NAMES = re.compile(
    r"^(t|time|times|time_s|time\s*\(s\)|time\s*\[s\]|seconds|sec|timestamp|time_ms|"
    r"time\s*\(ms\)|time\s*\[ms\]|ms)$",
    re.IGNORECASE,
)
_FS_COMMENT = re.compile(r"sampling\s*rate[^:=]*[:=]+\s*([0-9.]+)", re.IGNORECASE)
_LABELS_COMMENT = re.compile(r"labels\s*:?=\s*(.+)$", re.IGNORECASE)


def _is_number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


def _sniff_delimiter(line: str) -> str | None:
    for d in (",", ";", "\t"):
        if d in line:
            return d
    return None  # whitespace


def _split(line: str, delim: str | None) -> list[str]:
    return [f.strip() for f in (line.split(delim) if delim else line.split())]


def _parse_block(
    lines: list[str], delim: str | None, ncols: int, source: str, first_row: int
) -> FloatArray:
    """Parse numeric rows into a (columns, rows) array, pinning bad rows in the message."""
    counts = [(ln.count(delim) + 1) if delim else len(ln.split()) for ln in lines]
    for k, c in enumerate(counts):
        if c != ncols:
            what = "truncated row" if k == len(lines) - 1 and c < ncols else "wrong field count"
            raise InvalidInput(
                f"{source}: row {first_row + k} has {c} fields, expected {ncols} ({what})"
            )
    body = "\n".join(lines)
    try:
        arr = np.loadtxt(
            io.StringIO(body), delimiter=delim, dtype=np.float64, ndmin=2, comments=None
        )
    except ValueError:
        arr = _parse_slow(lines, delim, ncols, source, first_row)
    return np.ascontiguousarray(arr.T)


def _parse_slow(
    lines: list[str], delim: str | None, ncols: int, source: str, first_row: int
) -> FloatArray:
    # Only reached when the fast parser failed: find the offending field for the message,
    # and read empty fields as NaN so that the caller can name the channel.
    out = np.empty((len(lines), ncols), dtype=np.float64)
    for k, ln in enumerate(lines):
        for j, f in enumerate(_split(ln, delim)):
            if f == "" or f.lower() in ("nan", "na", "null"):
                out[k, j] = np.nan
                continue
            try:
                out[k, j] = float(f)
            except ValueError:
                raise InvalidInput(
                    f"{source}: row {first_row + k}, column {j + 1}: {f[:30]!r} is not a number"
                ) from None
    return out


def _vicon(lines: list[str], source: str) -> Recording:
    if len(lines) < 6:
        raise InvalidInput(f"{source}: Vicon export header is incomplete (needs 5 header rows)")
    rate_field = lines[1].split(",")[0].strip()
    if not _is_number(rate_field):
        raise InvalidInput(f"{source}: Vicon export row 2 should hold the rate, got {rate_field!r}")
    fs = float(rate_field)
    names = [f.strip() for f in lines[3].split(",")]
    units = [f.strip() for f in lines[4].split(",")]
    if not names or names[0].lower() != "frame":
        raise InvalidInput(f"{source}: Vicon export row 4 should start with 'Frame'")
    # Data run until the first blank line (a Trajectories section may follow).
    end = 5
    while end < len(lines) and lines[end].strip(", \t") != "":
        end += 1
    data = _parse_block(lines[5:end], ",", len(names), source, 6)
    keep = [j for j, n in enumerate(names) if n.lower() not in ("frame", "sub frame", "")]
    emg = [j for j in keep if "emg" in names[j].lower()]
    if emg:
        keep = emg
    if not keep:
        raise InvalidInput(f"{source}: Vicon export has no analog columns")
    chans = [names[j] for j in keep]
    arr = np.ascontiguousarray(data[keep])
    check_data(arr, chans, source, first_row=6)
    return Recording(
        data=arr,
        fs=fs,
        channels=tuple(chans),
        units=tuple(units[j] if j < len(units) else "" for j in keep),
        source=str(source),
    )


def read_csv(path: Path, *, fs: float | None = None) -> Recording:
    """Read a delimited text recording.

    Parameters
    ----------
    path : Path
        The file.
    fs : float, optional
        Sampling rate in Hz; required when the file has no time column (and no
        ``# Sampling Rate`` comment). Overrides both when given.

    Raises
    ------
    InvalidInput
        For empty, truncated or malformed files, NaN or empty channels, or a missing rate.
    """
    source = display(path)
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        raise InvalidInput(f"{source}: cannot read file ({exc.strerror})") from None
    raw_lines = text.splitlines()
    comment_fs: float | None = None
    comment_labels: list[str] | None = None
    lines: list[str] = []
    first_line_no = 1
    for k, ln in enumerate(raw_lines):
        s = ln.strip()
        if s.startswith("#"):
            m = _FS_COMMENT.search(s)
            if m and _is_number(m.group(1)):
                comment_fs = float(m.group(1))
            m = _LABELS_COMMENT.search(s)
            if m:
                comment_labels = [x.strip() for x in re.split(r"[,\t;]", m.group(1)) if x.strip()]
            if not lines:
                first_line_no = k + 2
            continue
        if not lines and not s:
            first_line_no = k + 2
            continue
        lines.append(ln)
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise InvalidInput(f"{source}: file has no data rows")
    if lines[0].split(",")[0].strip().lower() == "devices":
        rec = _vicon(lines, source)
        if fs is not None:
            rec = Recording(rec.data, fs, rec.channels, rec.units, rec.source)
        return rec

    delim = _sniff_delimiter(lines[0])
    first = _split(lines[0], delim)
    has_header = not all(_is_number(f) for f in first if f != "")
    if has_header:
        names = first
        if any(n == "" for n in names):
            raise InvalidInput(f"{source}: header row has an empty column name")
        body = lines[1:]
        body_row = first_line_no + 1
    else:
        names = []
        body = lines
        body_row = first_line_no
    if not body:
        raise InvalidInput(f"{source}: file has a header but no data rows")
    ncols = len(first)
    if not has_header:
        if comment_labels and len(comment_labels) == ncols:
            names = comment_labels
        else:
            names = [f"EMG{i + 1}" for i in range(ncols)]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise InvalidInput(f"{source}: duplicate column names in header: {', '.join(dup)}")
    data = _parse_block(body, delim, ncols, source, body_row)

    time_idx = [j for j, n in enumerate(names) if _TIME_NAMES.match(n.strip())]
    if len(data) == 1 and len(names) == 1 and time_idx:
        raise InvalidInput(f"{source}: the only column is a time column; no channels")
    chan_idx = [j for j in range(ncols) if j not in time_idx[:1]]
    chans = [names[j] for j in chan_idx]
    arr = np.ascontiguousarray(data[chan_idx])
    check_data(arr, chans, source, first_row=body_row)
    if fs is None:
        if time_idx:
            t = data[time_idx[0]]
            if not np.isfinite(t).all():
                raise InvalidInput(f"{source}: time column has missing values")
            if "ms" in names[time_idx[0]].lower():
                t = t / 1000.0
            fs = infer_fs(t, source)
        elif comment_fs is not None:
            fs = comment_fs
        else:
            raise InvalidInput(
                f"{source}: no time column and no sampling rate; pass --fs HZ (fs=...)"
            )
    return Recording(data=arr, fs=fs, channels=tuple(chans), source=source)
