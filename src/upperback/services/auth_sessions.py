"""Server-side page sessions and revocable API tokens.

The browser cookie and the bearer token carry only a random secret; the database keeps its
SHA-256 and the account. Logout deletes the row, so a copied cookie stops working at once;
tokens can be listed and revoked. Nothing is kept in process memory (several workers agree).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, bindparam, delete, select

from upperback.errors import NotFound
from upperback.services.access import audit
from upperback.services.accounts import Account
from upperback.services.database import Database
from upperback.services.login_limit import utcnow
from upperback.store.tables import AccountRow, AccountSecurityRow, ApiTokenRow, LoginSessionRow

TOKEN_PREFIX = "ubt_"
MAX_TOKENS_PER_ACCOUNT = 20


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class TokenInfo:
    """A token as its owner sees it (never the secret)."""

    id: int
    label: str
    created: dt.datetime
    expires: dt.datetime
    address: str | None


def start_session(db: Database, account: Account, address: str | None, max_age_s: int) -> str:
    """A new session for the account; returns the secret the cookie carries."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    with db.uow(write=True) as uow:
        s = uow.session
        s.execute(delete(LoginSessionRow).where(LoginSessionRow.expires < now))
        s.add(
            LoginSessionRow(
                id=digest(secret),
                account_id=account.id,
                created=now,
                expires=now + dt.timedelta(seconds=max_age_s),
                address=(address or "")[:64] or None,
            )
        )
        audit(s, account.actor(), "login", account.client_id)
        uow.commit()
    return secret


def _credential_owner(credential: Any, key: Any) -> Select[Any]:
    """The account behind a stored credential (the session or token row whose `key` is the
    secret's hash), with the credential's expiry and the account's disabled flag: one
    query, asked on every request (nothing cached, so a logout, a revoked token or a
    disabled login counts at once)."""
    return (
        select(
            AccountRow.id,
            AccountRow.username,
            AccountRow.role,
            AccountRow.clinician_id,
            AccountRow.client_id,
            credential.expires,
            AccountSecurityRow.disabled,
        )
        .join(AccountRow, AccountRow.id == credential.account_id)
        .outerjoin(AccountSecurityRow, AccountSecurityRow.account_id == AccountRow.id)
        .where(key == bindparam("hashed"))
        .limit(1)
    )


_SESSION_OWNER = _credential_owner(LoginSessionRow, LoginSessionRow.id)
_TOKEN_OWNER = _credential_owner(ApiTokenRow, ApiTokenRow.secret_hash)


def _live_owner(db: Database, query: Select[Any], secret: str) -> Account | None:
    """The account if the credential exists, has not expired and its login is enabled.

    One statement needs no transaction around it: on a database server it runs in
    autocommit (no BEGIN and ROLLBACK round trips; two per request saved). SQLite keeps
    its deferred BEGIN (store.db), which costs no round trip."""
    with db.engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            conn.execution_options(isolation_level="AUTOCOMMIT")
        row = conn.execute(query, {"hashed": digest(secret)}).first()
    if row is None or row.expires < utcnow() or row.disabled:
        return None
    return Account(row.id, row.username, row.role, row.clinician_id, row.client_id)


def session_account(db: Database, secret: str) -> Account | None:
    """The account of a live session; None once logged out, expired or disabled."""
    return _live_owner(db, _SESSION_OWNER, secret)


def end_session(db: Database, secret: str) -> None:
    with db.uow(write=True) as uow:
        uow.session.execute(delete(LoginSessionRow).where(LoginSessionRow.id == digest(secret)))
        uow.commit()


def end_all_sessions(db: Database, account_id: int) -> None:
    """Log an account out everywhere (all page sessions and all API tokens)."""
    with db.uow(write=True) as uow:
        s = uow.session
        s.execute(delete(LoginSessionRow).where(LoginSessionRow.account_id == account_id))
        s.execute(delete(ApiTokenRow).where(ApiTokenRow.account_id == account_id))
        uow.commit()


def issue_api_token(
    db: Database, account: Account, label: str, address: str | None, max_age_s: int
) -> str:
    """A new bearer token (shown once); the oldest are dropped beyond MAX_TOKENS_PER_ACCOUNT."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    with db.uow(write=True) as uow:
        s = uow.session
        s.execute(delete(ApiTokenRow).where(ApiTokenRow.expires < now))
        ids = list(
            s.scalars(
                select(ApiTokenRow.id)
                .where(ApiTokenRow.account_id == account.id)
                .order_by(ApiTokenRow.id.desc())
            )
        )
        if len(ids) >= MAX_TOKENS_PER_ACCOUNT:
            s.execute(
                delete(ApiTokenRow).where(ApiTokenRow.id.in_(ids[MAX_TOKENS_PER_ACCOUNT - 1 :]))
            )
        s.add(
            ApiTokenRow(
                account_id=account.id,
                secret_hash=digest(secret),
                label=(label.strip() or "api")[:80],
                created=now,
                expires=now + dt.timedelta(seconds=max_age_s),
                address=(address or "")[:64] or None,
            )
        )
        audit(s, account.actor(), "token.issue", account.client_id)
        uow.commit()
    return secret


def token_account(db: Database, secret: str) -> Account | None:
    """The account of a live, unrevoked token; None for anything else."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    return _live_owner(db, _TOKEN_OWNER, secret)


def revoke_secret(db: Database, account: Account, secret: str) -> None:
    """Revoke the token with this secret (API logout)."""
    with db.uow(write=True) as uow:
        s = uow.session
        s.execute(
            delete(ApiTokenRow).where(
                ApiTokenRow.secret_hash == digest(secret), ApiTokenRow.account_id == account.id
            )
        )
        audit(s, account.actor(), "token.revoke", account.client_id, target="own token (logout)")
        uow.commit()


def list_tokens(db: Database, account: Account) -> list[TokenInfo]:
    with db.uow() as uow:
        rows = uow.session.scalars(
            select(ApiTokenRow)
            .where(ApiTokenRow.account_id == account.id, ApiTokenRow.expires >= utcnow())
            .order_by(ApiTokenRow.id)
        )
        return [TokenInfo(r.id, r.label, r.created, r.expires, r.address) for r in rows]


def revoke_token(db: Database, account: Account, token_id: int) -> None:
    """Revoke one of the account's own tokens (another account's token is 'not found')."""
    with db.uow(write=True) as uow:
        s = uow.session
        row = s.get(ApiTokenRow, token_id)
        if row is None or row.account_id != account.id:
            raise NotFound(f"token {token_id} not found")
        s.delete(row)
        audit(s, account.actor(), "token.revoke", account.client_id, target=f"token {token_id}")
        uow.commit()


def count_sessions(db: Database, account: Account) -> int:
    with db.uow() as uow:
        rows = uow.session.scalars(
            select(LoginSessionRow.id).where(
                LoginSessionRow.account_id == account.id, LoginSessionRow.expires >= utcnow()
            )
        )
        return len(list(rows))
