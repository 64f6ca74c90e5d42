"""Program versions stored as changes: a packed snapshot now and then, JSON Patches between.

Every logged session that adapts the program makes a new version. Storing each version
whole cost about 175 KB per log; storing what changed (RFC 6902 JSON Patch against the
previous version) costs tens of bytes to a few KB. A version is materialised from the
nearest snapshot at or below it plus the patches after it. A snapshot (zlib-packed JSON,
about 9 KB) is stored every :data:`SNAPSHOT_EVERY` versions, and whenever the patch would be
larger than the packed document (a new plan or a re-plan), so no read replays more than
SNAPSHOT_EVERY - 1 patches.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from typing import Any

import jsonpatch

#: At most this many versions between snapshots. [design] 16 keeps a read at one snapshot
#: plus <= 15 small patches while snapshots add ~185 KB / 16 ~ 12 KB per version on average
#: only for clients whose every log adapts the program.
SNAPSHOT_EVERY = 16
#: Patches up to this size are stored without weighing them against a snapshot. [design]
SMALL_PATCH = 2048
#: zlib level of stored snapshots: 175 KB of program JSON packs to about 9 KB. [design]
PACK_LEVEL = 6

Doc = dict[str, Any]


def diff(old: Any, new: Any, path: str = "") -> list[dict[str, Any]]:
    """A JSON Patch turning `old` into `new`: equal branches are skipped (a C-level `==`),
    changed dicts and same-length lists are descended, anything else is replaced whole.

    Program documents keep their shape between versions (the same phases, weeks and
    sessions, prescriptions changed in place), so this finds small patches fast; a generic
    minimal diff (moves, inserts) would cost far more CPU per logged session.
    """
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict) and old.keys() == new.keys():
        return [op for k in old for op in diff(old[k], new[k], f"{path}/{_escape(k)}")]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [
            op
            for i, (a, b) in enumerate(zip(old, new, strict=True))
            for op in diff(a, b, f"{path}/{i}")
        ]
    return [{"op": "replace", "path": path, "value": new}]


def _escape(key: str) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def apply(doc: Doc, patch: list[dict[str, Any]]) -> Doc:
    """Apply a stored patch (in place on `doc`, which is returned)."""
    result: Doc = jsonpatch.apply_patch(doc, patch, in_place=True)
    return result


def materialise(snapshot: Doc, patches: Iterable[list[dict[str, Any]]]) -> Doc:
    """The document after applying `patches` in order to `snapshot` (changed in place: pass
    a freshly loaded document)."""
    doc = snapshot
    for p in patches:
        doc = apply(doc, p)
    return doc


def encode(
    version: int, previous: Doc | None, document: Doc
) -> tuple[Doc | None, list[dict[str, Any]] | None]:
    """(document, None) for a snapshot or (None, patch) for a change against `previous`."""
    if previous is None or version % SNAPSHOT_EVERY == 1 or SNAPSHOT_EVERY == 1:
        return document, None
    patch = diff(previous, document)
    size = len(json.dumps(patch))
    if size > SMALL_PATCH and size >= len(pack(document)):
        return document, None
    return None, patch


def pack(doc: Doc) -> bytes:
    """A document as zlib-compressed compact JSON (how snapshots are stored)."""
    return zlib.compress(json.dumps(doc, separators=(",", ":")).encode(), PACK_LEVEL)


def unpack(raw: bytes | str) -> Doc:
    """A stored snapshot: packed, or plain JSON text written before packing existed."""
    if isinstance(raw, str):
        text = raw
    elif raw[:1] in (b"{", b"["):
        text = raw.decode()
    else:
        text = zlib.decompress(raw).decode()
    result: Doc = json.loads(text)
    return result


def copy(doc: Doc) -> Doc:
    """A deep copy of a JSON document (patches apply in place)."""
    result: Doc = json.loads(json.dumps(doc))
    return result
