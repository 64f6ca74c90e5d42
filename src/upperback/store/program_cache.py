"""Validated program versions kept per process, so a log does not rebuild the program.

Reading the current program used to cost, on every log and every "next session" view, a
snapshot decompress, a JSON parse of ~175 KB, the patch replay and a full pydantic
validation: about a third of a log's CPU. A stored version never changes, so the
validated `Program` (and the document it was materialised from) can be kept and handed
out again while that version is still the newest.

Key: (database URL, program row id, version, row creation time). A row's content never
changes once written, and a database replaced under the same URL (a restore, a fresh demo)
has rows made at other times, so a stale entry cannot be returned. Each web worker keeps
its own cache; nothing is shared between processes, so several workers stay correct (each
asks its database which version is newest on every read). Entries are bounded (LRU).

The `Program` is frozen and shared between callers: use `model_copy(update=...)` to change
it (as every use case does), never mutate its lists in place.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from upperback.model.program import Program

#: Versions kept per process. [design] One entry (validated model + its document) takes
#: about 0.75 MB for a 12-week program (tracemalloc); 256 entries cover the active clients
#: of a clinic's busy hour for about 190 MB per worker at most.
MAX_ENTRIES = 256

Key = tuple[str, int, int, dt.datetime]


@dataclass(frozen=True)
class Cached:
    program: Program
    document: dict[str, Any]


class ProgramCache:
    """A bounded, thread-safe LRU of validated program versions."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Key, Cached] = OrderedDict()
        # the document each handed-out Program came from, by object identity (for the
        # patch of the next version: diff against exactly what is stored)
        self._by_program: dict[int, Key] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Key) -> Program | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry.program

    def put(self, key: Key, program: Program, document: dict[str, Any]) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._by_program.pop(id(old.program), None)
            self._entries[key] = Cached(program, document)
            self._by_program[id(program)] = key
            while len(self._entries) > self.max_entries:
                _key, gone = self._entries.popitem(last=False)
                self._by_program.pop(id(gone.program), None)

    def document_of(self, program: Program) -> dict[str, Any] | None:
        """The stored document `program` was validated from, if it came from this cache.
        Read-only: the caller must not change it."""
        with self._lock:
            key = self._by_program.get(id(program))
            entry = self._entries.get(key) if key is not None else None
            return entry.document if entry is not None and entry.program is program else None

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._by_program.clear()


#: The process's cache (each web worker, CLI run or Dask worker has its own).
PROGRAMS = ProgramCache()
