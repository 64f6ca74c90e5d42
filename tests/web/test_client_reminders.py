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
        conn.execute(
            update(ClientRow).where(ClientRow.id == world.a_client).values(email="alex@example.org")
        )
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _smtp_server(received: list[bytes]) -> tuple[object, int]:
    """A real SMTP server on loopback (aiosmtpd) keeping every message it accepts."""
    aiosmtpd = pytest.importorskip("aiosmtpd.controller")
    from aiosmtpd.handlers import Sink

    class Keep(Sink):
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            received.append(envelope.content)
            return "250 OK"

    port = _free_port()
    ctl = aiosmtpd.Controller(Keep(), hostname="127.0.0.1", port=port)
    ctl.start()
    return ctl, port


def test_reminders_go_through_a_local_smtp_server_once(world: World) -> None:
    received: list[bytes] = []
    ctl, port = _smtp_server(received)
    try:
        db, day = _setup(world)
        demo = authenticate(db, "demo", "demo-clinician")
        assert demo is not None
        cfg = SmtpConfig.from_env(
            {
                "UPPERBACK_SMTP_HOST": "127.0.0.1",
                "UPPERBACK_SMTP_PORT": str(port),
                "UPPERBACK_SMTP_FROM": "clinic@example.org",
            }
        )
        assert cfg is not None
        assert send_reminders(db, demo.actor(), day, cfg) == 1
        assert send_reminders(db, demo.actor(), day, cfg) == 0  # never twice
        msg = message_from_bytes(received[0])
        assert msg["To"] == "alex@example.org" and msg["From"] == "clinic@example.org"
        body = msg.get_payload()
        assert "exercise day" in str(body) and "_" not in str(body)
        db.close()
    finally:
        ctl.stop()  # type: ignore[attr-defined]


def test_remind_command_sends_once_and_nothing_without_smtp(world: World) -> None:
    from typer.testing import CliRunner

    from upperback.cli.app import app

    db, day = _setup(world)
    db.close()
    run = CliRunner()
    base = ["remind", "--db", str(world.path), "--date", day.isoformat()]
    off = run.invoke(app, base, env={"UPPERBACK_SMTP_HOST": ""})
    assert off.exit_code == 0
    assert off.stdout.strip() == (
        f"reminders: 1 due on {day}; SMTP is not configured (set UPPERBACK_SMTP_HOST): nothing sent"
    )
    down = run.invoke(
        app,
        base,
        env={"UPPERBACK_SMTP_HOST": "127.0.0.1", "UPPERBACK_SMTP_PORT": str(_free_port())},
    )
    assert down.exit_code == 2 and "SMTP 127.0.0.1" in down.output
    assert len(down.output.strip().splitlines()) == 1 and "Traceback" not in down.output
    received: list[bytes] = []
    ctl, port = _smtp_server(received)
    try:
        env = {"UPPERBACK_SMTP_HOST": "127.0.0.1", "UPPERBACK_SMTP_PORT": str(port)}
        dry = run.invoke(app, [*base, "--dry-run"], env=env)
        assert dry.exit_code == 0 and "1 due" in dry.stdout and received == []
        sent = run.invoke(app, base, env=env)
        assert sent.exit_code == 0 and "reminders: 1 sent" in sent.stdout, sent.output
        assert len(received) == 1
        assert message_from_bytes(received[0])["To"] == "alex@example.org"
        again = run.invoke(app, base, env=env)
        assert "reminders: 0 sent" in again.stdout and len(received) == 1
    finally:
        ctl.stop()  # type: ignore[attr-defined]
    bad = run.invoke(app, [*base, "--date", "tomorrow"])
    assert bad.exit_code == 2 and len(bad.output.strip().splitlines()) == 1
