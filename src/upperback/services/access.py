"""Who is acting, and may they touch this client? Every read and write goes through here."""

from __future__ import annotations

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


def audit(session: Session, actor: Actor, action: str, client_id: int | None) -> None:
    session.add(AuditRow(actor=actor.label, action=action, client_id=client_id))


def default_clinician(session: Session) -> Actor:
    """The local clinician the CLI acts as (the first one created by `upperback init`)."""
    row = session.scalars(select(ClinicianRow).order_by(ClinicianRow.id)).first()
    if row is None:
        raise NotFound("no clinician yet: run `upperback init` first")
    return Actor(role="clinician", clinician_id=row.id, name=row.name)
