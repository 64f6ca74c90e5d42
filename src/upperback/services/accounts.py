"""Use cases of accounts: create logins, check passwords, disable and enable logins.

Passwords are stored only as argon2id hashes. Unknown usernames are checked against a
dummy hash so a login attempt takes the same time whether or not the user exists. The
hash is checked outside any transaction: a slow argon2 verification holds no database lock.
Sessions and API tokens live in `auth_sessions`, the second factor in `second_factor`.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from upperback.errors import Conflict, InvalidInput, NotFound
from upperback.services.access import Actor, audit, client_for, require_clinician
from upperback.services.database import Database
from upperback.store.tables import (
    AccountRow,
    AccountSecurityRow,
    ApiTokenRow,
    ClinicianRow,
    LoginSessionRow,
)

_HASHER = PasswordHasher()
# Verified when the username is unknown, so both paths cost one argon2 verification.
_DUMMY_HASH = _HASHER.hash("upperback-dummy-password-for-timing")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 200
# zxcvbn score 0-4 (log10 guesses < 3, 6, 8, 10, above) [design]: 2 refuses dictionary words,
# keyboard runs, dates and the username, and keeps passphrases such as "demo-clinician".
MIN_STRENGTH = 2
TOKEN_MAX_AGE_S = 12 * 3600
# One argon2 verification at a time per process [design]: each uses 64 MiB and all cores
# (4 lanes), so a flood of login attempts queues behind itself instead of starving other
# users' requests of CPU and memory. A queue longer than HASH_WAIT_S refuses the attempt.
_HASH_SLOT = threading.BoundedSemaphore(1)
HASH_WAIT_S = 10.0


class LoginBusy(Exception):
    """Too many logins being checked at once; the caller should retry in a moment."""


@dataclass(frozen=True)
class Account:
    """A login as the adapters see it (never carries the hash)."""

    id: int
    username: str
    role: str
    clinician_id: int | None
    client_id: int | None

    def actor(self) -> Actor:
        return Actor(
            role=self.role,
            clinician_id=self.clinician_id,
            client_id=self.client_id,
            name=self.username,
        )


def _account(row: AccountRow) -> Account:
    return Account(row.id, row.username, row.role, row.clinician_id, row.client_id)


def check_password_policy(password: str, *related: str) -> None:
    """Refuse short, long or guessable passwords (common words, sequences, the username)."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password: use at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"password: use at most {MAX_PASSWORD} characters")
    if zxcvbn(password, user_inputs=[r for r in related if r])["score"] < MIN_STRENGTH:
        raise InvalidInput(
            "password: too easy to guess; use a few unrelated words or a longer phrase"
        )


def _check_credentials(username: str, password: str) -> str:
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise InvalidInput(
            "username: use 2-60 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    check_password_policy(password, name)
    return name


def account_row_active(s: Session, row: AccountRow) -> bool:
    """False for a disabled login."""
    sec = s.get(AccountSecurityRow, row.id)
    return sec is None or not sec.disabled


def _insert(db: Database, row: AccountRow, actor: Actor | None) -> Account:
    with db.uow(write=True) as uow:
        s = uow.session
        if s.scalars(select(AccountRow).where(AccountRow.username == row.username)).first():
            raise Conflict(f"username: {row.username!r} is taken")
        if row.client_id is not None and actor is not None:
            client_for(s, actor, row.client_id)
            if s.scalars(select(AccountRow).where(AccountRow.client_id == row.client_id)).first():
                raise Conflict(f"client {row.client_id} already has a login")
        s.add(row)
        s.flush()
        if actor is not None:
            audit(s, actor, "account.create", row.client_id)
        account = _account(row)
        uow.commit()
        return account


def create_clinician_account(db: Database, name: str, username: str, password: str) -> Account:
    """A new clinician with their own login (administrative set-up, not a public sign-up)."""
    uname = _check_credentials(username, password)
    if not name.strip():
        raise InvalidInput("name: give the clinician's name")
    with db.uow(write=True) as uow:
        if uow.session.scalars(select(AccountRow).where(AccountRow.username == uname)).first():
            raise Conflict(f"username: {uname!r} is taken")
        clinician = ClinicianRow(name=name.strip())
        uow.session.add(clinician)
        uow.session.flush()
        row = AccountRow(
            username=uname,
            password_hash=_HASHER.hash(password),
            role="clinician",
            clinician_id=clinician.id,
        )
        uow.session.add(row)
        uow.session.flush()
        account = _account(row)
        uow.commit()
        return account


def create_account_for_clinician(
    db: Database, clinician_id: int, username: str, password: str
) -> Account:
    """A login for an existing clinician row (for example the CLI's local clinician)."""
    uname = _check_credentials(username, password)
    row = AccountRow(
        username=uname,
        password_hash=_HASHER.hash(password),
        role="clinician",
        clinician_id=clinician_id,
    )
    return _insert(db, row, None)


def create_client_account(
    db: Database, actor: Actor, client_id: int, username: str, password: str
) -> Account:
    """A clinician gives one of their own clients a login (sees only their own record)."""
    require_clinician(actor, "create client logins")
    uname = _check_credentials(username, password)
    row = AccountRow(
        username=uname,
        password_hash=_HASHER.hash(password),
        role="client",
        client_id=client_id,
    )
    return _insert(db, row, actor)


def authenticate(db: Database, username: str, password: str) -> Account | None:
    """The account if the password matches and the login is enabled, else None.

    Same cost for unknown usernames; the argon2 check runs with no transaction open.
    """
    name = username.strip().lower()
    with db.uow() as uow:
        row = uow.session.scalars(select(AccountRow).where(AccountRow.username == name)).first()
        stored = row.password_hash if row is not None else _DUMMY_HASH
        active = row is not None and account_row_active(uow.session, row)
        account = _account(row) if row is not None else None
    if not _HASH_SLOT.acquire(timeout=HASH_WAIT_S):
        raise LoginBusy
    try:
        _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    finally:
        _HASH_SLOT.release()
    if account is None or not active:
        return None
    if _HASHER.check_needs_rehash(stored):  # parameters moved on: upgrade quietly
        new_hash = _HASHER.hash(password)
        with db.uow(write=True) as uow:
            live = uow.session.get(AccountRow, account.id)
            if live is not None and live.password_hash == stored:
                live.password_hash = new_hash
                uow.commit()
    return account


def account_by_id(db: Database, account_id: int) -> Account | None:
    with db.uow() as uow:
        row = uow.session.get(AccountRow, account_id)
        if row is None or not account_row_active(uow.session, row):
            return None
        return _account(row)


def set_disabled(db: Database, actor: Actor | None, username: str, disabled: bool) -> Account:
    """Disable (or re-enable) a login; disabling ends its sessions and tokens at once.

    A clinician may do this for their own clients' logins; `actor=None` is the local
    administrator (the CLI on the server).
    """
    name = username.strip().lower()
    with db.uow(write=True) as uow:
        s = uow.session
        row = s.scalars(select(AccountRow).where(AccountRow.username == name)).first()
        if row is None:
            raise NotFound(f"account {name!r} not found")
        if actor is not None:
            require_clinician(actor, "disable logins")
            if row.client_id is None:
                raise NotFound(f"account {name!r} not found")
            client_for(s, actor, row.client_id)
        sec = s.get(AccountSecurityRow, row.id)
        if sec is None:
            sec = AccountSecurityRow(account_id=row.id, disabled=False, totp_enabled=False)
            s.add(sec)
        sec.disabled = disabled
        if disabled:
            s.execute(delete(LoginSessionRow).where(LoginSessionRow.account_id == row.id))
            s.execute(delete(ApiTokenRow).where(ApiTokenRow.account_id == row.id))
        audit(
            s, actor or "admin:local", "account.disable" if disabled else "account.enable",
            row.client_id, target=f"account {row.username}",
        )  # fmt: skip
        account = _account(row)
        uow.commit()
        return account


@dataclass(frozen=True)
class ClientLogin:
    """A client's login as their clinician sees it on the account page."""

    username: str
    client_id: int
    client_name: str
    disabled: bool


def client_logins(db: Database, actor: Actor) -> list[ClientLogin]:
    """The logins of the clinician's own clients (bounded by their client list)."""
    from upperback.store.tables import ClientRow

    clinician_id = require_clinician(actor, "see client logins")
    with db.uow() as uow:
        s = uow.session
        rows = s.execute(
            select(AccountRow, ClientRow.name)
            .join(ClientRow, ClientRow.id == AccountRow.client_id)
            .where(ClientRow.clinician_id == clinician_id)
            .order_by(ClientRow.name)
            .limit(500)
        ).all()
        return [
            ClientLogin(a.username, a.client_id or 0, n, not account_row_active(s, a))
            for a, n in rows
        ]
