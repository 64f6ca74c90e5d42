"""WFDB reader (wfdb): ``NAME.hea`` + ``NAME.dat``; physical units from the header."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from upperback.emg.readers._common import check_data, display
from upperback.emg.recording import Recording
from upperback.errors import InvalidInput


def _rdrecord(wfdb: Any, record_path: Path) -> Any:
    """``wfdb.rdrecord``, tolerating renamed copies whose header names another .dat file.

    PhysioNet headers name their signal file (``emg_healthy.dat``); a copy renamed to
    ``physionet_emgdb_emg_healthy.hea/.dat`` still points at the old name. When that file is
    missing but ``<record>.dat`` exists, the record is read through a temporary directory
    holding the header and a link with the expected name.
    """
    header = wfdb.rdheader(str(record_path))
    wanted = {str(f) for f in (header.file_name or [])}
    missing = [f for f in wanted if not (record_path.parent / f).exists()]
    own_dat = record_path.with_suffix(".dat")
    if not missing:
        return wfdb.rdrecord(str(record_path))
    if len(wanted) != 1 or not own_dat.exists():
        raise InvalidInput(f"{record_path.name}.hea: signal file {missing[0]} not found")
    with tempfile.TemporaryDirectory() as tmp:
        tdir = Path(tmp)
        shutil.copy(record_path.with_suffix(".hea"), tdir / (record_path.name + ".hea"))
        (tdir / missing[0]).symlink_to(own_dat.resolve())
        return wfdb.rdrecord(str(tdir / record_path.name))


def read_wfdb(path: Path, *, fs: float | None = None) -> Recording:
    """Read a WFDB record given its ``.hea`` or ``.dat`` path (or the record name)."""
    import wfdb

    record_path = path.with_suffix("") if path.suffix in (".hea", ".dat") else path
    source = display(path)
    if not record_path.with_suffix(".hea").exists():
        raise InvalidInput(f"{source}: WFDB header {record_path.name}.hea not found")
    try:
        rec = _rdrecord(wfdb, record_path)
    except InvalidInput:
        raise
    except Exception as exc:  # wfdb raises ValueError/IndexError/OSError for bad files
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidInput(f"{source}: cannot read WFDB record ({first[:120]})") from None
    if rec.p_signal is None or rec.p_signal.size == 0:
        raise InvalidInput(f"{source}: WFDB record has no samples")
    data = np.ascontiguousarray(np.asarray(rec.p_signal, dtype=np.float64).T)
    names = [str(s) for s in (rec.sig_name or [f"EMG{i + 1}" for i in range(data.shape[0])])]
    if len(set(names)) != len(names):
        names = [f"{n}{i + 1}" for i, n in enumerate(names)]
    check_data(data, names, source)
    units = [str(u) for u in (rec.units or [""] * data.shape[0])]
    return Recording(
        data=data,
        fs=fs if fs is not None else float(rec.fs),
        channels=tuple(names),
        units=tuple(units),
        source=source,
    )
