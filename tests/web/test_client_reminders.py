"""Email reminders: sent through a real SMTP server on loopback when configured, once each;
nothing at all when SMTP is not configured."""

from __future__ import annotations

import datetime as dt
import socket
from email import message_from_bytes

import pytest
from sqlalchemy import update
from web_helpers import World

from upperback.services.accounts import authenticate
from upperback.services.database import Database
from upperback.services.program import next_view
from upperback.services.reminders import SmtpConfig, due_reminders, send_reminders
from upperback.store.tables import ClientRow


def _setup(world: World) -> tuple[Database, dt.date]:
    db = Database.open(world.path)
    with db.engine.begin() as conn:
        conn.execute(update(ClientRow).where(ClientRow.id == world.a_client).values(
            email="alex@example.org"))
    demo = authenticate(db, "demo", "demo-clinician")
    assert demo is not None
    view = next_view(db, demo.actor(), world.a_client)
    assert view.session is not None
    return db, view.program.session_date(view.session.week, view.session.index)


def test_nothing_is_sent_without_smtp(world: World) -> None:
    db, day = _setup(world)
    demo = authenticate(db, "demo", "demo-clinician")
    assert demo is not None
    assert SmtpConfig.from_env({}) is None
    assert len(due_reminders(db, demo.actor(), day)) == 1  # one is due ...
    assert send_reminders(db, demo.actor(), day, None) == 0  # ... but nothing leaves
    assert len(due_reminders(db, demo.actor(), day)) == 1
    db.close()


def test_reminders_go_through_a_local_smtp_server_once(world: World) -> None:
    aiosmtpd = pytest.importorskip("aiosmtpd.controller")
    from aiosmtpd.handlers import Sink

    received: list[bytes] = []

    class Keep(Sink):
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            received.append(envelope.content)
            return "250 OK"

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    ctl = aiosmtpd.Controller(Keep(), hostname="127.0.0.1", port=port)
    ctl.start()
    try:
        db, day = _setup(world)
        demo = authenticate(db, "demo", "demo-clinician")
        assert demo is not None
        cfg = SmtpConfig.from_env({"UPPERBACK_SMTP_HOST": "127.0.0.1",
                                   "UPPERBACK_SMTP_PORT": str(port),
                                   "UPPERBACK_SMTP_FROM": "clinic@example.org"})
        assert cfg is not None
        assert send_reminders(db, demo.actor(), day, cfg) == 1
        assert send_reminders(db, demo.actor(), day, cfg) == 0  # never twice
        msg = message_from_bytes(received[0])
        assert msg["To"] == "alex@example.org" and msg["From"] == "clinic@example.org"
        body = msg.get_payload()
        assert "exercise day" in str(body) and "_" not in str(body)
        db.close()
    finally:
        ctl.stop()
