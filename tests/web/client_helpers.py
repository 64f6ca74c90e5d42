"""Helpers of the client-side web tests: the guided-session payload, scanning client text."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from upperback.feedback.table import RULE_TABLE
from upperback.knowledge.loader import exercise_library
from upperback.services.database import Database
from upperback.store.tables import SessionLogRow

_TAG = re.compile(r"\[(?:V|K|U|design)(?:[ ,;/][^\]]*)?\]")
_CITATION = re.compile(
    r"\b(?:[A-Z][a-z]+(?: et al\.?)? (?:19|20)\d{2}[a-z]?)\b|\bPMID\b|\bdoi\b|DOMAIN\.md|"
    r"\bJOSPT\b|\bPMC\d+"
)
_RAW_TEMPO = re.compile(r"\b\d-\d-\d-\d\b")
_JARGON = re.compile(r"\bRPE\b|\bRIR\b|%MVIC|\bUT/|\bLT\b|\bSA\b")


def _visible(page: str) -> str:
    """Page text a person can read: scripts' JSON data kept, tags stripped, entities decoded."""
    page = re.sub(r"<style\b.*?</style>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<(?:title)\b[^>]*>", " ", page)  # SVG titles are read out by screen readers
    text = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(text)


def clinician_words(page: str, *, glossary: bool = False) -> list[str]:
    """Every id, rule name, evidence tag, citation or unexplained shorthand found."""
    text = _visible(page)
    found: list[str] = []
    for ex_id in exercise_library().by_id:
        if re.search(rf"\b{re.escape(ex_id)}\b", text):
            found.append(ex_id)
    found += [r.rule_id for r in RULE_TABLE if r.rule_id in text]
    found += _TAG.findall(text) + _CITATION.findall(text)
    if not glossary:  # the glossary is where RPE, RIR and tempo numbers are explained
        found += _RAW_TEMPO.findall(text) + _JARGON.findall(text)
    return found


def session_data(client: TestClient) -> dict[str, Any]:
    page = client.get("/me/session").text
    m = re.search(r'id="session-data">(.*?)</script>', page, re.S)
    assert m, "no session data on the guided page"
    data: dict[str, Any] = json.loads(m.group(1))
    return data


def full_draft(data: dict[str, Any], pain: float = 1, effort: float = 5) -> dict[str, Any]:
    sets = [
        {"ex": i, "set": k, "lost_form": False}
        for i, e in enumerate(data["exercises"])
        for k in range(1, e["sets"] + 1)
    ]
    ratings = [{"ex": i, "pain": pain, "effort": effort} for i in range(len(data["exercises"]))]
    return {
        "week": data["week"],
        "index": data["index"],
        "sets": sets,
        "ratings": ratings,
        "position": {"ex": len(data["exercises"]) - 1, "set": 1, "stage": 2},
    }


def move_session_to_yesterday(db_path: Path, log_id: int | None = None) -> int:
    """Make the newest logged session yesterday's, so its next-morning check-in is due today."""
    db = Database.open(db_path, migrate_schema=False)
    try:
        with db.engine.begin() as conn:
            if log_id is None:
                log_id = int(
                    conn.execute(
                        SessionLogRow.__table__.select().order_by(SessionLogRow.id.desc()).limit(1)
                    )
                    .first()
                    .id
                )
            conn.execute(
                update(SessionLogRow)
                .where(SessionLogRow.id == log_id)
                .values(date=dt.date.today() - dt.timedelta(days=1))
            )
        return log_id
    finally:
        db.close()
