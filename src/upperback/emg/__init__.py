"""sEMG engine, by stage: ``readers`` (files in), ``offline`` (analysis of a recording),
``live`` (block-by-block feedback), ``exposure`` (workday amplitude metrics).

Public API::

    from upperback.emg import read_recording, analyze_recording
    rec = read_recording("trial.csv", fs=2000)
    result = analyze_recording(rec, mvc=read_recording("mvc.csv", fs=2000))
    print(result.model_dump_json())

Names resolve lazily (PEP 562), so a reader's child process imports no signal processing.
The first ``analyze_recording`` lookup imports the readers at once and the analysis stack
(SciPy, about 0.9 CPU s) in a background thread, which then overlaps the file read in the
reader's child process; calling it waits for that import.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from upperback.emg.offline.analysis import analyze_recording
    from upperback.emg.readers import read_recording
    from upperback.emg.recording import Recording

__all__ = ["Recording", "analyze_recording", "read_recording"]


_prefetch: list[threading.Thread] = []
_prefetch_lock = threading.Lock()


def _import_analysis() -> None:
    try:
        import upperback.emg.offline.analysis  # noqa: F401
    except Exception:  # the caller's own import reports it
        return


def _start_prefetch() -> None:
    """Import the analysis stack in a background thread (once).

    What a read needs (readers, the child-process reader) is imported first, in the
    caller's thread, so the two threads never import the same modules at the same time.
    """
    import sys

    with _prefetch_lock:
        if _prefetch or "upperback.emg.offline.analysis" in sys.modules:
            return
        import contextlib
        import importlib

        import upperback.emg.readers  # noqa: F401

        # The child-process reader, which the file readers import when first called.
        with contextlib.suppress(ImportError):
            importlib.import_module("upperback.emg.readers.isolated")

        t = threading.Thread(target=_import_analysis, name="upperback-emg-import")
        _prefetch.append(t)
        t.start()


def _analyze_recording(recording: Recording, **kwargs: Any) -> Any:
    """Analyse a recording: see :func:`upperback.emg.offline.analysis.analyze_recording`
    (this front waits for the background import started by the first lookup)."""
    for t in _prefetch:
        t.join()
    from upperback.emg.offline.analysis import analyze_recording

    return analyze_recording(recording, **kwargs)


def __getattr__(name: str) -> Any:
    if name == "analyze_recording":
        import sys

        mod = sys.modules.get("upperback.emg.offline.analysis")
        if mod is not None and not _prefetch:
            return mod.analyze_recording
        _start_prefetch()
        return _analyze_recording
    if name == "read_recording":
        from upperback.emg.readers import read_recording

        return read_recording
    if name == "Recording":
        from upperback.emg.recording import Recording

        return Recording
    raise AttributeError(f"module 'upperback.emg' has no attribute {name!r}")
