"""ORM tables (SQLAlchemy 2 typed mapping). Dialect-neutral: SQLite by default, PostgreSQL-ready.

Documents that are read whole (screening, scored norms, program rationale) are stored as
JSON next to the columns that queries filter on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from upperback.store.versions import pack, unpack


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class PackedJSON(TypeDecorator[dict[str, Any]]):
    """A JSON document stored zlib-packed (a program snapshot: 175 KB of JSON -> ~9 KB)."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: dict[str, Any] | None, dialect: Any) -> bytes | None:
        return None if value is None else pack(value)

    def process_result_value(self, value: Any, dialect: Any) -> dict[str, Any] | None:
        return (
            None
            if value is None
            else unpack(bytes(value) if isinstance(value, memoryview) else value)
        )


class ClinicianRow(Base):
    __tablename__ = "clinician"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class AccountRow(Base):
    """A login: a clinician's or a client's; the password is stored only as an argon2 hash."""

    __tablename__ = "account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("clinician.id", ondelete="CASCADE"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class ClientRow(Base):
    __tablename__ = "client"
    id: Mapped[int] = mapped_column(primary_key=True)
    clinician_id: Mapped[int] = mapped_column(
        ForeignKey("clinician.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    sex: Mapped[str] = mapped_column(String(10))
    birth_year: Mapped[int] = mapped_column(Integer)
    body_mass_kg: Mapped[float | None] = mapped_column(Float)
    email: Mapped[str | None] = mapped_column(String(320))
    created: Mapped[dt.date] = mapped_column(Date)


class IntakeRow(Base):
    __tablename__ = "intake"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    screening: Mapped[dict[str, Any]] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(10))
    urgency: Mapped[str] = mapped_column(String(12))
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class ClearanceRow(Base):
    __tablename__ = "clearance"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intake.id", ondelete="CASCADE"))
    clinician_id: Mapped[int] = mapped_column(ForeignKey("clinician.id"))
    date: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)


class AssessmentRow(Base):
    __tablename__ = "assessment"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    tester: Mapped[str] = mapped_column(String(120))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    profile: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    results: Mapped[list[TestResultRow]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="TestResultRow.id"
    )


class TestResultRow(Base):
    """One scored result: value, unit, side, date, tester, and its norm and change judgement."""

    __tablename__ = "test_result"
    __test__ = False
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    test_id: Mapped[str] = mapped_column(String(60), index=True)
    name: Mapped[str] = mapped_column(String(200))
    score: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))
    side: Mapped[str | None] = mapped_column(String(1))
    condition: Mapped[str | None] = mapped_column(String(80))
    band: Mapped[str | None] = mapped_column(String(60))
    date: Mapped[dt.date] = mapped_column(Date)
    tester: Mapped[str] = mapped_column(String(120))
    scored: Mapped[dict[str, Any]] = mapped_column(JSON)
    assessment: Mapped[AssessmentRow] = relationship(back_populates="results")


class ProgramRow(Base):
    """One version of a client's program.

    The phases -> weeks -> sessions -> prescriptions hierarchy is a validated JSON document.
    Every logged session may produce a new version: most versions store only what changed
    (a JSON Patch, a few KB), with a whole snapshot every few versions (store.versions).
    """

    __tablename__ = "program"
    __table_args__ = (UniqueConstraint("client_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[dt.date] = mapped_column(Date)
    seed: Mapped[int] = mapped_column(Integer)
    weeks: Mapped[int] = mapped_column(Integer)
    sessions_per_week: Mapped[int] = mapped_column(Integer)
    stopped_reason: Mapped[str | None] = mapped_column(Text)
    # Either a whole document (a snapshot, stored zlib-packed) or a JSON Patch against the
    # previous version (store.versions); NULL is SQL NULL: "is a snapshot" is IS NOT NULL.
    document: Mapped[dict[str, Any] | None] = mapped_column(PackedJSON)
    patch: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class SessionLogRow(Base):
    __tablename__ = "session_log"
    # One log per session of a plan (a plan is known by its start date): two web workers
    # logging the same session at once store exactly one.
    __table_args__ = (
        Index(
            "uq_session_log_plan_session", "client_id", "plan_start", "week", "index", unique=True
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    program_version: Mapped[int] = mapped_column(Integer)
    plan_start: Mapped[dt.date | None] = mapped_column(Date)
    date: Mapped[dt.date] = mapped_column(Date)
    week: Mapped[int] = mapped_column(Integer)
    index: Mapped[int] = mapped_column(Integer)
    completed: Mapped[bool] = mapped_column(Boolean)
    pain_before: Mapped[float | None] = mapped_column(Float)
    pain_next_morning: Mapped[float | None] = mapped_column(Float)
    fatigue: Mapped[float | None] = mapped_column(Float)
    readiness: Mapped[float | None] = mapped_column(Float)
    awareness: Mapped[list[Any]] = mapped_column(JSON)
    new_symptoms: Mapped[list[Any]] = mapped_column(JSON)
    notes: Mapped[str] = mapped_column(Text)
    emg: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    sets: Mapped[list[SetLogRow]] = relationship(
        back_populates="session_log", cascade="all, delete-orphan", order_by="SetLogRow.id"
    )


class SetLogRow(Base):
    __tablename__ = "set_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_log_id: Mapped[int] = mapped_column(
        ForeignKey("session_log.id", ondelete="CASCADE"), index=True
    )
    exercise_id: Mapped[str] = mapped_column(String(60))
    set_index: Mapped[int] = mapped_column(Integer)
    reps: Mapped[int | None] = mapped_column(Integer)
    hold_s: Mapped[float | None] = mapped_column(Float)
    load_kg: Mapped[float | None] = mapped_column(Float)
    level: Mapped[int | None] = mapped_column(Integer)
    rir: Mapped[float | None] = mapped_column(Float)
    rpe: Mapped[float | None] = mapped_column(Float)
    pain_during: Mapped[float] = mapped_column(Float)
    emg_ratio: Mapped[float | None] = mapped_column(Float)
    technique_lost: Mapped[bool] = mapped_column(Boolean, default=False)
    session_log: Mapped[SessionLogRow] = relationship(back_populates="sets")


class AdaptationRow(Base):
    __tablename__ = "adaptation"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    session_log_id: Mapped[int | None] = mapped_column(
        ForeignKey("session_log.id", ondelete="CASCADE")
    )
    program_version: Mapped[int] = mapped_column(Integer)
    rule_id: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    exercise_id: Mapped[str | None] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(Text)
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    date: Mapped[dt.date] = mapped_column(Date)
    from_week: Mapped[int] = mapped_column(Integer)
    from_index: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)


class OverrideRow(Base):
    __tablename__ = "override"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("clinician.id"))
    exercise_id: Mapped[str] = mapped_column(String(60))
    field: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    date: Mapped[dt.date] = mapped_column(Date)
    # Revocation (migration 0004): who withdrew the override, when and why; NULL = active.
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("clinician.id"), nullable=True)
    revoke_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class OutcomeRow(Base):
    """A measure over time (pain, NDI, ROM, adherence, sEMG ratios) for progress views."""

    __tablename__ = "outcome"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    measure: Mapped[str] = mapped_column(String(80), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))
    origin: Mapped[str] = mapped_column(String(20))


class EmgRecordingRow(Base):
    __tablename__ = "emg_recording"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    filename: Mapped[str] = mapped_column(String(300))
    analysis: Mapped[dict[str, Any]] = mapped_column(JSON)


class AuditRow(Base):
    """Who read or wrote which client's record, and when (health-data accountability)."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    actor: Mapped[str] = mapped_column(String(160))
    action: Mapped[str] = mapped_column(String(80))
    client_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # Where from and what exactly (added by 0005): reads, refusals and exports are audited too.
    address: Mapped[str | None] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(300))
    outcome: Mapped[str | None] = mapped_column(String(20))


# --- Security: sessions, tokens, second factor, login limiting (harden, migration 0005) ---


class AccountSecurityRow(Base):
    """Per-login security state kept beside the account: disabled flag and TOTP second factor."""

    __tablename__ = "account_security"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)


class RecoveryCodeRow(Base):
    """A one-time recovery code for the second factor, stored only as a hash."""

    __tablename__ = "recovery_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))


class LoginSessionRow(Base):
    """A server-side page session: the cookie carries a random id whose hash is the key."""

    __tablename__ = "login_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    expires: Mapped[dt.datetime] = mapped_column(DateTime)
    address: Mapped[str | None] = mapped_column(String(64))


class ApiTokenRow(Base):
    """A revocable API bearer token, stored only as a hash."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(80))
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    expires: Mapped[dt.datetime] = mapped_column(DateTime)
    address: Mapped[str | None] = mapped_column(String(64))


class LoginFailureRow(Base):
    """One failed login, per username and address: the limiter counts these (all workers)."""

    __tablename__ = "login_failure"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    username: Mapped[str] = mapped_column(String(120), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)


# --- Scale-out (issue 16): cohort sEMG results -------------------------------------------


class CohortEmgRow(Base):
    """One recording of a cohort sEMG run: its summary, or why it failed (one line)."""

    __tablename__ = "cohort_emg"
    __table_args__ = (UniqueConstraint("run", "path"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run: Mapped[str] = mapped_column(String(40), index=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("clinician.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(1000))
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text)
    fs: Mapped[float | None] = mapped_column(Float)
    duration_s: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


# ---- workbench (migration 0004): head-posture photos --------------------------------------


class PosturePhotoRow(Base):
    """A side photo for the craniovertebral angle: private to the client's record.

    The image bytes live in the database with the rest of the record, so the same access
    check (`client_for`) and the same backups cover them; a marked photo keeps the points
    (image pixels, y down), the angle and the assessment it was stored with.
    """

    __tablename__ = "posture_photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("clinician.id"))
    taken: Mapped[dt.date] = mapped_column(Date)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    media_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    tragus_x: Mapped[float | None] = mapped_column(Float, nullable=True)
    tragus_y: Mapped[float | None] = mapped_column(Float, nullable=True)
    c7_x: Mapped[float | None] = mapped_column(Float, nullable=True)
    c7_y: Mapped[float | None] = mapped_column(Float, nullable=True)
    cva_deg: Mapped[float | None] = mapped_column(Float, nullable=True)
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment.id", ondelete="SET NULL"), nullable=True
    )


# ---- Client side (issue 11): check-ins, questionnaires, calendar feeds, reminders, drafts ----


class CheckinRow(Base):
    """The next-morning check-in of one logged session (at most one per session)."""

    __tablename__ = "checkin"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    session_log_id: Mapped[int] = mapped_column(
        ForeignKey("session_log.id", ondelete="CASCADE"), unique=True
    )
    date: Mapped[dt.date] = mapped_column(Date)
    pain_now: Mapped[float] = mapped_column(Float)
    compared: Mapped[str] = mapped_column(String(10))  # better / same / worse than usual
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class QuestionnaireAssignmentRow(Base):
    """A questionnaire sent to a client (by the clinician or on the reassessment schedule)."""

    __tablename__ = "questionnaire_assignment"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    instrument: Mapped[str] = mapped_column(String(20))
    due: Mapped[dt.date] = mapped_column(Date)
    origin: Mapped[str] = mapped_column(String(20))  # clinician / schedule
    activities: Mapped[list[Any]] = mapped_column(JSON)  # PSFS activities chosen together
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    completed: Mapped[dt.datetime | None] = mapped_column(DateTime)


class QuestionnaireResponseRow(Base):
    __tablename__ = "questionnaire_response"
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_assignment.id", ondelete="CASCADE"), unique=True
    )
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    instrument: Mapped[str] = mapped_column(String(20))
    date: Mapped[dt.date] = mapped_column(Date)
    answers: Mapped[list[Any]] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float)
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class CalendarFeedRow(Base):
    """A client's calendar feed: only a hash of the secret URL token is stored."""

    __tablename__ = "calendar_feed"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    revoked: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ReminderRow(Base):
    """One reminder sent (so nothing is sent twice)."""

    __tablename__ = "reminder_log"
    __table_args__ = (UniqueConstraint("client_id", "event_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    event_key: Mapped[str] = mapped_column(String(80))
    sent: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class SessionDraftRow(Base):
    """A guided session in progress, saved set by set so a closed tab loses nothing."""

    __tablename__ = "session_draft"
    __table_args__ = (UniqueConstraint("client_id", "week", "index"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    week: Mapped[int] = mapped_column(Integer)
    index: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


# --- sEMG workday exposure (issue 14, migration 0007) -------------------------------------


class EmgExposureRow(Base):
    """One workday exposure analysis of a client (APDF, gaps, rest, EVA) with its finding
    and micro-break prescription as computed when stored."""

    __tablename__ = "emg_exposure"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    filename: Mapped[str] = mapped_column(String(300))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
