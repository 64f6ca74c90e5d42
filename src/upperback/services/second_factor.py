"""TOTP second factor (RFC 6238, via pyotp) with one-time recovery codes.

Set-up is two steps: a secret is proposed, and the factor is on only once a code from the
authenticator app has been confirmed (so nobody is locked out by a mistyped secret). A code
is accepted once (replay refused) and one step either side of now (clock drift).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import pyotp
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from upperback.errors import Forbidden, InvalidInput
from upperback.services.access import audit
from upperback.services.accounts import Account
from upperback.services.database import Database
from upperback.store.tables import AccountSecurityRow, RecoveryCodeRow

ISSUER = "upperback"
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (0/o, 1/l/i)


@dataclass(frozen=True)
class TotpSetup:
    secret: str
    uri: str


def _hash(code: str) -> str:
    return hashlib.sha256(
        code.strip().lower().replace("-", "").replace(" ", "").encode()
    ).hexdigest()


def _security(s: Session, account_id: int) -> AccountSecurityRow:
    row = s.get(AccountSecurityRow, account_id)
    if row is None:
        row = AccountSecurityRow(account_id=account_id, disabled=False, totp_enabled=False)
        s.add(row)
    return row


def totp_enabled(db: Database, account_id: int) -> bool:
    with db.uow() as uow:
        row = uow.session.get(AccountSecurityRow, account_id)
        return bool(row is not None and row.totp_enabled and row.totp_secret)


def begin_totp(db: Database, account: Account) -> TotpSetup:
    """Propose a new secret (not active until confirmed); clinicians only."""
    if account.role != "clinician":
        raise Forbidden("the second factor is for clinician logins")
    secret = pyotp.random_base32()
    with db.uow(write=True) as uow:
        row = _security(uow.session, account.id)
        if row.totp_enabled:
            raise InvalidInput("code: the second factor is already on; turn it off first")
        row.totp_secret = secret
        uow.commit()
    uri = pyotp.TOTP(secret).provisioning_uri(name=account.username, issuer_name=ISSUER)
    return TotpSetup(secret, uri)


def pending_setup(db: Database, account: Account) -> TotpSetup | None:
    with db.uow() as uow:
        row = uow.session.get(AccountSecurityRow, account.id)
        if row is None or row.totp_enabled or not row.totp_secret:
            return None
        uri = pyotp.TOTP(row.totp_secret).provisioning_uri(
            name=account.username, issuer_name=ISSUER
        )
        return TotpSetup(row.totp_secret, uri)


def _check_totp(row: AccountSecurityRow, code: str) -> bool:
    if not row.totp_secret:
        return False
    totp = pyotp.TOTP(row.totp_secret)
    digits = code.strip().replace(" ", "")
    if not (digits.isdigit() and len(digits) == 6):
        return False
    now_step = int(totp.timecode(dt.datetime.now()))
    for step in (now_step - 1, now_step, now_step + 1):
        if row.totp_last_step is not None and step <= row.totp_last_step:
            continue
        if secrets.compare_digest(totp.generate_otp(step), digits):
            row.totp_last_step = step
            return True
    return False


def confirm_totp(db: Database, account: Account, code: str) -> list[str]:
    """Turn the factor on with a first code; returns recovery codes (shown once)."""
    with db.uow(write=True) as uow:
        s = uow.session
        row = s.get(AccountSecurityRow, account.id)
        if row is None or not row.totp_secret or row.totp_enabled:
            raise InvalidInput("code: start the set-up first")
        if not _check_totp(row, code):
            raise InvalidInput(
                "code: that code does not match; type the 6 digits the app shows now"
            )
        row.totp_enabled = True
        codes = _new_recovery_codes(s, account.id)
        audit(s, account.actor(), "totp.enable", None)
        uow.commit()
        return codes


def _new_recovery_codes(s: Session, account_id: int) -> list[str]:
    s.execute(delete(RecoveryCodeRow).where(RecoveryCodeRow.account_id == account_id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        s.add(RecoveryCodeRow(account_id=account_id, code_hash=_hash(raw)))
    return codes


def verify_second_factor(db: Database, account_id: int, code: str) -> bool:
    """True for a fresh TOTP code or an unused recovery code (which is then spent)."""
    code = code.strip()[:40]
    if not code:
        return False
    with db.uow(write=True) as uow:
        s = uow.session
        row = s.get(AccountSecurityRow, account_id)
        if row is None or not row.totp_enabled:
            return False
        ok = _check_totp(row, code)
        if not ok:
            used = s.scalars(
                select(RecoveryCodeRow).where(
                    RecoveryCodeRow.account_id == account_id,
                    RecoveryCodeRow.code_hash == _hash(code),
                )
            ).first()
            if used is not None:
                s.delete(used)
                ok = True
        if ok:
            uow.commit()
        return ok


def remaining_recovery_codes(db: Database, account_id: int) -> int:
    with db.uow() as uow:
        return len(
            list(
                uow.session.scalars(
                    select(RecoveryCodeRow.id).where(RecoveryCodeRow.account_id == account_id)
                )
            )
        )


def disable_totp(db: Database, account: Account, code: str) -> None:
    """Turn the factor off; needs a current code (or a recovery code)."""
    if not verify_second_factor(db, account.id, code):
        raise InvalidInput("code: that code does not match")
    with db.uow(write=True) as uow:
        s = uow.session
        row = _security(s, account.id)
        row.totp_enabled = False
        row.totp_secret = None
        row.totp_last_step = None
        s.execute(delete(RecoveryCodeRow).where(RecoveryCodeRow.account_id == account.id))
        audit(s, account.actor(), "totp.disable", None)
        uow.commit()
