"""Who is acting, and may they touch this client? Every read and write goes through here."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from upperback.errors import Forbidden, NotFound
from upperback.store.tables import AuditRow, ClientRow, ClinicianRow


@dataclass(frozen=True)
class Actor:
    """A clinician (sees their own clients) or a client (sees only their own record)."""

    role: str
    clinician_id: int | None = None
    client_id: int | None = None
    name: str = ""

    @property
    def label(self) -> str:
        ident = self.clinician_id if self.role == "clinician" else self.client_id
        return f"{self.role}:{ident}:{self.name}"


def client_for(session: Session, actor: Actor, client_id: int) -> ClientRow:
    """The client row if the actor may see it; otherwise NotFound (existence is not revealed)."""
    row = session.get(ClientRow, client_id)
    visible = row is not None and (
        (actor.role == "clinician" and row.clinician_id == actor.clinician_id)
        or (actor.role == "client" and row.id == actor.client_id)
    )
    if not visible or row is None:
        raise NotFound(f"client {client_id} not found")
    return row


def require_clinician(actor: Actor, what: str) -> int:
    """Clinician-only actions (planning, clearance, overrides) refuse clients."""
    if actor.role != "clinician" or actor.clinician_id is None:
        raise Forbidden(f"only a clinician may {what}")
    return actor.clinician_id


@dataclass(frozen=True)
class RequestOrigin:
    """Where the current call came from (set by the web layer per request, or the CLI)."""

    address: str | None = None
    target: str | None = None


# A context variable, not a parameter: every service keeps its signature, and the web layer
# sets it once per request (contextvars follow the request into worker threads).
REQUEST_ORIGIN: ContextVar[RequestOrigin | None] = ContextVar(
    "upperback_request_origin", default=None
)
_LOCAL = RequestOrigin(address="local")


def audit(
    session: Session,
    actor: Actor | str,
    action: str,
    client_id: int | None,
    *,
    target: str | None = None,
    outcome: str = "ok",
) -> None:
    """One audit row in the caller's transaction: who, what, which client, from where."""
    origin = REQUEST_ORIGIN.get() or _LOCAL
    session.add(
        AuditRow(
            actor=(actor.label if isinstance(actor, Actor) else actor)[:160],
            action=action[:80],
            client_id=client_id,
            address=(origin.address or "")[:64] or None,
            target=(target or origin.target or "")[:300] or None,
            outcome=outcome[:20],
        )
    )


def default_clinician(session: Session) -> Actor:
    """The local clinician the CLI acts as (the first one created by `upperback init`)."""
    row = session.scalars(select(ClinicianRow).order_by(ClinicianRow.id)).first()
    if row is None:
        raise NotFound("no clinician yet: run `upperback init` first")
    return Actor(role="clinician", clinician_id=row.id, name=row.name)
