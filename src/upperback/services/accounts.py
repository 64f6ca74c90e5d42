"""Use cases of accounts: create logins, check passwords, issue and read API tokens.

Passwords are stored only as argon2id hashes. Unknown usernames are checked against a
dummy hash so a login attempt takes the same time whether or not the user exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from upperback.errors import Conflict, InvalidInput
from upperback.services.access import Actor, audit, client_for, require_clinician
from upperback.services.database import Database
from upperback.store.tables import AccountRow, ClinicianRow

_HASHER = PasswordHasher()
# Verified when the username is unknown, so both paths cost one argon2 verification.
_DUMMY_HASH = _HASHER.hash("upperback-dummy-password-for-timing")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")
MIN_PASSWORD = 8
TOKEN_SALT = "upperback.api-token"
TOKEN_MAX_AGE_S = 12 * 3600


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


def _check_credentials(username: str, password: str) -> str:
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise InvalidInput(
            "username: use 2-60 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password: use at least {MIN_PASSWORD} characters")
    return name


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
    """The account if the password matches, else None; same cost for unknown usernames."""
    name = username.strip().lower()
    with db.uow(write=True) as uow:
        row = uow.session.scalars(select(AccountRow).where(AccountRow.username == name)).first()
        stored = row.password_hash if row is not None else _DUMMY_HASH
        try:
            _HASHER.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if _HASHER.check_needs_rehash(stored):  # parameters moved on: upgrade quietly
            row.password_hash = _HASHER.hash(password)
            uow.commit()
        return _account(row)


def account_by_id(db: Database, account_id: int) -> Account | None:
    with db.uow() as uow:
        row = uow.session.get(AccountRow, account_id)
        return _account(row) if row is not None else None


def issue_token(secret_key: str, account: Account) -> str:
    """A signed, timestamped bearer token naming the account (expires after TOKEN_MAX_AGE_S)."""
    return URLSafeTimedSerializer(secret_key, salt=TOKEN_SALT).dumps({"a": account.id})


def read_token(secret_key: str, token: str, *, max_age_s: int = TOKEN_MAX_AGE_S) -> int | None:
    """The account id in a valid, unexpired token; None for anything else."""
    try:
        data = URLSafeTimedSerializer(secret_key, salt=TOKEN_SALT).loads(token, max_age=max_age_s)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        return None
    return int(data["a"])
