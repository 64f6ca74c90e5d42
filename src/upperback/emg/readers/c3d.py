"""C3D reader (ezc3d): analog channels. When some analog labels contain ``EMG`` (Vicon
"Muscle.EMGn" labels), only those are kept; force and other analogs are dropped."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from upperback.emg.readers._common import check_data, display
from upperback.emg.recording import Recording
from upperback.errors import InvalidInput


def check_header(path: Path) -> None:
    """Refuse files whose header is not C3D before any native code sees them."""
    with path.open("rb") as fh:
        raw = fh.read(512)
    # C3D header: byte 2 is the parameter-section key 0x50.
    if len(raw) < 512 or raw[1] != 0x50:
        raise InvalidInput(f"{display(path)}: not a C3D file (bad header)")


def read_c3d(path: Path, *, fs: float | None = None) -> Recording:
    """Read the analog (sEMG) channels of a C3D file, in volts as the file stores them.

    ezc3d runs in a child process (:mod:`.isolated`): a damaged file that crashes it is a
    one-line :class:`InvalidInput`, not a dead server.
    """
    check_header(path)
    from upperback.emg.readers.isolated import read_isolated

    return read_isolated("c3d", path, fs=fs)


def read_c3d_native(path: Path, *, fs: float | None = None) -> Recording:
    """In-process ezc3d read; only :mod:`._worker` calls it (a crash kills the caller)."""
    source = display(path)
    check_header(path)
    import ezc3d

    try:
        c3d = ezc3d.c3d(str(path))
    except Exception as exc:  # ezc3d raises bare RuntimeError/IOError for bad files
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidInput(f"{source}: cannot read C3D file ({first})") from None
    analogs = np.asarray(c3d["data"]["analogs"], dtype=np.float64)
    if analogs.ndim != 3 or analogs.shape[1] == 0 or analogs.shape[2] == 0:
        raise InvalidInput(f"{source}: C3D file has no analog channels")
    params = c3d["parameters"]["ANALOG"]
    labels = [str(s).strip() for s in params["LABELS"]["value"]]
    units_p = params.get("UNITS", {}).get("value", [])
    units = [str(u) for u in units_p] if len(units_p) == len(labels) else [""] * len(labels)
    rate = float(np.asarray(params["RATE"]["value"]).ravel()[0])
    data = analogs[0]
    if len(labels) != data.shape[0]:
        labels = [f"EMG{i + 1}" for i in range(data.shape[0])]
    keep = [i for i, s in enumerate(labels) if "emg" in s.lower()] or list(range(len(labels)))
    names = [labels[i] for i in keep]
    arr = np.ascontiguousarray(data[keep])
    check_data(arr, names, source)
    return Recording(
        data=arr,
        fs=fs if fs is not None else rate,
        channels=tuple(names),
        units=tuple(units[i] for i in keep),
        source=source,
    )
