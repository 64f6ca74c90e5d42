"""Session logs as CSV: one row per performed set (a missed session is one row with no set)."""

from __future__ import annotations

import csv
import io
from typing import Any

from upperback.model.session import SessionLog

COLUMNS = [
    "log_id", "date", "week", "index", "completed", "pain_before", "pain_next_morning",
    "fatigue", "readiness", "exercise_id", "set_index", "reps", "hold_s", "load_kg", "level",
    "rir", "rpe", "pain_during", "emg_ratio", "technique_lost", "new_symptoms", "notes",
]  # fmt: skip


def _safe(value: Any) -> Any:
    """Spreadsheets run cells that start with = + - @ as formulas; text is defused."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def sessions_csv(logs: list[SessionLog]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for log in logs:
        head = [
            log.id, log.date.isoformat(), log.week, log.index, log.completed, log.pain_before,
            log.pain_next_morning, log.fatigue, log.readiness,
        ]  # fmt: skip
        tail = [";".join(log.new_symptoms), log.notes]
        if not log.sets:
            writer.writerow([_safe(v) for v in [*head, *[None] * 11, *tail]])
        for s in log.sets:
            row = [
                s.exercise_id, s.set_index, s.reps, s.hold_s, s.load_kg, s.level, s.rir, s.rpe,
                s.pain_during, s.emg_ratio, s.technique_lost,
            ]  # fmt: skip
            writer.writerow([_safe(v) for v in [*head, *row, *tail]])
    return buf.getvalue()
